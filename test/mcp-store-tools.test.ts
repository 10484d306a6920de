/**
 * The callTool activity against Orchestra's store server over stdio: its error contract, progress, cancellation,
 * timeouts and a server that dies mid-call. Faults are injected with STORE_FAULTS and observed in its fault_log.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CancelledFailure } from '@temporalio/common';
import { createToolActivities, type ToolActivities } from '../src/activities/mcp.js';
import { activityEnv, isAlive, rejectsWith, storeSpec, tempDir, testPool, waitFor } from './helpers/mcp.js';

type Row = Record<string, unknown>;

interface Fixture {
  pool: ReturnType<typeof testPool>;
  tools: ToolActivities;
  /** Kinds of fault_log rows recorded for a tool, oldest first. */
  faults(tool: string): string[];
}

const dirs: string[] = [];
const fixtures: Fixture[] = [];

function storeFixture(faults?: Record<string, unknown>): Fixture {
  const dir = tempDir('store');
  dirs.push(dir);
  const db = path.join(dir, 'store.db');
  const pool = testPool([storeSpec(db, faults)]);
  const fixture: Fixture = {
    pool,
    tools: createToolActivities(pool),
    faults(tool) {
      if (!fs.existsSync(db)) return [];
      const reader = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return (reader.prepare('SELECT kind FROM fault_log WHERE tool = ? ORDER BY id').all(tool) as Array<{ kind: string }>).map((row) => row.kind);
      } catch {
        return []; // the server is still creating its schema
      } finally {
        reader.close();
      }
    },
  };
  fixtures.push(fixture);
  return fixture;
}

const store = (tool: string, args: Record<string, unknown>, idempotencyKey?: string) =>
  ({ server: 'store', tool, args, ...(idempotencyKey ? { idempotencyKey } : {}) });

