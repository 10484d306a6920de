/**
 * The order lifecycle as events (seed 004 Pattern 3): order.created → payment.processed → shipping.scheduled →
 * order.completed, plus handler.error when a handler fails for good. One pure reducer folds events into the order's
 * state; the `orderLifecycle` workflow applies it live, and `orchestra events replay` applies it to the store's event
 * log alone, so the two must agree. Pure: the workflow, the client and the tests share it.
 */
import { z } from 'zod';
import { ShippingAddress } from '../schemas/order-saga-input.js';
import { Slug } from '../schemas/common.js';

/** The event log's aggregate id of an order. */
export const aggregateIdOf = (orderId: string) => `order:${orderId}`;
/** The workflow id of an order's lifecycle: one per order, started by its first event (signal-with-start). */
export const lifecycleIdOf = (orderId: string) => `order-lifecycle-${orderId}`;

const Id = z.string().regex(/^[A-Za-z0-9._:>-]{1,120}$/, 'use 1–120 letters, digits, ".", "_", ":", ">" or "-"');
const Failure = z.object({ type: z.string(), message: z.string() });

const event = <T extends string, D extends z.ZodType>(type: T, data: D) => z.strictObject({
  /** Deduplication id: an event with an id already seen is processed once. */
  id: Id,
  orderId: Slug,
  type: z.literal(type),
  data,
});

export const OrderEvent = z.discriminatedUnion('type', [
  event('order.created', z.strictObject({
    customer: z.strictObject({ id: z.string().min(1).max(40), name: z.string().min(1).max(200), email: z.email('must be an email address') }),
    /** Integer cents. */
    amount: z.number().int().min(1, 'must be ≥ 1 (cents)'),
    shippingAddress: ShippingAddress,
  })),
  event('payment.processed', z.strictObject({ paymentId: z.string(), amount: z.number().int() })),
  event('shipping.scheduled', z.strictObject({ labelId: z.string(), trackingNumber: z.string() })),
  event('order.completed', z.strictObject({ notificationId: z.string() })),
  event('handler.error', z.strictObject({ eventId: Id, eventType: z.string(), error: Failure, deadLetterId: z.string().optional() })),
], { error: (issue) => (issue.code === 'invalid_union' ? 'type: must be one of order.created, payment.processed, shipping.scheduled, order.completed, handler.error' : undefined) });
export type OrderEvent = z.infer<typeof OrderEvent>;
export type OrderEventInput = z.input<typeof OrderEvent>;
export type OrderEventType = OrderEvent['type'];

export const OrderStatus = z.enum(['none', 'created', 'paid', 'scheduled', 'completed']);

/** An order as its events leave it. `version` counts the events applied: the aggregate's version in the event log. */
export const OrderState = z.object({
  orderId: z.string(),
  status: OrderStatus,
  version: z.number().int(),
  customer: z.object({ id: z.string(), name: z.string(), email: z.string() }).optional(),
  amount: z.number().int().optional(),
  shippingAddress: z.optional(ShippingAddress),
  paymentId: z.string().optional(),
  labelId: z.string().optional(),
  trackingNumber: z.string().optional(),
  notificationId: z.string().optional(),
  /** Handlers that failed for good, by the event they handled (until a redrive succeeds). */
  failedHandlers: z.array(z.object({ eventId: z.string(), eventType: z.string(), error: Failure, deadLetterId: z.string().optional() })),
});
export type OrderState = z.infer<typeof OrderState>;

export function emptyOrder(orderId: string): OrderState {
  return { orderId, status: 'none', version: 0, failedHandlers: [] };
}

/** The status an event needs the order to be in; an earlier event arriving late waits for it (out of order). */
const NEEDS: Record<Exclude<OrderEventType, 'handler.error'>, OrderState['status']> = {
  'order.created': 'none',
  'payment.processed': 'created',
  'shipping.scheduled': 'paid',
  'order.completed': 'scheduled',
};

/** Whether `event` applies to the order now; false means it arrived early and waits for its predecessor. */
export function appliesTo(state: OrderState, event: OrderEvent): boolean {
  return event.type === 'handler.error' || state.status === NEEDS[event.type];
}

const RANK: Record<OrderState['status'], number> = { none: 0, created: 1, paid: 2, scheduled: 3, completed: 4 };
const RESULT: Record<Exclude<OrderEventType, 'handler.error'>, OrderState['status']> = {
  'order.created': 'created', 'payment.processed': 'paid', 'shipping.scheduled': 'scheduled', 'order.completed': 'completed',
};

/** Whether the order has already moved past what `event` did, so its handler's follow-up happened without it. */
export function isFollowedUp(state: OrderState, event: OrderEvent): boolean {
  return event.type !== 'handler.error' && RANK[state.status] > RANK[RESULT[event.type]];
}

/** The pure reducer: the order after `event`. Every applied event is one version. */
export function applyEvent(state: OrderState, event: OrderEvent): OrderState {
  const next = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'order.created':
      return { ...next, status: 'created', customer: event.data.customer, amount: event.data.amount, shippingAddress: event.data.shippingAddress };
    case 'payment.processed':
      return { ...next, status: 'paid', paymentId: event.data.paymentId, failedHandlers: cleared(state, 'order.created') };
    case 'shipping.scheduled':
      return { ...next, status: 'scheduled', labelId: event.data.labelId, trackingNumber: event.data.trackingNumber, failedHandlers: cleared(state, 'payment.processed') };
    case 'order.completed':
      return { ...next, status: 'completed', notificationId: event.data.notificationId, failedHandlers: cleared(state, 'shipping.scheduled') };
    case 'handler.error':
      return { ...next, failedHandlers: [...cleared(state, event.data.eventType), { ...event.data }] };
  }
}

/** A follow-up event proves its predecessor's handler succeeded (after a redrive): it is no longer failed. */
function cleared(state: OrderState, eventType: string) {
  return state.failedHandlers.filter((f) => f.eventType !== eventType);
}

/** An order's state rebuilt from its events alone (in log order). */
export function replay(orderId: string, events: OrderEvent[]): OrderState {
  return events.reduce(applyEvent, emptyOrder(orderId));
}

/** An event as the store's event log holds it (`list_events`), back as an OrderEvent. */
export function eventFromLog(stored: { event_id: string; type: string; payload: Record<string, unknown> }, orderId: string): OrderEvent {
  return OrderEvent.parse({ id: stored.event_id, orderId, type: stored.type, data: stored.payload });
}

/** The signal an order's events arrive on (signal-with-start: the first one starts the order's workflow). */
export const ORDER_EVENT_SIGNAL = 'orderEvent';
/** The query answering the order's state as the workflow holds it (`orchestra events replay` compares with it). */
export const ORDER_QUERY = 'order';
