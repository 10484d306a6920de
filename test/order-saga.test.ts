/**
 * The order saga against the real store server (time-skipping Temporal, real MCP over stdio): every assertion on an
 * effect reads the store's own SQLite file. Fault scenarios each get a store of their own (STORE_FAULTS counts are
 * per database).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { InvalidInputError, type InputOf, type Orchestra } from '../src/client/api.js';
import type { OrderSagaRecord } from '../src/schemas/order-saga.js';
import { eventually } from './helpers/eventually.js';
import { readStore, testDeps, timeSkippingEnv, withWorker, type TestDeps } from './helpers/temporal.js';

type OrderInput = InputOf<'orderSaga'>;

let orders = 0;
/** A valid order (a premium customer, items in stock, a real US address); override what a test needs. */
function order(overrides: Partial<OrderInput> = {}): OrderInput {
  orders += 1;
  return {
    orderId: `ord-test-${orders}`,
    customer: { id: 'cust-001', name: 'Acme Corporation', email: 'billing@acme.example' },
    items: [{ sku: 'WIDGET-001', quantity: 2 }],
    shippingAddress: { name: 'Acme Receiving', street: '1 Market Street', city: 'San Francisco', postalCode: '94105', country: 'US' },
    ...overrides,
  };
}

/** What a saga may change, as the store holds it: undone means exactly this again. */
function storeState(deps: TestDeps) {
  return readStore(deps, (db) => ({
    activeUsers: db.prepare(`SELECT user_key FROM users WHERE deleted_at IS NULL ORDER BY user_key`).all(),
    owedByCustomer: db.prepare(`SELECT customer_id, SUM(amount - refunded) AS owed FROM payments GROUP BY customer_id
      HAVING owed > 0 ORDER BY customer_id`).all(),
    stock: db.prepare(`SELECT sku, stock FROM products ORDER BY sku`).all(),
    heldReservations: db.prepare(`SELECT id, sku, quantity FROM reservations WHERE status = 'reserved' ORDER BY id`).all(),
    liveLabels: db.prepare(`SELECT id, order_id FROM shipping_labels WHERE status = 'created' ORDER BY id`).all(),
    liveConfirmations: db.prepare(`SELECT id, recipient FROM notifications WHERE kind = 'message' AND status = 'sent' ORDER BY id`).all(),
  }));
}

/** Starts the store server (its database is created on first use), so a "before" snapshot can be read. */
async function openStore(deps: TestDeps): Promise<void> {
  await deps.mcp.callTool('store', { name: 'list_customers', arguments: {} });
}

/** The last attempt number of each activity, by its Web UI summary. */
async function attemptsBySummary(orchestra: Orchestra, workflowId: string): Promise<Record<string, number>> {
  const events = (await orchestra.handle(workflowId).fetchHistory()).events ?? [];
  const summaries = new Map<string, string>();
  const attempts: Record<string, number> = {};
  for (const event of events) {
    if (event.activityTaskScheduledEventAttributes && event.userMetadata?.summary) {
      summaries.set(String(event.eventId), defaultPayloadConverter.fromPayload<string>(event.userMetadata.summary));
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) attempts[summaries.get(String(started.scheduledEventId)) ?? '?'] = started.attempt ?? 0;
  }
  return attempts;
}

const compensationsOf = (result: OrderSagaRecord) => result.compensations.map((c) => `${c.name}: ${c.status}`);

async function withFaults(faults: Record<string, unknown>, fn: (deps: TestDeps) => Promise<void>): Promise<void> {
  const deps = await testDeps({ STORE_FAULTS: JSON.stringify(faults) });
  try {
    await openStore(deps);
    await fn(deps);
  } finally {
    await deps.close();
  }
}

