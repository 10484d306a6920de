/**
 * Durability end to end: a worker process is killed (SIGKILL) in the middle of a run; another worker picks the run up
 * from its history and finishes it. Effects already applied are not applied again, none is dropped — whether the
 * killed attempt's effect never happened or had already been committed when the worker died.
 * Local dev server, real worker processes (`src/workers/main.ts`), real MCP servers and store.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Orchestra } from '../../src/client/api.js';
import { eventually } from '../helpers/eventually.js';
import { readStore, useTemporal } from '../helpers/temporal.js';
import { mcpConfigWithStoreFaults, prebuiltBundle, startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.js';

describe('a worker crash mid-run', () => {
  const t = useTemporal('local'); // its scratch home (store.db, files/) is shared with the worker processes
  const count = (sql: string, ...params: unknown[]) => readStore(t.deps, (db) => (db.prepare(sql).get(...params) as { n: number }).n);

  /** Runs `callTools` with these calls on worker processes whose store has `faults`; `crash` kills the first worker. */
  async function crashAndRecover(calls: unknown[], faults: Record<string, unknown>, crash: (worker: WorkerProcess) => Promise<void>) {
    const workerEnv = {
      TEMPORAL_ADDRESS: t.env.connection.options.address,
      ORCHESTRA_TASK_QUEUE: `crash-${randomUUID()}`,
      ORCHESTRA_HOME: t.deps.home,
      ORCHESTRA_MCP_CONFIG: mcpConfigWithStoreFaults(t.deps.home, faults),
      ORCHESTRA_WORKFLOW_BUNDLE: await prebuiltBundle(t.deps.home),
    };
    const orchestra = Orchestra.fromClient(t.env.client);
    const run = await orchestra.start('callTools', { calls } as never, { taskQueue: workerEnv.ORCHESTRA_TASK_QUEUE });
    const first = startWorkerProcess(workerEnv);
    let second: WorkerProcess | undefined;
    try {
      await crash(first);
      first.child.kill('SIGKILL');
      await first.exited;
      second = startWorkerProcess(workerEnv);
      return await orchestra.result(run.workflowId) as { succeeded: number };
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
    }
  }

  it('is finished by another worker, with every effect applied exactly once', async () => {
    // The first reserve_inventory request hangs: the worker dies while it is in flight, before any effect.
    const result = await crashAndRecover([
      { server: 'store', tool: 'charge_payment', args: { customer_id: 'cust-003', amount: 12_345 }, idempotencyKey: 'crash-charge' },
      { server: 'store', tool: 'reserve_inventory', args: { sku: 'GADGET-002', quantity: 1 }, idempotencyKey: 'crash-reserve' },
    ], { reserve_inventory: { hang: 1 } }, async () => {
      await eventually(() => count(`SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'reserve_inventory'`) > 0,
        { what: 'the reservation request to reach the server', timeoutMs: 60_000 });
    });
    assert.equal(result.succeeded, 2);
    assert.equal(count(`SELECT COUNT(*) AS n FROM payments WHERE customer_id = 'cust-003' AND amount = 12345`), 1, 'charged once');
    assert.equal(count(`SELECT COUNT(*) AS n FROM reservations WHERE sku = 'GADGET-002'`), 1, 'reserved once');
  });

  it('does not apply an effect twice when the killed attempt had already committed it', async () => {
    // The reservation waits 2 s in the server before its effect. The worker is frozen (SIGSTOP) as soon as the request
    // arrives, so it cannot record the result; the server commits the reservation; then the worker is killed. The
    // retry on another worker carries the same idempotency key and must get the committed reservation back.
    const reserved = () => count(`SELECT COUNT(*) AS n FROM reservations WHERE sku = 'CABLE-004' AND quantity = 3`);
    const before = reserved();
    const result = await crashAndRecover([
      { server: 'store', tool: 'reserve_inventory', args: { sku: 'CABLE-004', quantity: 3 }, idempotencyKey: 'crash-committed-reserve' },
    ], { reserve_inventory: { delayMs: 2_000 } }, async (worker) => {
      await eventually(() => count(`SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'reserve_inventory' AND kind = 'delay'`) > 0,
        { what: 'the reservation request to reach the server', timeoutMs: 60_000 });
      worker.child.kill('SIGSTOP');
      await eventually(() => reserved() === before + 1, { what: 'the server to commit the reservation' });
    });
    assert.equal(result.succeeded, 1);
    assert.equal(reserved(), before + 1, 'reserved once, though two attempts asked');
  });
});
