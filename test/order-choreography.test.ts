/**
 * orderChoreography against orderSaga: the same orders, run once by the orchestrated saga on one fresh store and once
 * by the choreography (order, payment, inventory and shipping services reacting to events) on another, with the same
 * injected faults. Their results and every table they touch must end equal (time-skipping server, real store servers).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { OrderSagaInput, OrderSagaResult } from '../src/schemas/order-saga.js';
import { readStore, testDeps, timeSkippingEnv, withWorker, type TestDeps } from './helpers/temporal.js';

const TABLES = ['users', 'payments', 'refunds', 'notifications', 'reservations', 'shipping_labels', 'products'];

/** A value without the times in it (`created_at`, `refunded_at`, …): the two runs happen one after the other. */
function withoutTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimes);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.endsWith('_at')).map(([key, v]) => [key, withoutTimes(v)]));
}

/** Every row of the tables a saga touches, without times. */
function storeState(deps: TestDeps): unknown {
  return readStore(deps, (db) => withoutTimes(Object.fromEntries(TABLES.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()]))));
}

const order = (orderId: string, patch: Partial<OrderSagaInput> = {}): OrderSagaInput => ({
  orderId,
  customer: { id: 'cust-001', name: 'Acme Corporation', email: 'billing@acme.example' },
  items: [{ sku: 'WIDGET-001', quantity: 2 }, { sku: 'CABLE-004', quantity: 3 }],
  shippingAddress: { name: 'Acme Receiving', street: '1 Market Street', city: 'San Francisco', postalCode: '94105', country: 'US' },
  ...patch,
});

/** Runs each order through orderSaga on one store and orderChoreography on another; returns both sides. */
function compareOn(storeEnv: Record<string, string>) {
  const t = {} as { env: TestWorkflowEnvironment; saga: TestDeps; choreography: TestDeps };
  before(async () => {
    t.env = await timeSkippingEnv();
    [t.saga, t.choreography] = await Promise.all([testDeps(storeEnv), testDeps(storeEnv)]);
  });
  after(async () => {
    await Promise.all([t.saga?.close(), t.choreography?.close()]);
    await t.env?.teardown();
  });
  return async (input: OrderSagaInput) => {
    const saga = await withWorker(t.env, t.saga, ({ orchestra, taskQueue }) => orchestra.execute('orderSaga', input, { taskQueue }));
    const choreography = await withWorker(t.env, t.choreography, ({ orchestra, taskQueue }) => orchestra.execute('orderChoreography', input, { taskQueue }));
    const strip = ({ transactionId: _id, ...rest }: OrderSagaResult) => withoutTimes(rest);
    assert.deepEqual(strip(choreography), strip(saga));
    assert.deepEqual(storeState(t.choreography), storeState(t.saga));
    return saga;
  };
}

describe('orderChoreography ends as orderSaga does (time-skipping, real stores)', () => {
  const same = compareOn({});

  it('completes the same order with the same effects', async () => {
    const result = await same(order('ord-ch-1'));
    assert.equal(result.status, 'completed');
    assert.equal(result.executedSteps.length, 6, "account, charge, confirmation, two reservations, label");
  });

  it('compensates a declined payment the same way: nothing charged, the account deleted', async () => {
    const result = await same(order('ord-ch-2', {
      customer: { id: 'cust-012', name: 'Bluth Banana Stand', email: 'money@bluth.example' }, items: [{ sku: 'WIDGET-001', quantity: 3 }],
    }));
    assert.equal(result.status, 'compensated');
    assert.equal(result.failedStep?.error.type, 'PaymentDeclined');
  });

  it('compensates a rejected shipping address through every service, in reverse', async () => {
    const result = await same(order('ord-ch-3', {
      shippingAddress: { name: 'Acme Receiving', street: '1 Market Street', city: 'San Francisco', postalCode: 'NOPE', country: 'US' },
    }));
    assert.equal(result.status, 'compensated');
    assert.equal(result.failedStep?.error.type, 'InvalidAddress');
    assert.deepEqual(result.compensations.map((c) => [c.name, c.status]), [
      ['cancel_shipping_label', 'nothing_to_undo'], ['restore_inventory:CABLE-004', 'compensated'], ['restore_inventory:WIDGET-001', 'compensated'],
      ['send_cancellation_notice', 'compensated'], ['refund_payment', 'compensated'], ['delete_user_account', 'compensated'],
    ]);
  });
});

describe('orderChoreography ends as orderSaga does under injected store faults', () => {
  // The first three label calls fail (retryable): the step runs out of its three attempts with an unknown outcome; its
  // undo asks again (the fourth call creates the label) and cancels it; everything before is undone.
  const same = compareOn({ STORE_FAULTS: JSON.stringify({ create_shipping_label: { fail: 3 } }) });

  it('compensates the same way when the shipping label step runs out of retries', async () => {
    const result = await same(order('ord-ch-4'));
    assert.equal(result.status, 'compensated');
    assert.equal(result.failedStep?.name, 'create_shipping_label');
    assert.equal(result.compensations[0].name, 'cancel_shipping_label');
  });
});