describe('orderSaga (time-skipping, real store)', () => {
  let env: TestWorkflowEnvironment;
  let deps: TestDeps;
  before(async () => {
    env = await timeSkippingEnv();
    deps = await testDeps();
    await openStore(deps);
  });
  after(async () => {
    await deps?.close();
    await env?.teardown();
  });

  it('completes: each step takes effect once, priced from the catalog', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const input = order({ items: [{ sku: 'WIDGET-001', quantity: 2 }, { sku: 'MON-008', quantity: 1 }] });
      const run = await orchestra.start('orderSaga', input, { taskQueue });
      assert.equal(run.workflowId, `order-saga-${input.orderId}`);
      const result = await orchestra.result(run.workflowId) as OrderSagaRecord;

      assert.equal(result.status, 'completed');
      assert.equal(result.transactionId, run.workflowId);
      assert.equal(result.amount, 2 * 1_999 + 29_999);
      assert.deepEqual(result.executedSteps, ['create_user_account', 'charge_payment', 'send_notification',
        'update_inventory:WIDGET-001', 'update_inventory:MON-008', 'create_shipping_label']);
      assert.deepEqual(result.compensations, []);
      assert.equal(result.failedStep, undefined);

      const { payment_id } = result.stepResults.charge_payment as { payment_id: string };
      const { label_id } = result.stepResults.create_shipping_label as { label_id: string };
      const effects = readStore(deps, (db) => ({
        user: db.prepare(`SELECT user_key, email FROM users WHERE user_key = ? AND deleted_at IS NULL`).get(`cust-001/${input.orderId}`),
        payment: db.prepare(`SELECT customer_id, amount, refunded FROM payments WHERE id = ?`).get(payment_id),
        reserved: db.prepare(`SELECT sku, quantity FROM reservations WHERE status = 'reserved' ORDER BY sku`).all(),
        stock: db.prepare(`SELECT sku, stock FROM products WHERE sku IN ('WIDGET-001', 'MON-008') ORDER BY sku`).all(),
        label: db.prepare(`SELECT order_id, status, postal_code FROM shipping_labels WHERE id = ?`).get(label_id),
        confirmations: db.prepare(`SELECT subject, status FROM notifications WHERE recipient = 'billing@acme.example'`).all(),
      }));
      assert.deepEqual(effects, {
        user: { user_key: `cust-001/${input.orderId}`, email: 'billing@acme.example' },
        payment: { customer_id: 'cust-001', amount: 33_997, refunded: 0 },
        reserved: [{ sku: 'MON-008', quantity: 1 }, { sku: 'WIDGET-001', quantity: 2 }],
        stock: [{ sku: 'MON-008', stock: 2 }, { sku: 'WIDGET-001', stock: 498 }],
        label: { order_id: input.orderId, status: 'created', postal_code: '94105' },
        confirmations: [{ subject: `Order ${input.orderId} confirmed`, status: 'sent' }],
      });

      const progress = await orchestra.progress(run.workflowId);
      assert.equal(progress.state, 'completed');
      assert.equal((progress.details as OrderSagaRecord).status, 'completed');
      assert.deepEqual(progress.details, result);
    });
  });

  it('the same order submitted twice is one saga with one charge, while it runs and after it closed', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const payments = () => readStore(deps, (db) => (db.prepare(`SELECT COUNT(*) AS n FROM payments`).get() as { n: number }).n);
      const before = payments();
      const input = order();
      const [first, second] = await Promise.all([orchestra.start('orderSaga', input, { taskQueue }), orchestra.start('orderSaga', input, { taskQueue })]);
      assert.deepEqual([second.workflowId, second.runId], [first.workflowId, first.runId]);
      const result = await orchestra.result(first.workflowId) as OrderSagaRecord;
      assert.equal(result.status, 'completed');
      // Submitted again after it completed: the closed run is returned, nothing runs again.
      const again = await orchestra.start('orderSaga', input, { taskQueue });
      assert.deepEqual([again.workflowId, again.runId], [first.workflowId, first.runId]);
      assert.equal(payments() - before, 1);
    });
  });

  it('a workflow id reused after its run closed starts a saga of its own: its steps take effect, none replays the first run', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      // As a script on the raw Temporal client (or `orchestra start --id`) may: the same id once the first run closed.
      const workflowId = `order-saga-reused-${Date.now()}`;
      const runOnce = async (input: OrderInput) => {
        const handle = await orchestra.client.workflow.start('orderSaga', { taskQueue, workflowId, args: [input] });
        return { runId: handle.firstExecutionRunId, result: await handle.result() as OrderSagaRecord };
      };
      const first = await runOnce(order());
      const second = await runOnce(order());
      assert.notEqual(second.runId, first.runId);
      assert.deepEqual([first.result.status, second.result.status], ['completed', 'completed'], JSON.stringify(second.result.failedStep));
      const paymentOf = (r: OrderSagaRecord) => (r.stepResults.charge_payment as { payment_id: string }).payment_id;
      assert.notEqual(paymentOf(second.result), paymentOf(first.result));
      const charged = readStore(deps, (db) => db.prepare(`SELECT id FROM payments WHERE id IN (?, ?)`).all(paymentOf(first.result), paymentOf(second.result)));
      assert.equal(charged.length, 2, 'both runs charged');
      const labels = [first.result, second.result].map((r) => (r.stepResults.create_shipping_label as { label_id: string }).label_id);
      assert.notEqual(labels[1], labels[0]);
    });
  });

  it('compensates in reverse order when an item is out of stock after the charge: the store is as before', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const before = storeState(deps);
      const input = order({
        customer: { id: 'cust-006', name: 'Wayne Analytics', email: 'purchasing@wayne.example' },
        items: [{ sku: 'KEYB-006', quantity: 1 }, { sku: 'CAM-009', quantity: 1 }],
      });
      const run = await orchestra.start('orderSaga', input, { taskQueue });
      const result = await orchestra.result(run.workflowId) as OrderSagaRecord;

      assert.equal(result.status, 'compensated');
      assert.equal(result.failedStep?.name, 'update_inventory:CAM-009');
      assert.equal(result.failedStep?.error.type, 'InsufficientInventory');
      assert.deepEqual(result.executedSteps, ['create_user_account', 'charge_payment', 'send_notification', 'update_inventory:KEYB-006']);
      assert.deepEqual(compensationsOf(result), [
        'restore_inventory:CAM-009: nothing_to_undo',
        'restore_inventory:KEYB-006: compensated',
        'send_cancellation_notice: compensated',
        'refund_payment: compensated',
        'delete_user_account: compensated',
      ]);
      assert.deepEqual(storeState(deps), before);
      // The customer heard both: the confirmation, then the notice that it no longer applies.
      const messages = readStore(deps, (db) => db.prepare(`SELECT kind, status FROM notifications WHERE recipient = ? ORDER BY id`)
        .all('purchasing@wayne.example'));
      assert.deepEqual(messages, [{ kind: 'message', status: 'cancelled' }, { kind: 'cancellation', status: 'sent' }]);
      // A business rejection is not retried.
      const attempts = await attemptsBySummary(orchestra, run.workflowId);
      assert.equal(attempts['store.reserve_inventory — reserve 1 × CAM-009'], 1);
    });
  });

  it('shows which undo runs while it compensates, live in the Web UI\'s current details', async () => {
    // The refund sits 5 s in the store: long enough to look at the run while it compensates.
    await withFaults({ refund_payment: { delayMs: 5_000 } }, async (slow) => {
      await withWorker(env, slow, async ({ orchestra, taskQueue }) => {
        const run = await orchestra.start('orderSaga', order({
          customer: { id: 'cust-006', name: 'Wayne Analytics', email: 'purchasing@wayne.example' },
          items: [{ sku: 'KEYB-006', quantity: 1 }, { sku: 'CAM-009', quantity: 1 }],
        }), { taskQueue });
        await eventually(() => readStore(slow, (db) => db.prepare(`SELECT 1 FROM fault_log WHERE tool = 'refund_payment' AND kind = 'delay'`).get()) !== undefined,
          { what: 'the refund to reach the store' });
        const { currentDetails } = await orchestra.handle(run.workflowId).query<{ currentDetails: string }>('__temporal_workflow_metadata');
        assert.match(currentDetails, /compensating: refund_payment \(4\/6\)$/);
        const record = (await orchestra.progress(run.workflowId)).details as OrderSagaRecord;
        assert.equal(record.status, 'compensating');
        assert.deepEqual(compensationsOf(record), [
          'restore_inventory:CAM-009: nothing_to_undo', 'restore_inventory:KEYB-006: compensated', 'send_cancellation_notice: compensated',
        ]);
        assert.equal((await orchestra.result(run.workflowId) as OrderSagaRecord).status, 'compensated');
      });
    });
  });

  it('a payment declined over the credit limit compensates at once: only the account is undone', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const before = storeState(deps);
      const input = order({
        customer: { id: 'cust-012', name: 'Bluth Banana Stand', email: 'money@bluth.example' },
        items: [{ sku: 'WIDGET-001', quantity: 3 }], // $59.97 against a $50 limit
      });
      const run = await orchestra.start('orderSaga', input, { taskQueue });
      const result = await orchestra.result(run.workflowId) as OrderSagaRecord;

      assert.equal(result.status, 'compensated');
      assert.deepEqual(result.failedStep && { name: result.failedStep.name, type: result.failedStep.error.type },
        { name: 'charge_payment', type: 'PaymentDeclined' });
      assert.deepEqual(result.executedSteps, ['create_user_account']);
      assert.deepEqual(compensationsOf(result), ['refund_payment: nothing_to_undo', 'delete_user_account: compensated']);
      assert.deepEqual(storeState(deps), before);
      assert.equal((await attemptsBySummary(orchestra, run.workflowId))['store.charge_payment — charge $59.97 to cust-012'], 1);
    });
  });

  it('an invalid shipping address compensates every step before it', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const before = storeState(deps);
      const input = order({
        customer: { id: 'cust-003', name: 'Initech', email: 'ap@initech.example' },
        items: [{ sku: 'SENSOR-003', quantity: 1 }],
        shippingAddress: { name: 'Initech', street: '4120 Freidrich Lane', city: 'Austin', postalCode: 'TX-787', country: 'US' },
      });
      const result = await orchestra.execute('orderSaga', input, { taskQueue }) as OrderSagaRecord;

      assert.equal(result.status, 'compensated');
      assert.equal(result.failedStep?.name, 'create_shipping_label');
      assert.equal(result.failedStep?.error.type, 'InvalidAddress');
      assert.match(result.failedStep?.error.message ?? '', /address\.postal_code/);
      assert.deepEqual(compensationsOf(result), [
        'cancel_shipping_label: nothing_to_undo',
        'restore_inventory:SENSOR-003: compensated',
        'send_cancellation_notice: compensated',
        'refund_payment: compensated',
        'delete_user_account: compensated',
      ]);
      assert.deepEqual(storeState(deps), before);
    });
  });

  it('rejects bad input with field-level errors, in the client and in the workflow, before any step', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const before = storeState(deps);
      const bad = {
        orderId: 'ord 1',
        customer: { id: 'cust-001', name: '', email: 'nope' },
        items: [{ sku: 'WIDGET-001', quantity: 0 }, { sku: 'CABLE-004', quantity: 1 }, { sku: 'CABLE-004', quantity: 2 }],
        shippingAddress: { name: 'A', street: 'B', city: 'C', postalCode: '1', country: 'USA' },
      };
      assert.throws(() => orchestra.validate('orderSaga', bad), (err: unknown) => {
        assert.ok(err instanceof InvalidInputError);
        for (const expected of ['orderId:', 'customer.name: must not be empty', 'customer.email: must be an email address',
          'items[0].quantity: must be ≥ 1', 'items[2].sku: CABLE-004 is listed twice', 'shippingAddress.country: must be a 2-letter']) {
          assert.ok(err.issues.includes(expected), `${expected} in ${err.issues}`);
        }
        return true;
      });
      // A client that skips validation meets the same rules inside the workflow.
      const handle = await orchestra.client.workflow.start('orderSaga', { taskQueue, workflowId: `order-saga-bad-${Date.now()}`, args: [bad] });
      await assert.rejects(handle.result(), (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure);
        assert.equal(err.cause.type, 'InvalidInput');
        assert.equal(err.cause.nonRetryable, true);
        assert.match(err.cause.message, /items\[0\]\.quantity: must be ≥ 1/);
        return true;
      });
      // An unknown SKU is found when pricing, before any step, and named by its field.
      const unknown = await orchestra.start('orderSaga', order({ items: [{ sku: 'WIDGET-001', quantity: 1 }, { sku: 'HOVERBOARD-1', quantity: 1 }] }), { taskQueue });
      await assert.rejects(orchestra.result(unknown.workflowId), (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure);
        assert.equal(err.cause.type, 'UnknownProduct');
        assert.match(err.cause.message, /items\[1\]\.sku: no product HOVERBOARD-1/);
        return true;
      });
      // zod's own messages read the same in the workflow as in the client: the input schema is zod/mini in the sandbox,
      // which says only "Invalid input" unless English is installed (src/shared/zod-mini.ts).
      const mistyped = { ...order(), items: [{ sku: 'WIDGET-001', quantity: '2' }] };
      const typeError = /items\[0\]\.quantity: Invalid input: expected number, received string/;
      assert.throws(() => orchestra.validate('orderSaga', mistyped), (err: unknown) => err instanceof InvalidInputError && typeError.test(err.issues));
      const typed = await orchestra.client.workflow.start('orderSaga', { taskQueue, workflowId: `order-saga-mistyped-${Date.now()}`, args: [mistyped] });
      await assert.rejects(typed.result(), (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure);
        assert.equal(err.cause.type, 'InvalidInput');
        assert.match(err.cause.message, typeError);
        return true;
      });
      assert.deepEqual(storeState(deps), before);
    });
  });
});

