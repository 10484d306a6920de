import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Orchestra } from '../../src/client/api.js';
import { startStoreHttpProcess } from '../helpers/mcp-serve.js';
import { useTemporal } from '../helpers/temporal.js';
import { prebuiltBundle, startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.js';

const TOKEN = 'store-token-for-two-workers';

describe('the store server over Streamable HTTP, shared by workers', () => {
  const t = useTemporal('local');
  let storeUrl: string;
  let stopStore: () => Promise<void>;
  let db: string;

  before(async () => {
    db = path.join(t.deps.home, 'shared-store.db');
    const store = await startStoreHttpProcess({ STORE_DB: db, STORE_MCP_TOKEN: TOKEN });
    storeUrl = store.url;
    stopStore = store.stop;
  });
  after(async () => stopStore?.());

  it('refuses a client without its bearer token', async () => {
    const response = await fetch(storeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 401);
  });

  it('takes the effects of two worker processes into one database', async () => {
    // The workers' mcp.config.json: the store as a `url` entry, its token from the workers' environment.
    const config = path.join(t.deps.home, 'mcp.http-store.json');
    fs.writeFileSync(config, JSON.stringify({
      mcpServers: { store: { url: storeUrl, headers: { Authorization: 'Bearer ${STORE_MCP_TOKEN}' } } },
    }));
    const base = {
      TEMPORAL_ADDRESS: t.env.connection.options.address,
      ORCHESTRA_HOME: t.deps.home,
      ORCHESTRA_MCP_CONFIG: config,
      ORCHESTRA_WORKFLOW_BUNDLE: await prebuiltBundle(t.deps.home),
      STORE_MCP_TOKEN: TOKEN,
    };
    // One task queue per worker, so each surely does its own run.
    const queues = [`store-http-a-${randomUUID()}`, `store-http-b-${randomUUID()}`];
    const workers: WorkerProcess[] = queues.map((queue) => startWorkerProcess({ ...base, ORCHESTRA_TASK_QUEUE: queue }));
    const orchestra = Orchestra.fromClient(t.env.client);
    try {
      const runs = await Promise.all(queues.map((queue, i) => orchestra.start('callTools', {
        calls: [{ server: 'store', tool: 'charge_payment', args: { customer_id: 'cust-001', amount: 1001 + i }, idempotencyKey: `http-store-${queue}` }],
      }, { taskQueue: queue })));
      const results = await Promise.all(runs.map((run) => orchestra.result(run.workflowId) as Promise<{ succeeded: number }>));
      assert.deepEqual(results.map((r) => r.succeeded), [1, 1]);
    } finally {
      for (const worker of workers) worker.child.kill('SIGKILL');
      await Promise.all(workers.map((worker) => worker.exited));
    }
    const shared = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const amounts = shared.prepare(`SELECT amount FROM payments WHERE amount IN (1001, 1002) ORDER BY amount`).all() as { amount: number }[];
      assert.deepEqual(amounts.map((row) => row.amount), [1001, 1002]);
    } finally {
      shared.close();
    }
  });
});
