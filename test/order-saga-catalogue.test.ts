/**
 * The order saga's catalogue lookup never waits behind analytics: with every analytics query process busy on slow
 * queries (same store server, same connection as the worker's), an order still completes. The lookup is a short read,
 * so it runs as a local activity: one marker in the history, shown by `orchestra history` and `timeline`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventKind, localActivityOf, readableHistory, stepName } from '../src/client/history.js';
import { resetPoint } from '../src/client/reset.js';
import { timeline } from '../src/client/timeline.js';
import type { OrderSagaRecord } from '../src/schemas/order-saga.js';
import { useTemporal, withWorker } from './helpers/temporal.js';

const ORDER = {
  customer: { id: 'cust-001', name: 'Acme Corporation', email: 'billing@acme.example' },
  items: [{ sku: 'WIDGET-001', quantity: 2 }],
  shippingAddress: { name: 'Acme Receiving', street: '1 Market Street', city: 'San Francisco', postalCode: '94105', country: 'US' },
};

const SLOW_SQL = 'SELECT COUNT(*) FROM order_items a, order_items b, order_items c, order_items d, order_items e';

describe('orderSaga while analytics queries are slow (time-skipping, real store)', () => {
  const t = useTemporal('time-skipping', { STORE_QUERY_TIMEOUT_MS: '300000', STORE_QUERY_PROCESSES: '2' });

  it('prices and completes an order while slow analytics queries occupy every query process', async () => {
    const controller = new AbortController();
    let analyticsSettled = 0;
    const analytics = Array.from({ length: 4 }, () => t.deps.mcp.callTool('store', { name: 'query', arguments: { sql: SLOW_SQL } },
      { signal: controller.signal, timeout: 600_000 }).finally(() => analyticsSettled++));
    try {
      await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
        const result = await orchestra.execute('orderSaga', { orderId: 'ord-catalogue-1', ...ORDER }, { taskQueue }) as OrderSagaRecord;
        assert.equal(result.status, 'completed');
        assert.ok(result.amount > 0);
      });
      assert.equal(analyticsSettled, 0, 'the order completed while every analytics query still ran or waited');
    } finally {
      controller.abort('test is done');
      await Promise.allSettled(analytics);
    }
  });

  it('looks the prices up in a local activity: one marker with the step summary, no activity task', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('orderSaga', { orderId: 'ord-catalogue-local', ...ORDER }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as OrderSagaRecord;
      assert.equal(result.status, 'completed');
      assert.equal(result.amount, 2 * 1999, 'priced from the catalogue (WIDGET-001 costs 1999)');
      const history = await orchestra.history(run.workflowId);
      const events = history.events ?? [];
      const lookup = 'store.get_products — price WIDGET-001 from product_catalog';
      const locals = events.filter((e) => localActivityOf(e));
      assert.deepEqual(locals.map((e) => [stepName(e), localActivityOf(e)?.activityType, localActivityOf(e)?.attempt]), [[lookup, 'callTool', 1]]);
      const scheduled = events.filter((e) => eventKind(e) === 'ActivityTaskScheduled').map(stepName);
      assert.ok(!scheduled.includes(lookup), `no activity task for the lookup: ${scheduled.join(', ')}`);
      assert.ok(scheduled.some((s) => s.startsWith('store.charge_payment')), 'the writes stay activity tasks');

      const step = timeline(history).find((s) => s.step === lookup);
      assert.equal(step?.kind, 'activity');
      assert.equal(step?.activity, 'callTool');
      assert.equal(step?.outcome, 'completed');
      assert.ok(step && step.durationMs !== undefined && step.durationMs >= 0 && Date.parse(step.end!) >= Date.parse(step.start));
      assert.deepEqual(readableHistory(history).filter((r) => r.step === lookup).map((r) => [r.event, r.outcome, r.attempt]),
        [['MarkerRecorded', 'completed (local activity)', 1]]);

      // `orchestra reset --to store.get_products` would rerun the workflow task that ran the lookup, and what follows.
      const ranIn = events.filter((e) => eventKind(e) === 'WorkflowTaskCompleted' && Number(e.eventId) < Number(locals[0].eventId)).at(-1);
      assert.equal(resetPoint(history, { to: 'step', step: 'store.get_products' }), Number(ranIn?.eventId));
    });
  });
});