describe('orderSaga under store faults (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await timeSkippingEnv();
  });
  after(async () => {
    await env?.teardown();
  });

  it('retries transient failures by policy and never charges or notifies twice; the effects are still undone', async () => {
    // Two charge attempts fail before any effect; the confirmation is recorded, then its call reports a failure.
    await withFaults({ charge_payment: { fail: 2 }, send_notification: { failAfterEffect: 1 } }, async (faulty) => {
      await withWorker(env, faulty, async ({ orchestra, taskQueue }) => {
        const before = storeState(faulty);
        const input = order({
          customer: { id: 'cust-004', name: 'Umbrella Health', email: 'finance@umbrella.example' },
          items: [{ sku: 'GADGET-002', quantity: 1 }, { sku: 'CAM-009', quantity: 1 }],
        });
        const run = await orchestra.start('orderSaga', input, { taskQueue });
        const result = await orchestra.result(run.workflowId) as OrderSagaRecord;

        assert.equal(result.status, 'compensated');
        assert.equal(result.failedStep?.error.type, 'InsufficientInventory');
        const attempts = await attemptsBySummary(orchestra, run.workflowId);
        assert.equal(attempts['store.charge_payment — charge $109.98 to cust-004'], 3);
        assert.equal(attempts[`store.send_notification — confirm order ${input.orderId} to finance@umbrella.example`], 2);
        const effects = readStore(faulty, (db) => ({
          payments: db.prepare(`SELECT amount, refunded FROM payments WHERE customer_id = 'cust-004'`).all(),
          messages: db.prepare(`SELECT kind, status FROM notifications WHERE recipient = 'finance@umbrella.example' ORDER BY id`).all(),
        }));
        assert.deepEqual(effects, {
          payments: [{ amount: 10_998, refunded: 10_998 }],
          messages: [{ kind: 'message', status: 'cancelled' }, { kind: 'cancellation', status: 'sent' }],
        });
        assert.deepEqual(storeState(faulty), before);
      });
    });
  });

  it('a charge whose call failed after taking effect is still refunded: the undo recalls it by its idempotency key', async () => {
    // Every attempt of the charge fails after the effect (the first commits it, the retries replay it): the step ends
    // failed without ever seeing its payment id.
    await withFaults({ charge_payment: { failAfterEffect: 3 } }, async (faulty) => {
      await withWorker(env, faulty, async ({ orchestra, taskQueue }) => {
        const before = storeState(faulty);
        const input = order({ customer: { id: 'cust-002', name: 'Globex Industries', email: 'accounts@globex.example' } });
        const run = await orchestra.start('orderSaga', input, { taskQueue });
        const result = await orchestra.result(run.workflowId) as OrderSagaRecord;

        assert.equal(result.status, 'compensated');
        assert.equal(result.failedStep?.name, 'charge_payment');
        assert.equal(result.failedStep?.error.type, 'InjectedFault');
        assert.deepEqual(result.executedSteps, ['create_user_account']);
        assert.deepEqual(compensationsOf(result), ['refund_payment: compensated', 'delete_user_account: compensated']);
        const payments = readStore(faulty, (db) => db.prepare(`SELECT amount, refunded FROM payments WHERE customer_id = 'cust-002'`).all());
        assert.deepEqual(payments, [{ amount: 3_998, refunded: 3_998 }], 'one charge, fully refunded');
        assert.deepEqual(storeState(faulty), before);
        const attempts = await attemptsBySummary(orchestra, run.workflowId);
        assert.equal(attempts['store.charge_payment — charge $39.98 to cust-002'], 3);
        assert.equal(attempts['store.charge_payment — charge $39.98 to cust-002 (asked again, to undo it)'], 1);
      });
    });
  });

  it('an undo that keeps failing ends the saga as compensation_failed, with details, after the other undos ran', async () => {
    await withFaults({ refund_payment: { fail: 99 } }, async (faulty) => {
      await withWorker(env, faulty, async ({ orchestra, taskQueue }) => {
        const input = order({
          customer: { id: 'cust-005', name: 'Stark Logistics', email: 'ops@stark-logistics.example' },
          items: [{ sku: 'MOUSE-007', quantity: 2 }, { sku: 'CAM-009', quantity: 1 }],
        });
        const run = await orchestra.start('orderSaga', input, { taskQueue });
        const result = await orchestra.result(run.workflowId) as OrderSagaRecord;

        assert.equal(result.status, 'compensation_failed');
        assert.deepEqual(compensationsOf(result), [
          'restore_inventory:CAM-009: nothing_to_undo',
          'restore_inventory:MOUSE-007: compensated',
          'send_cancellation_notice: compensated',
          'refund_payment: failed',
          'delete_user_account: compensated',
        ]);
        const refund = result.compensations.find((c) => c.name === 'refund_payment');
        assert.equal(refund?.error?.type, 'InjectedFault');
        // Bounded: the refund was tried 8 times, then reported; the charge is still owed, for a person to refund.
        const refundAttempts = readStore(faulty, (db) => db.prepare(`SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'refund_payment' AND kind = 'fail'`).get());
        assert.deepEqual(refundAttempts, { n: 8 });
        const owed = readStore(faulty, (db) => db.prepare(`SELECT SUM(amount - refunded) AS owed FROM payments WHERE customer_id = 'cust-005'`).get());
        assert.deepEqual(owed, { owed: 2 * 2_999 + 5_999 });
        // The refund that could not be made is in the dead-letter queue, ready to redrive once the store recovers.
        type Row = { source: string; item: string; error_type: string; attempts: number; status: string };
        const letters = readStore(faulty, (db) => db.prepare(`SELECT source, item, error_type, attempts, status FROM dead_letters`).all() as Row[])
          .map((row) => ({ ...row, item: JSON.parse(row.item) as { workflowId: string; step: string; call: { tool: string; args: unknown } } }));
        const refundLetter = letters.find((row) => row.item.workflowId === run.workflowId);
        assert.deepEqual(refundLetter && [refundLetter.source, refundLetter.item.step, refundLetter.item.call.tool, refundLetter.error_type, refundLetter.attempts, refundLetter.status],
          ['orderSaga', 'refund_payment', 'refund_payment', 'InjectedFault', 8, 'pending']);
        const progress = await orchestra.progress(run.workflowId);
        assert.equal(progress.state, 'failed');
        assert.match(progress.step, /compensation failed: refund_payment \(InjectedFault\)/);
      });
    });
  });

  it('cancelling a run mid-saga compensates it, then it ends as cancelled', async () => {
    // The label call hangs until cancelled (the first call only).
    await withFaults({ create_shipping_label: { hang: 1 } }, async (faulty) => {
      await withWorker(env, faulty, async ({ orchestra, taskQueue }) => {
        const before = storeState(faulty);
        const input = order({
          customer: { id: 'cust-010', name: 'Tyrell Robotics', email: 'procurement@tyrell.example' },
          items: [{ sku: 'DOCK-005', quantity: 2 }],
        });
        const run = await orchestra.start('orderSaga', input, { taskQueue });
        await eventually(() => readStore(faulty, (db) => db.prepare(`SELECT 1 FROM fault_log WHERE tool = 'create_shipping_label' AND kind = 'hang'`).get()) !== undefined,
          { what: 'the label call to hang' });
        assert.equal((await orchestra.progress(run.workflowId)).step.startsWith('create shipping label'), true);
        await orchestra.cancel(run.workflowId);
        await assert.rejects(orchestra.result(run.workflowId), (err: unknown) => {
          assert.ok(err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure, String(err));
          return true;
        });

        const record = (await orchestra.progress(run.workflowId)).details as OrderSagaRecord;
        assert.equal(record.status, 'compensated');
        assert.equal(record.cancelled, true);
        assert.deepEqual(record.failedStep && { name: record.failedStep.name, type: record.failedStep.error.type },
          { name: 'create_shipping_label', type: 'Cancelled' });
        // The hung label call's outcome is unknown, so its undo asks again with the same key: the store creates the
        // label then (the hung call never did) and the undo cancels it. Nothing is left behind either way.
        assert.deepEqual(compensationsOf(record), [
          'cancel_shipping_label: compensated',
          'restore_inventory:DOCK-005: compensated',
          'send_cancellation_notice: compensated',
          'refund_payment: compensated',
          'delete_user_account: compensated',
        ]);
        assert.deepEqual(storeState(faulty), before);
      });
    });
  });
});
