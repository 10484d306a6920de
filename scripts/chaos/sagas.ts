/**
 * kill -9 the worker at random points while sagas run, start it again, and check in the store that every saga
 * finished, nothing was charged twice, and inventory and refunds are conserved. Also: restart the dev server (its
 * database persisted) in the middle of a run.
 */
import type { StartedRun } from '../../src/client/api.js';
import type { OrderSagaInput, OrderSagaResult } from '../../src/schemas/order-saga.js';
import { SEED_PRODUCTS } from '../../src/mcp/store/seed.js';
import { ChaosStack, until, type ScenarioReport } from './stack.js';

/** Every store call waits a little first, so a kill lands in the middle of steps, not between runs. */
const SLOW_STORE = Object.fromEntries(['create_user', 'charge_payment', 'send_notification', 'reserve_inventory', 'create_shipping_label',
  'release_inventory', 'refund_payment', 'cancel_notification', 'delete_user'].map((tool) => [tool, { delayMs: 150 }]));

function order(i: number): OrderSagaInput {
  const customer = `cust-${String(1 + (i % 11)).padStart(3, '0')}`;
  // One in five asks for the webcam, which is out of stock: charged, reserved, then compensated (refund, release).
  const items = i % 5 === 4 ? [{ sku: 'WIDGET-001', quantity: 1 }, { sku: 'CAM-009', quantity: 1 }] : [{ sku: 'WIDGET-001', quantity: 1 }, { sku: 'CABLE-004', quantity: 2 }];
  return {
    orderId: `chaos-${i}`,
    customer: { id: customer, name: `Customer ${customer}`, email: `${customer}@example.com` },
    items,
    shippingAddress: { name: 'Receiving', street: '1 Market Street', city: 'San Francisco', postalCode: '94105', country: 'US' },
  };
}

export interface SagaChaos {
  sagas: number;
  /** kill -9 the worker this many times, at random moments while sagas are unfinished. */
  kills: number;
  /** Restart the dev server (persisted database) once, mid-run. */
  restartServer?: boolean;
}

export async function sagaChaos(name: string, options: SagaChaos): Promise<ScenarioReport> {
  const stack = await ChaosStack.start(name, {
    persisted: options.restartServer,
    mcp: (config) => { config.mcpServers.store.env = { ...config.mcpServers.store.env, STORE_FAULTS: JSON.stringify(SLOW_STORE) }; },
  });
  const notes: string[] = [];
  try {
    let worker = stack.startWorker();
    const inputs = Array.from({ length: options.sagas }, (_, i) => order(i));
    const runs: StartedRun[] = [];
    for (const input of inputs) runs.push(await stack.orchestra.start('orderSaga', input, { taskQueue: stack.taskQueue }));
    const results = new Map<string, OrderSagaResult>();
    const collect = async () => {
      for (const run of runs) {
        if (results.has(run.workflowId)) continue;
        const d = await stack.orchestra.describe(run.workflowId);
        if (d.status.name === 'COMPLETED') results.set(run.workflowId, await stack.orchestra.result(run.workflowId) as OrderSagaResult);
      }
    };
    for (let k = 0; k < options.kills; k++) {
      // A kill lands while the worker works on the sagas (its store calls arrive), at a random moment, not while it starts.
      const callsBefore = storeCalls(stack);
      await until(async () => storeCalls(stack) > callsBefore || (await collect(), results.size === runs.length), 'the worker to make store calls', 120_000);
      if (results.size === runs.length) break;
      await sleep(200 + Math.random() * 1_500);
      await collect();
      if (results.size === runs.length) break;
      await worker.kill();
      notes.push(`kill -9 #${k + 1} with ${runs.length - results.size} sagas unfinished, ${storeCalls(stack)} store calls made so far`);
      if (options.restartServer && k === 0) {
        await stack.restartServer();
        notes.push('dev server restarted (persisted database) while the worker was down');
      }
      worker = stack.startWorker();
    }
    const deadline = Date.now() + 10 * 60_000;
    while (results.size < runs.length && Date.now() < deadline) {
      await sleep(1_000);
      await collect();
    }
    const { problems, ...checked } = checkSagas(stack, inputs, [...results.values()], runs.length);
    return { scenario: name, ...checked, notes: [...notes, ...problems] };
  } finally {
    await stack.stop();
  }
}

/** Started / finished / lost / duplicated, from the sagas' results and the store's rows. */
function checkSagas(stack: ChaosStack, inputs: OrderSagaInput[], results: OrderSagaResult[], started: number) {
  const byOrder = new Map(inputs.map((input) => [input.orderId, input]));
  const problems: string[] = [];
  const payments = stack.store((db) => db.prepare('SELECT id, amount, refunded FROM payments').all() as Array<{ id: string; amount: number; refunded: number }>);
  const reservations = stack.store((db) => db.prepare('SELECT sku, quantity, status FROM reservations').all() as Array<{ sku: string; quantity: number; status: string }>);
  const stock = new Map(stack.store((db) => db.prepare('SELECT sku, stock FROM products').all() as Array<{ sku: string; stock: number }>).map((p) => [p.sku, p.stock]));

  const charged = new Map<string, OrderSagaResult>();
  const kept = new Map<string, number>(); // sku → quantity the completed orders hold
  let expectedReservations = 0;
  for (const result of results) {
    const paymentId = (result.stepResults.charge_payment as { payment_id?: string } | undefined)?.payment_id;
    if (paymentId) charged.set(paymentId, result);
    expectedReservations += result.executedSteps.filter((step) => step.startsWith('update_inventory:')).length;
    if (result.status === 'completed') for (const item of byOrder.get(result.orderId)!.items) kept.set(item.sku, (kept.get(item.sku) ?? 0) + item.quantity);
    if (result.status === 'compensation_failed') problems.push(`${result.transactionId}: compensation failed`);
  }
  for (const payment of payments) {
    const saga = charged.get(payment.id);
    if (!saga) continue;
    const want = saga.status === 'completed' ? 0 : payment.amount;
    if (payment.refunded !== want) problems.push(`${payment.id} (${saga.transactionId}, ${saga.status}): refunded ${payment.refunded}, expected ${want}`);
  }
  for (const product of SEED_PRODUCTS) {
    const held = reservations.filter((r) => r.sku === product.sku && r.status === 'reserved').reduce((sum, r) => sum + r.quantity, 0);
    if (held !== (kept.get(product.sku) ?? 0)) problems.push(`${product.sku}: ${held} reserved, but completed orders hold ${kept.get(product.sku) ?? 0}`);
    if (stock.get(product.sku) !== product.stock - held) problems.push(`${product.sku}: stock ${stock.get(product.sku)}, expected ${product.stock - held}`);
  }
  const duplicated = Math.max(0, payments.length - charged.size) + Math.max(0, reservations.length - expectedReservations);
  const outcomes = results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  return {
    started,
    finished: results.length,
    lost: started - results.length,
    duplicated,
    figures: { ...outcomes, payments: payments.length, reservations: reservations.length, conservationProblems: problems.length },
    problems,
  };
}

/** Store calls that reached the server so far (each logs its injected delay). */
function storeCalls(stack: ChaosStack): number {
  try {
    return stack.store((db) => (db.prepare(`SELECT COUNT(*) AS n FROM fault_log WHERE kind = 'delay'`).get() as { n: number }).n);
  } catch {
    return 0; // the store has not created its database yet
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
