/**
 * The production worker process (`npm run worker`): a bad MCP config stops it at start, it logs JSON lines, it runs a
 * prebuilt workflow bundle, and SIGTERM shuts it down gracefully — in-flight activities get the 10 s grace time to
 * finish, then are cancelled. Local dev server, real worker processes, real MCP servers.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Orchestra } from '../../src/client/api.js';
import { eventually } from '../helpers/eventually.js';
import { readStore, useTemporal } from '../helpers/temporal.js';
import { mcpConfigWithStoreFaults, prebuiltBundle, startWorkerProcess } from '../helpers/worker-process.js';

interface LogLine { time: string; level: string; message: string; [key: string]: unknown }

describe('the worker process', () => {
  const t = useTemporal('local');
  const count = (sql: string) => readStore(t.deps, (db) => (db.prepare(sql).get() as { n: number }).n);
  const workerEnv = (extra: Record<string, string> = {}) => ({
    TEMPORAL_ADDRESS: t.env.connection.options.address,
    ORCHESTRA_TASK_QUEUE: `worker-${randomUUID()}`,
    ORCHESTRA_HOME: t.deps.home,
    ...extra,
  });

  it('fails at start on a bad MCP config, naming the server and the field', async () => {
    const config = path.join(t.deps.home, 'bad-mcp.json');
    fs.writeFileSync(config, JSON.stringify({ mcpServers: { store: { command: 42 } } }));
    const worker = startWorkerProcess(workerEnv({ ORCHESTRA_MCP_CONFIG: config }));
    assert.equal(await worker.exited, 2);
    const stderr = worker.stderr().join('\n');
    assert.match(stderr, /^orchestra worker: Invalid MCP config .*bad-mcp\.json: mcpServers\.store\.command: .*expected string, received number$/m);
    assert.doesNotMatch(stderr, /\n\s+at /, 'one clear line, no stack trace');
  });

  it('runs a prebuilt workflow bundle (no bundling at start) and logs structured JSON lines', async () => {
    const env = workerEnv({ ORCHESTRA_WORKFLOW_BUNDLE: await prebuiltBundle(t.deps.home), ORCHESTRA_LOG_LEVEL: 'INFO' });
    const worker = startWorkerProcess(env);
    try {
      const orchestra = Orchestra.fromClient(t.env.client);
      const result = await orchestra.execute('callTools', {
        calls: [{ server: 'store', tool: 'get_customer', args: { customer_id: 'cust-002' } }],
      }, { taskQueue: env.ORCHESTRA_TASK_QUEUE });
      assert.equal(result.succeeded, 1);
    } finally {
      worker.child.kill('SIGTERM');
    }
    assert.equal(await worker.exited, 0);
    // Every line the worker wrote is one JSON object with a time, a level and a message.
    const lines = worker.stderr().map((line) => JSON.parse(line) as LogLine);
    assert.ok(lines.length > 0);
    for (const line of lines) {
      assert.ok(!Number.isNaN(Date.parse(line.time)), line.time);
      assert.match(line.level, /^(TRACE|DEBUG|INFO|WARN|ERROR)$/);
      assert.equal(typeof line.message, 'string');
    }
    assert.ok(lines.some((l) => l.message === 'Worker state changed' && l.state === 'RUNNING'), 'the worker said it runs');
    assert.ok(lines.some((l) => l.sdkComponent === 'mcp' && /MCP server "store" connected/.test(l.message)), 'MCP notices are in the log');
    assert.ok(!lines.some((l) => l.message === 'Workflow bundle created'), 'the prebuilt bundle was used, nothing bundled');
  });

  it('on SIGTERM lets an in-flight activity finish within the grace time, then cancels the one that does not', async () => {
    // analytics_report takes 3 s (within the 10 s grace); reserve_inventory hangs until cancelled.
    const env = workerEnv({
      ORCHESTRA_MCP_CONFIG: mcpConfigWithStoreFaults(t.deps.home, { analytics_report: { delayMs: 3_000 }, reserve_inventory: { hang: true } }),
      ORCHESTRA_WORKFLOW_BUNDLE: await prebuiltBundle(t.deps.home),
    });
    const orchestra = Orchestra.fromClient(t.env.client);
    const worker = startWorkerProcess(env);
    try {
      const quick = await orchestra.start('callTools', {
        calls: [{ server: 'store', tool: 'analytics_report', args: { steps: 2, step_ms: 10 } }],
      }, { taskQueue: env.ORCHESTRA_TASK_QUEUE });
      const stuck = await orchestra.start('callTools', {
        calls: [{ server: 'store', tool: 'reserve_inventory', args: { sku: 'GADGET-002', quantity: 1 }, idempotencyKey: 'shutdown-reserve' }],
      }, { taskQueue: env.ORCHESTRA_TASK_QUEUE });
      await eventually(() => count(`SELECT COUNT(*) AS n FROM fault_log WHERE (tool = 'analytics_report' AND kind = 'delay') OR (tool = 'reserve_inventory' AND kind = 'hang')`) === 2,
        { what: 'both requests to reach the server', timeoutMs: 60_000 });
      worker.child.kill('SIGTERM');
      assert.equal(await worker.exited, 0, 'a clean exit after the shutdown');

      // The quick one finished during the grace time: its result is in history (only a worker can complete the run).
      const events = (await orchestra.handle(quick.workflowId).fetchHistory()).events ?? [];
      assert.equal(events.filter((e) => e.activityTaskCompletedEventAttributes).length, 1, 'completed after SIGTERM');
      // The stuck one was cancelled when the grace time ran out, and the MCP request with it.
      await eventually(() => count(`SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'reserve_inventory' AND kind = 'cancelled'`) === 1,
        { what: 'the server to log the cancelled request' });
      const stuckEvents = (await orchestra.handle(stuck.workflowId).fetchHistory()).events ?? [];
      assert.ok(!stuckEvents.some((e) => e.activityTaskCompletedEventAttributes), 'the stuck activity did not complete');
    } finally {
      worker.child.kill('SIGKILL');
    }
  });
});
