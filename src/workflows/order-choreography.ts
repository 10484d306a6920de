import { condition, defineSignal, getExternalWorkflowHandle, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import {
  CHOREOGRAPHY_EVENT_SIGNAL, serviceWorkflowId, SUBSCRIPTIONS, type ChoreographyEvent, type ChoreographyEventType, type Service,
} from '../events/choreography.js';
import { OrderSagaInput, type OrderSagaOrder } from '../schemas/order-saga-input.js';
import type { OrderSagaResult } from '../schemas/order-saga.js';
import { businessFailure } from '../shared/business-failure.js';
import { Compensations } from './support/compensations.js';
import { parseInput } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { childRouting } from './support/queues.js';
import {
  cancelShippingLabel, catalogPrices, chargePayment, createShippingLabel, createUserAccount, deleteUserAccount, refundPayment, reserveStock,
  restoreStock, sendCancellationNotice, sendConfirmation,
} from './order-saga.js';

export const choreographyEventSignal = defineSignal<[ChoreographyEvent]>(CHOREOGRAPHY_EVENT_SIGNAL);

/**
 * The order transaction as a choreography (seed 004 Pattern 4's variant): the same steps, undos and store calls as
 * orderSaga, but nobody directs them. The order service creates the account and publishes order.placed; the payment,
 * inventory and shipping services (workflows of their own) each react to the event before them, do their steps and
 * publish the next; a service whose step fails undoes its own work and publishes a compensating event, and each service
 * before it undoes its work in turn (src/events/choreography.ts lists who hears what). The result and the store end as
 * orderSaga's do for the same order and faults.
 */
export async function orderChoreography(raw: OrderSagaInput): Promise<OrderSagaResult> {
  const order = parseInput(OrderSagaInput, raw);
  const progress = new ProgressReporter('orderChoreography');
  const inbox = new Inbox();
  progress.update({ step: `pricing ${order.items.map((item) => item.sku).join(', ')}` });
  const amount = await priceOf(order);
  const services = await Promise.all((['payment', 'inventory', 'shipping'] as const).map((service) => startChild(`${service}Service`, {
    workflowId: serviceWorkflowId(service, order.orderId), ...childRouting(), args: [order, amount], staticSummary: `${service} service of order ${order.orderId}`,
  })));

  const saga = new Compensations((now) => progress.update({ step: now }));
  const placed: ChoreographyEvent = { type: 'order.placed', orderId: order.orderId, amount, executedSteps: [], compensations: [], stepResults: {} };
  let end: ChoreographyEvent;
  try {
    await saga.run(createUserAccount(order), 'delete_user_account', deleteUserAccount);
    await publish({ ...placed, executedSteps: [...saga.executed], stepResults: { ...saga.results } });
    progress.update({ step: 'order placed: waiting for the services', state: 'waiting' });
    end = await inbox.next('shipping.scheduled', 'payment.failed');
  } catch (err) {
    end = { ...placed, type: 'payment.failed', failedStep: saga.failure };
    await saga.compensate(err);
  }
  if (end.type === 'payment.failed' && !saga.outcomes.length) await saga.compensate();
  const compensations = [...end.compensations, ...saga.outcomes];
  const status = end.type === 'shipping.scheduled' ? 'completed' : compensations.some((c) => c.status === 'failed') ? 'compensation_failed' : 'compensated';
  await publish({ ...end, type: 'order.closed' });
  await Promise.all(services.map((child) => child.result()));
  const result: OrderSagaResult = {
    transactionId: workflowInfo().workflowId, orderId: order.orderId, status, amount, currency: 'USD',
    executedSteps: end.executedSteps.length ? end.executedSteps : [...saga.executed],
    ...(end.failedStep ? { failedStep: end.failedStep } : {}), compensations, stepResults: { ...saga.results, ...end.stepResults },
  };
  progress.update({ step: `${status}: order ${order.orderId}`, state: status === 'compensation_failed' ? 'failed' : 'completed', outcome: status, details: result });
  return result;
}

/** Charges and confirms on order.placed; on inventory.failed, sends the cancellation notice and refunds. */
export async function paymentService(order: OrderSagaOrder, amount: number): Promise<void> {
  await service('payment', { on: 'order.placed', done: 'payment.charged', failed: 'payment.failed', undoOn: 'inventory.failed' }, async (saga) => {
    await saga.run(chargePayment(order, amount), 'refund_payment', refundPayment);
    await saga.run(sendConfirmation(order, amount), 'send_cancellation_notice', sendCancellationNotice);
  });
}

/** Reserves each item on payment.charged; on shipping.failed, restores the stock. */
export async function inventoryService(order: OrderSagaOrder): Promise<void> {
  await service('inventory', { on: 'payment.charged', done: 'inventory.reserved', failed: 'inventory.failed', undoOn: 'shipping.failed' }, async (saga) => {
    for (const item of order.items) await saga.run(reserveStock(item), `restore_inventory:${item.sku}`, restoreStock);
  });
}

/** Creates the shipping label on inventory.reserved. */
export async function shippingService(order: OrderSagaOrder): Promise<void> {
  await service('shipping', { on: 'inventory.reserved', done: 'shipping.scheduled', failed: 'shipping.failed' }, async (saga) => {
    await saga.run(createShippingLabel(order), 'cancel_shipping_label', cancelShippingLabel);
  });
}

/**
 * One service's life: wait for its event, do its steps (their undos registered first), publish what happened. A failed
 * step undoes this service's work and publishes `failed`; a compensating event from downstream (`undoOn`) does the same
 * for work that had succeeded. It stops listening when the order is closed.
 */
async function service(
  name: Service,
  events: { on: ChoreographyEventType; done: ChoreographyEventType; failed: ChoreographyEventType; undoOn?: ChoreographyEventType },
  steps: (saga: Compensations) => Promise<void>,
): Promise<void> {
  const progress = new ProgressReporter(`${name}Service`);
  const inbox = new Inbox();
  progress.update({ step: `waiting for ${events.on}`, state: 'waiting' });
  const trigger = await inbox.next(events.on, 'order.closed');
  if (trigger.type === 'order.closed') return;
  const saga = new Compensations((now) => progress.update({ step: now }));
  const withWork = (event: ChoreographyEvent) => ({
    ...event, executedSteps: [...event.executedSteps, ...saga.executed], stepResults: { ...event.stepResults, ...saga.results },
  });
  try {
    await steps(saga);
    await publish({ ...withWork(trigger), type: events.done });
  } catch (err) {
    await saga.compensate(err);
    await publish({ ...withWork(trigger), type: events.failed, compensations: [...trigger.compensations, ...saga.outcomes], failedStep: saga.failure });
  }
  progress.update({ step: `listening for ${[events.undoOn, 'order.closed'].filter(Boolean).join(' or ')}`, state: 'waiting' });
  const next = await inbox.next(...(events.undoOn && !saga.outcomes.length ? [events.undoOn] : []), 'order.closed');
  if (next.type !== 'order.closed') {
    await saga.compensate();
    await publish({ ...next, type: events.failed, compensations: [...next.compensations, ...saga.outcomes] });
    await inbox.next('order.closed');
  }
  progress.update({ step: 'order closed', state: 'completed', outcome: saga.outcomes.length ? 'compensated' : 'completed' });
}

/** A service's incoming events (the signal), taken by type. */
class Inbox {
  private readonly events: ChoreographyEvent[] = [];

  constructor() {
    setHandler(choreographyEventSignal, (event) => void this.events.push(event));
  }

  async next(...types: ChoreographyEventType[]): Promise<ChoreographyEvent> {
    await condition(() => this.events.some((event) => types.includes(event.type)));
    return this.events.splice(this.events.findIndex((event) => types.includes(event.type)), 1)[0];
  }
}

/** Publishes an event to the services subscribed to it (its publisher does not know them). */
async function publish(event: ChoreographyEvent): Promise<void> {
  await Promise.all(SUBSCRIPTIONS[event.type].map((service) =>
    getExternalWorkflowHandle(serviceWorkflowId(service, event.orderId)).signal(choreographyEventSignal, event)));
}

/** The order's amount from the store's catalogue, as orderSaga prices it; an unknown SKU stops before any step. */
async function priceOf(order: OrderSagaOrder): Promise<number> {
  const prices = new Map((await catalogPrices(order.items.map((item) => item.sku))).map((product) => [product.sku, product.price]));
  const unknown = order.items.flatMap((item, index) => (prices.has(item.sku) ? [] : [`items[${index}].sku: no product ${item.sku} in the catalog`]));
  if (unknown.length) throw businessFailure({ type: 'UnknownProduct', message: unknown.join('; ') });
  return order.items.reduce((sum, item) => sum + prices.get(item.sku)! * item.quantity, 0);
}
