/**
 * Durability end to end: a worker process is killed (SIGKILL) in the middle of a run; another worker picks the run up
 * from its history and finishes it. Effects already applied are not applied again, none is dropped.
 * Local dev server, real worker processes (`src/workers/main.ts`), real MCP servers and store.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Orchestra } from '../src/client/api.js';
import { projectRoot } from '../src/runtime/paths.js';
import { localEnv, readStore, testDeps, type TestDeps } from './helpers/temporal.js';

function startWorkerProcess(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/workers/main.ts')], {
    cwd: projectRoot,
    env: { ...process.env, ORCHESTRA_LOG_LEVEL: 'WARN', ...env },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
}

async function waitFor(what: string, predicate: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await predicate().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a worker crash mid-run', () => {
  let env: TestWorkflowEnvironment;
  let deps: TestDeps;
  const workers: ChildProcess[] = [];
  before(async () => {
    env = await localEnv();
    deps = await testDeps(); // its scratch home (store.db, files/) is shared with the worker processes
  });
  after(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await deps?.close();
    await env?.teardown();
  });

  it('is finished by another worker, with every effect applied exactly once', async () => {
    const taskQueue = `crash-${randomUUID()}`;
    // The workers use the project's MCP config, plus a fault: the first reserve_inventory request hangs.
    const config = JSON.parse(fs.readFileSync(path.join(projectRoot, 'mcp.config.json'), 'utf8'));
    config.mcpServers.store.env.STORE_FAULTS = JSON.stringify({ reserve_inventory: { hang: 1 } });
    const configFile = path.join(deps.home, 'mcp.config.json');
    fs.writeFileSync(configFile, JSON.stringify(config));
    const workerEnv = {
      TEMPORAL_ADDRESS: env.connection.options.address,
      ORCHESTRA_TASK_QUEUE: taskQueue,
      ORCHESTRA_HOME: deps.home,
      ORCHESTRA_MCP_CONFIG: configFile,
    };
    const orchestra = Orchestra.fromClient(env.client);
    const run = await orchestra.start('callTools', {
      calls: [
        { server: 'store', tool: 'charge_payment', args: { customer_id: 'cust-003', amount: 12_345 }, idempotencyKey: 'crash-charge' },
        { server: 'store', tool: 'reserve_inventory', args: { sku: 'GADGET-002', quantity: 1 }, idempotencyKey: 'crash-reserve' },
      ],
    }, { taskQueue });

    const first = startWorkerProcess(workerEnv);
    workers.push(first);
    // Kill the first worker while its reservation request is in flight (after the charge completed).
    await waitFor('the reservation request', async () =>
      readStore(deps, (db) => db.prepare(`SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'reserve_inventory'`).get() as { n: number }).n > 0);
    first.kill('SIGKILL');

    workers.push(startWorkerProcess(workerEnv));
    const result = await orchestra.result(run.workflowId) as { succeeded: number };
    assert.equal(result.succeeded, 2);

    const charges = readStore(deps, (db) => db.prepare(`SELECT COUNT(*) AS n FROM payments WHERE customer_id = 'cust-003' AND amount = 12345`).get()) as { n: number };
    const reservations = readStore(deps, (db) => db.prepare(`SELECT COUNT(*) AS n FROM reservations WHERE sku = 'GADGET-002'`).get()) as { n: number };
    assert.equal(charges.n, 1, 'charged once');
    assert.equal(reservations.n, 1, 'reserved once');
  });
});
