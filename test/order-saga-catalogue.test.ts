/**
 * The order saga's catalogue lookup never waits behind analytics: with every analytics query process busy on slow
 * queries (same store server, same connection as the worker's), an order still completes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OrderSagaRecord } from '../src/schemas/order-saga.js';
import { useTemporal, withWorker } from './helpers/temporal.js';

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
        const result = await orchestra.execute('orderSaga', {
          orderId: 'ord-catalogue-1',
          customer: { id: 'cust-001', name: 'Acme Corporation', email: 'billing@acme.example' },
          items: [{ sku: 'WIDGET-001', quantity: 2 }],
          shippingAddress: { name: 'Acme Receiving', street: '1 Market Street', city: 'San Francisco', postalCode: '94105', country: 'US' },
        }, { taskQueue }) as OrderSagaRecord;
        assert.equal(result.status, 'completed');
        assert.ok(result.amount > 0);
      });
      assert.equal(analyticsSettled, 0, 'the order completed while every analytics query still ran or waited');
    } finally {
      controller.abort('test is done');
      await Promise.allSettled(analytics);
    }
  });
});
