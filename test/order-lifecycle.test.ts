/**
 * orderLifecycle: the pure reducer without a server, then the event-driven order on the time-skipping server with the
 * real store MCP server — signal-with-start, duplicates processed once, out-of-order events, a failed handler
 * dead-lettered and redriven, continue-as-new, the log replayed to the workflow's state, and the SDK replayer.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import {
  appliesTo, applyEvent, emptyOrder, isFollowedUp, lifecycleIdOf, replay, type OrderEvent, type OrderEventInput,
} from '../src/events/order-events.js';
import { OrderClosedError, publishOrderEvent, replayOrder, type StoreCall } from '../src/client/order-events.js';
import type { OrderLifecycleView } from '../src/schemas/order-lifecycle.js';
import { toolResultOf } from '../src/shared/tool-result.js';
import { InvalidInputError, Orchestra } from '../src/client/api.js';
import { eventually } from './helpers/eventually.js';
import { readStore, testDeps, useTemporal, withWorker, workflowBundle, type TestDeps } from './helpers/temporal.js';
import { withObservability } from '../src/observability/worker-options.js';

const created = (orderId: string, customerId = 'cust-001', amount = 4_999): OrderEventInput => ({
  id: `${orderId}>order.created`, orderId, type: 'order.created',
  data: {
    customer: { id: customerId, name: 'Acme Corporation', email: 'billing@acme.example' }, amount,
    shippingAddress: { name: 'Acme Receiving', street: '1 Market Street', city: 'San Francisco', postalCode: '94105', country: 'US' },
  },
});

describe('order events: the reducer (no server)', () => {
  it('folds the lifecycle into one state, a version per event, and knows which events apply now', () => {
    const id = 'ord-r1';
    const events = [
      created(id),
      { id: 'p', orderId: id, type: 'payment.processed', data: { paymentId: 'pay-1', amount: 4_999 } },
      { id: 's', orderId: id, type: 'shipping.scheduled', data: { labelId: 'lbl-1', trackingNumber: 'TRK1' } },
      { id: 'c', orderId: id, type: 'order.completed', data: { notificationId: 'ntf-1' } },
    ] as OrderEvent[];
    const state = replay(id, events);
    assert.equal(state.status, 'completed');
    assert.equal(state.version, 4);
    assert.deepEqual([state.paymentId, state.labelId, state.notificationId], ['pay-1', 'lbl-1', 'ntf-1']);
    assert.equal(appliesTo(emptyOrder(id), events[1]), false, 'a payment before the order waits');
    assert.equal(isFollowedUp(applyEvent(applyEvent(emptyOrder(id), events[0]), events[1]), events[0]), true);
    const failed = applyEvent(applyEvent(emptyOrder(id), events[0]), {
      id: 'e', orderId: id, type: 'handler.error', data: { eventId: events[0].id, eventType: 'order.created', error: { type: 'PaymentDeclined', message: 'no' } },
    });
    assert.deepEqual(failed.failedHandlers.map((f) => f.eventId), [events[0].id]);
    assert.deepEqual(applyEvent(failed, events[1]).failedHandlers, [], 'the follow-up clears the failure');
  });
});

describe('orderLifecycle (time-skipping, real store)', () => {
  const t = useTemporal('time-skipping');

  const storeOf = (deps: TestDeps): StoreCall => async (tool, args) =>
    toolResultOf(await deps.mcp.callTool('store', { name: tool, arguments: args })) as Record<string, unknown>;
  const logOf = (deps: TestDeps, orderId: string) => readStore(deps, (db) => db.prepare(
    'SELECT type, aggregate_version AS version, event_id FROM events WHERE aggregate_id = ? ORDER BY seq').all(`order:${orderId}`)) as
    { type: string; version: number; event_id: string }[];
  const paymentsOf = async (deps: TestDeps, customerId: string) => {
    await storeOf(deps)('get_customer', { customer_id: customerId }); // the store creates its database on first use
    return readStore(deps, (db) => (db.prepare('SELECT COUNT(*) AS n FROM payments WHERE customer_id = ?').get(customerId) as { n: number }).n);
  };
  const result = (orchestra: Orchestra, orderId: string) => orchestra.result(lifecycleIdOf(orderId)) as Promise<OrderLifecycleView>;

  it('runs order.created → payment.processed → shipping.scheduled → order.completed once, however often the event arrives', async () => {
    const orderId = 'ord-evt-1';
    const taskQueue = `test-${randomUUID()}`;
    const before = await paymentsOf(t.deps, 'cust-003');
    // Concurrent producers deliver the same event four times, all while the order is open: before a worker polls its
    // queue (with a worker running, the order can complete before the last copy lands, which then finds it closed).
    await Promise.all([1, 2, 3, 4].map(() => publishOrderEvent(Orchestra.fromClient(t.env.client), created(orderId, 'cust-003'), { taskQueue })));
    await withWorker(t.env, t.deps, async ({ orchestra }) => {
      const view = await result(orchestra, orderId);
      assert.equal(view.state.status, 'completed');
      assert.equal(view.state.version, 4);
      assert.equal(view.duplicates, 3);
      assert.deepEqual(logOf(t.deps, orderId).map((e) => [e.version, e.type]),
        [[1, 'order.created'], [2, 'payment.processed'], [3, 'shipping.scheduled'], [4, 'order.completed']]);
      assert.equal(await paymentsOf(t.deps, 'cust-003') - before, 1, 'charged once');

      const replayed = await replayOrder(orchestra, storeOf(t.deps), orderId);
      assert.equal(replayed.equal, true, replayed.differences.join(', '));
      assert.deepEqual(replayed.fromLog, view.state);

      // The SDK's replayer makes the same decisions from the run's history.
      const history = await orchestra.handle(lifecycleIdOf(orderId)).fetchHistory();
      await Worker.runReplayHistory(withObservability({ workflowBundle: await workflowBundle() }), history, lifecycleIdOf(orderId));

      // The order has ended: a late event is refused, not processed by a second run.
      await assert.rejects(publishOrderEvent(orchestra, created(orderId, 'cust-003'), { taskQueue }), OrderClosedError);
      await assert.rejects(publishOrderEvent(orchestra, { ...created('ord-x'), type: 'order.shipped' } as never, { taskQueue }), InvalidInputError);
    }, { worker: { taskQueue } });
  });

  it('holds an event that arrives before its predecessor, and applies it in order', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const orderId = 'ord-evt-2';
      // The payment service reports the payment (made elsewhere) before the order is created.
      await publishOrderEvent(orchestra, { id: `${orderId}>payment.processed`, orderId, type: 'payment.processed', data: { paymentId: 'pay-external', amount: 4_999 } }, { taskQueue });
      await eventually(async () => {
        const view = await orchestra.handle(lifecycleIdOf(orderId)).query<OrderLifecycleView>('order');
        assert.deepEqual([view.state.status, view.pending], ['none', [`${orderId}>payment.processed`]]);
      }, { what: 'the early payment to wait' });
      const before = await paymentsOf(t.deps, 'cust-004');
      await publishOrderEvent(orchestra, created(orderId, 'cust-004'), { taskQueue });
      const view = await result(orchestra, orderId);
      assert.equal(view.state.status, 'completed');
      assert.equal(view.state.paymentId, 'pay-external');
      assert.equal(await paymentsOf(t.deps, 'cust-004'), before, 'the order.created handler did not charge again: the payment had happened');
      assert.deepEqual(logOf(t.deps, orderId).map((e) => e.type), ['order.created', 'payment.processed', 'shipping.scheduled', 'order.completed']);
      assert.equal((await replayOrder(orchestra, storeOf(t.deps), orderId)).equal, true);
    });
  });

  it('dead-letters a handler that keeps failing, publishes handler.error, keeps the event, and runs it again on a redrive', async () => {
    const faulty = await testDeps({ STORE_FAULTS: JSON.stringify({ charge_payment: { fail: 3 } }) });
    try {
      await withWorker(t.env, faulty, async ({ orchestra, taskQueue }) => {
        const orderId = 'ord-evt-3';
        await publishOrderEvent(orchestra, created(orderId), { taskQueue });
        const failed = await eventually(async () => {
          const view = await orchestra.handle(lifecycleIdOf(orderId)).query<OrderLifecycleView>('order');
          assert.equal(view.state.failedHandlers.length, 1);
          return view;
        }, { what: 'the handler to fail for good' });
        assert.equal(failed.state.status, 'created');
        assert.equal(failed.state.failedHandlers[0].error.type, 'InjectedFault');
        const letters = readStore(faulty, (db) => db.prepare('SELECT id, source, error_type, item FROM dead_letters').all()) as
          { id: string; source: string; error_type: string; item: string }[];
        assert.deepEqual(letters.map((l) => [l.id, l.source, l.error_type]), [[failed.state.failedHandlers[0].deadLetterId, 'orderLifecycle', 'InjectedFault']]);
        assert.equal(JSON.parse(letters[0].item).event.id, `${orderId}>order.created`);
        assert.equal((await replayOrder(orchestra, storeOf(faulty), orderId)).equal, true, 'the log agrees while it waits');

        // A redrive sends the kept event again: its handler runs again (the fault has passed) and the order goes on.
        await publishOrderEvent(orchestra, created(orderId), { taskQueue });
        const view = await result(orchestra, orderId);
        assert.equal(view.state.status, 'completed');
        assert.deepEqual(view.state.failedHandlers, []);
        assert.deepEqual(logOf(faulty, orderId).map((e) => e.type),
          ['order.created', 'handler.error', 'payment.processed', 'shipping.scheduled', 'order.completed']);
        assert.equal((await replayOrder(orchestra, storeOf(faulty), orderId)).equal, true);
      });
    } finally {
      await faulty.close();
    }
  });

  it('continues as new before the history grows large, carrying the state and the seen ids', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const orderId = 'ord-evt-4';
      await orchestra.start('orderLifecycle', { orderId, historyLimit: 20 }, { taskQueue });
      await publishOrderEvent(orchestra, created(orderId, 'cust-005'), { taskQueue });
      const view = await result(orchestra, orderId);
      assert.equal(view.state.status, 'completed');
      assert.ok(view.run > 1, `continued as new (${view.run} runs)`);
      assert.equal(view.seen.length, 4);
      assert.deepEqual(logOf(t.deps, orderId).map((e) => e.version), [1, 2, 3, 4]);
      assert.equal((await replayOrder(orchestra, storeOf(t.deps), orderId)).equal, true);
    });
  });
});
