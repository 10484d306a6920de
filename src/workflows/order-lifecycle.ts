import { allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, log, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  aggregateIdOf, appliesTo, applyEvent, emptyOrder, isFollowedUp, OrderEvent, ORDER_EVENT_SIGNAL, ORDER_QUERY, type OrderState,
} from '../events/order-events.js';
import type { NotificationResult, PaymentResult, RecordDeadLetterResult, ShippingLabelResult } from '../shared/store-contract.js';
import { OrderLifecycleInput, type OrderLifecycleView } from '../schemas/order-lifecycle.js';
import { describeFailure } from './support/failures.js';
import { parseInput } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { stepKey, store } from './support/tools.js';
import { STEP_RETRY } from './order-saga.js';

export const orderEventSignal = defineSignal<[OrderEvent]>(ORDER_EVENT_SIGNAL);
export const orderQuery = defineQuery<OrderLifecycleView>(ORDER_QUERY);

/**
 * An order's lifecycle, driven by events (seed 004 Pattern 3): one workflow per order id, started by its first event
 * (producers use signal-with-start). Each event is processed once, in its order: appended to the store's event log at
 * the order's next version (a stale version is rejected), folded into the order's state by the pure reducer
 * (src/events/order-events.ts), then handled — the handler calls the store and publishes the follow-up event:
 * order.created → charge → payment.processed → shipping label → shipping.scheduled → confirmation → order.completed.
 * An event with an id already seen is dropped; one that arrives before its predecessor waits for it. A handler that
 * still fails after its retries is recorded as a dead letter and publishes `handler.error`; the event stays in the log,
 * and sending it again (a redrive) runs its handler again. The run continues as new before its history grows large,
 * carrying the state, the seen ids and the waiting events; it ends when the order is completed.
 */
export async function orderLifecycle(raw: OrderLifecycleInput): Promise<OrderLifecycleView> {
  const input = parseInput(OrderLifecycleInput, raw);
  const progress = new ProgressReporter('orderLifecycle');
  const order = new OrderAggregate(input.orderId, input.carried);
  setHandler(orderEventSignal, (event) => order.receive(event));
  setHandler(orderQuery, () => order.view());
  const report = (step: string) => progress.update({
    step, state: order.state.status === 'completed' ? 'completed' : 'waiting', done: order.seen.size,
    ...(order.state.status === 'completed' ? { outcome: 'completed' } : {}), details: { status: order.state.status, version: order.state.version },
  });
  report(`${order.state.status}: waiting for events`);

  const historyFull = () => workflowInfo().historyLength >= input.historyLimit || workflowInfo().continueAsNewSuggested;
  for (;;) {
    await condition(() => order.queue.length > 0 || order.finished || historyFull());
    if (order.finished) break;
    if (historyFull()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof orderLifecycle>({ orderId: input.orderId, historyLimit: input.historyLimit, carried: order.carry() });
    }
    await process(order, order.queue.shift()!, report);
  }
  report(`completed: order ${input.orderId}`);
  return order.view();
}

/**
 * One event: appended and applied — with any early events it makes ready — then handled; or parked until its
 * predecessor is applied. A handler whose follow-up has already happened (an early event supplied it) is skipped.
 */
async function process(order: OrderAggregate, event: OrderEvent, report: (step: string) => void): Promise<void> {
  if (order.seen.has(event.id)) {
    if (order.state.failedHandlers.some((f) => f.eventId === event.id)) await handle(order, event, report); // a redrive
    else order.duplicates += 1;
    return;
  }
  if (!appliesTo(order.state, event)) {
    order.parked.push(event);
    report(`${event.type} arrived early: waiting for the order to be ${order.state.status === 'none' ? 'created' : 'further along'}`);
    return;
  }
  const applied: OrderEvent[] = [];
  for (let next: OrderEvent | undefined = event; next; next = order.takeReady()) {
    await store('append_event', {
      aggregate_id: aggregateIdOf(order.orderId), type: next.type, payload: next.data, expected_version: order.state.version,
    }, { idempotencyKey: next.id, summary: `log ${next.type} as version ${order.state.version + 1} of ${aggregateIdOf(order.orderId)}` });
    order.apply(next);
    applied.push(next);
    report(`${next.type} applied (version ${order.state.version})`);
  }
  for (const done of applied) {
    if (isFollowedUp(order.state, done)) continue;
    await handle(order, done, report);
  }
}

/** Runs the event's handler; a handler that fails for good is dead-lettered and publishes `handler.error`. */
async function handle(order: OrderAggregate, event: OrderEvent, report: (step: string) => void): Promise<void> {
  let next: OrderEvent | undefined;
  try {
    next = await handlerFor(order.state, event);
  } catch (err) {
    const error = describeFailure(err);
    const version = order.state.version;
    const letter = await store<RecordDeadLetterResult>('record_dead_letter', {
      source: 'orderLifecycle', item: { workflowId: workflowInfo().workflowId, event }, error: error.message, error_type: error.type,
    }, { idempotencyKey: stepKey(`dead-letter:${event.id}@${version}`), summary: `dead-letter ${event.type} ${event.id} (${error.type})` });
    next = {
      id: `${event.id}>handler.error.v${version}`, orderId: order.orderId, type: 'handler.error',
      data: { eventId: event.id, eventType: event.type, error: { type: error.type, message: error.message }, deadLetterId: letter.id },
    };
    log.warn('order event handler failed; dead-lettered', { eventId: event.id, type: error.type, deadLetterId: letter.id });
  }
  if (next) {
    order.queue.unshift(next);
    report(`${event.type} handled: ${next.type} published`);
  }
}