describe('callTool activity (store server)', () => {
  after(async () => {
    await Promise.all(fixtures.map((fixture) => fixture.pool.close()));
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('turns a business error into a non-retryable failure of the type the server names', async () => {
    const { tools } = storeFixture();
    const failure = await rejectsWith(activityEnv().run(tools.callTool, store('get_customer', { customer_id: 'cust-999' })), {
      type: 'UnknownCustomer', nonRetryable: true,
    });
    assert.match(failure.message, /cust-999/);
    const [details] = failure.details as Array<{ error: { type: string; retryable: boolean } }>;
    assert.deepEqual([details.error.type, details.error.retryable], ['UnknownCustomer', false]);
  });

  it('keeps an infrastructure error retryable, and the retry succeeds', async () => {
    const { tools, faults } = storeFixture({ charge_payment: { fail: 1 } });
    const charge = store('charge_payment', { customer_id: 'cust-001', amount: 4_999 }, 'order-1/charge');
    await rejectsWith(activityEnv().run(tools.callTool, charge), { type: 'InjectedFault', nonRetryable: false, message: /before its effect/ });
    const result = await activityEnv({ attempt: 2 }).run(tools.callTool, charge) as Row;
    assert.equal(result.amount, 4_999);
    assert.deepEqual(faults('charge_payment'), ['fail']);
  });

  it('passes the idempotency key as the tool argument, so a repeated call is applied once', async () => {
    const { tools } = storeFixture();
    const reserve = store('reserve_inventory', { sku: 'WIDGET-001', quantity: 3 }, 'order-2/reserve');
    const first = await activityEnv().run(tools.callTool, reserve) as Row;
    const second = await activityEnv({ attempt: 2 }).run(tools.callTool, reserve) as Row;
    assert.equal(second.reservation_id, first.reservation_id);
    assert.equal(second.remaining_stock, first.remaining_stock);
    await rejectsWith(activityEnv().run(tools.callTool, store('reserve_inventory', { sku: 'WIDGET-001', quantity: 3 })), {
      type: 'InvalidToolArguments', nonRetryable: true, message: /idempotency_key: is required/,
    });
  });

  it('names each bad argument before calling', async () => {
    const { tools } = storeFixture();
    await rejectsWith(activityEnv().run(tools.callTool, store('charge_payment', { customer_id: 'cust-001', amount: 'ten', coupon: 'X' }, 'k')), {
      type: 'InvalidToolArguments', nonRetryable: true, message: /coupon: is not an argument of this tool.*amount: must be integer|amount: must be integer.*coupon: is not an argument/,
    });
  });

  it('turns MCP progress into activity heartbeats', async () => {
    const { tools } = storeFixture();
    const env = activityEnv();
    const result = await env.run(tools.callTool, store('analytics_report', { steps: 4, step_ms: 20 })) as Row;
    assert.equal(result.steps_completed, 4);
    const progress = env.heartbeats.filter((beat) => typeof beat === 'object' && beat !== null && 'progress' in beat) as
      Array<{ progress: number; total: number; message: string }>;
    // The last notification can arrive together with the result and be dropped by the SDK (typescript-sdk#2580).
    assert.deepEqual(progress.map((beat) => beat.progress).slice(0, 3), [1, 2, 3]);
    assert.deepEqual(Object.keys(progress[0]).sort(), ['message', 'progress', 'total']);
    assert.equal(progress[0].total, 4);
    assert.match(progress[0].message, /computed/);
  });

  it('aborts the MCP request when the activity is cancelled, and the server hears of it', async () => {
    const { tools, faults } = storeFixture({ reserve_inventory: { hang: true } });
    const env = activityEnv();
    const running = env.run(tools.callTool, store('reserve_inventory', { sku: 'GADGET-002', quantity: 1 }, 'order-3/reserve'));
    await waitFor(() => faults('reserve_inventory').includes('hang'), 15_000, 'the call to hang');
    env.cancel();
    await assert.rejects(running, CancelledFailure);
    await waitFor(() => faults('reserve_inventory').includes('cancelled'), 5_000, 'the server to log the cancellation');
  });

  it('ends the MCP request before the activity times out, and tells the server', async () => {
    const { tools, faults } = storeFixture({ reserve_inventory: { hang: true } });
    await activityEnv().run(tools.callTool, store('get_customer', { customer_id: 'cust-001' })); // server started
    const startedAt = Date.now();
    // A Temporal timeout would surface as the activity's own failure; a ToolTimeout means the MCP request ended first.
    await rejectsWith(activityEnv({ startToCloseTimeoutMs: 2_500 }).run(tools.callTool, store('reserve_inventory', { sku: 'GADGET-002', quantity: 1 }, 'order-4/reserve')), {
      type: 'ToolTimeout', nonRetryable: false, message: /store\.reserve_inventory: .*timed out/,
    });
    // It followed the activity's 2.5 s deadline, not the 60 s request timeout calls get outside an activity. The upper
    // bound is deliberately loose (a loaded machine is slow), only far below those 60 s.
    const elapsed = Date.now() - startedAt;
    assert.ok(elapsed >= 2_000 && elapsed < 30_000, `the request lasted about the activity's start-to-close timeout (${elapsed} ms)`);
    await waitFor(() => faults('reserve_inventory').includes('cancelled'), 5_000, 'the server to log the cancellation');
  });

  it('fails retryably when the server dies mid-call, and the retry succeeds on a fresh connection', async () => {
    const { pool, tools, faults } = storeFixture({ reserve_inventory: { hang: 1 } });
    const reserve = store('reserve_inventory', { sku: 'CABLE-004', quantity: 2 }, 'order-5/reserve');
    const running = activityEnv().run(tools.callTool, reserve);
    await waitFor(() => faults('reserve_inventory').includes('hang'), 15_000, 'the call to hang');
    const first = pool.pid('store')!;
    process.kill(first, 'SIGKILL');
    await rejectsWith(running, { type: 'ConnectionLost', nonRetryable: false, message: /reconnects/ });

    const result = await activityEnv({ attempt: 2 }).run(tools.callTool, reserve) as Row;
    assert.equal(result.status, 'reserved');
    const second = pool.pid('store')!;
    assert.notEqual(second, first);
    assert.ok(isAlive(second) && !isAlive(first));
  });
});