/** The handlers: each reacts to one event type with a store call and returns the follow-up event. */
async function handlerFor(state: OrderState, event: OrderEvent): Promise<OrderEvent | undefined> {
  const call = <T>(tool: string, args: Record<string, unknown>, summary: string) =>
    store<T>(tool, args, { idempotencyKey: stepKey(`handle:${event.id}`), retry: STEP_RETRY, summary });
  const follow = (type: string) => `${state.orderId}>${type}`;
  switch (event.type) {
    case 'order.created': {
      const payment = await call<PaymentResult>('charge_payment', { customer_id: state.customer!.id, amount: state.amount!, currency: 'USD' },
        `charge ${state.amount} cents to ${state.customer!.id}`);
      return { id: follow('payment.processed'), orderId: state.orderId, type: 'payment.processed', data: { paymentId: payment.payment_id, amount: payment.amount } };
    }
    case 'payment.processed': {
      const { name, street, city, postalCode, country } = state.shippingAddress!;
      const label = await call<ShippingLabelResult>('create_shipping_label',
        { order_id: state.orderId, address: { name, street, city, postal_code: postalCode, country } }, `create shipping label for ${state.orderId}`);
      return { id: follow('shipping.scheduled'), orderId: state.orderId, type: 'shipping.scheduled', data: { labelId: label.label_id, trackingNumber: label.tracking_number } };
    }
    case 'shipping.scheduled': {
      const notice = await call<NotificationResult>('send_notification', {
        recipient: state.customer!.email, subject: `Order ${state.orderId} has shipped`,
        body: `Hello ${state.customer!.name}, your order ${state.orderId} is on its way: tracking ${state.trackingNumber}.`, channel: 'email',
      }, `tell ${state.customer!.email} that ${state.orderId} shipped`);
      return { id: follow('order.completed'), orderId: state.orderId, type: 'order.completed', data: { notificationId: notice.notification_id } };
    }
    default:
      return undefined; // order.completed and handler.error end a chain
  }
}

/** The order as the workflow holds it: the reduced state, the ids seen, the events waiting. */
class OrderAggregate {
  state: OrderState;
  readonly seen: Set<string>;
  readonly queue: OrderEvent[];
  readonly parked: OrderEvent[] = [];
  duplicates: number;
  rejected = 0;
  readonly runs: number;

  constructor(readonly orderId: string, carried?: OrderLifecycleInput['carried']) {
    this.state = carried?.state ?? emptyOrder(orderId);
    this.seen = new Set(carried?.seen ?? []);
    this.queue = [...(carried?.pending ?? [])] as OrderEvent[];
    this.duplicates = carried?.duplicates ?? 0;
    this.runs = (carried?.runs ?? 0) + 1;
  }

  /** Done: completed, and nothing left to process. */
  get finished(): boolean {
    return this.state.status === 'completed' && this.queue.length === 0;
  }

  /** The signal handler: queues an event unless it is malformed, for another order, or a repeat. */
  receive(raw: unknown): void {
    const parsed = OrderEvent.safeParse(raw);
    if (!parsed.success || parsed.data.orderId !== this.orderId) {
      this.rejected += 1;
      log.warn('order event dropped: malformed or for another order', { orderId: this.orderId, issues: parsed.success ? 'orderId' : parsed.error.message });
      return;
    }
    const event = parsed.data;
    const redrive = this.seen.has(event.id) && this.state.failedHandlers.some((f) => f.eventId === event.id);
    const waiting = [...this.queue, ...this.parked].some((e) => e.id === event.id);
    if ((this.seen.has(event.id) && !redrive) || waiting) {
      this.duplicates += 1;
      return;
    }
    this.queue.push(event);
  }

  apply(event: OrderEvent): void {
    this.state = applyEvent(this.state, event);
    this.seen.add(event.id);
  }

  /** An early event that applies now, taken off the parked list. */
  takeReady(): OrderEvent | undefined {
    const index = this.parked.findIndex((e) => appliesTo(this.state, e));
    return index === -1 ? undefined : this.parked.splice(index, 1)[0];
  }

  carry(): NonNullable<OrderLifecycleInput['carried']> {
    return { state: this.state, seen: [...this.seen], pending: [...this.queue, ...this.parked], duplicates: this.duplicates, runs: this.runs };
  }

  view(): OrderLifecycleView {
    return {
      state: this.state, seen: [...this.seen], pending: [...this.queue, ...this.parked].map((e) => e.id), duplicates: this.duplicates, run: this.runs,
    };
  }
}
