/**
 * The order transaction as a choreography (seed 004 Pattern 4, the choreography variant): no orchestrator; the order,
 * payment, inventory and shipping services are workflows of their own that react to events and publish events, and a
 * service whose step fails undoes its own work and publishes a compensating event for the services before it. Who
 * hears what is this one table: a service publishes an event without knowing its subscribers. Pure: the workflows and
 * the tests share it.
 */
import type { CompensationOutcome, FailureInfo } from '../schemas/order-saga.js';

export const SERVICES = ['order', 'payment', 'inventory', 'shipping'] as const;
export type Service = (typeof SERVICES)[number];

/** Every event of the choreography and the services subscribed to it. */
export const SUBSCRIPTIONS = {
  /** The order service created the account: payment charges and confirms. */
  'order.placed': ['payment'],
  /** Payment done: inventory reserves each item. */
  'payment.charged': ['inventory'],
  /** Stock reserved: shipping creates the label. */
  'inventory.reserved': ['shipping'],
  /** The label exists: the order is complete. */
  'shipping.scheduled': ['order'],
  /** Compensating: shipping failed (and undid itself); inventory restores the stock. */
  'shipping.failed': ['inventory'],
  /** Compensating: inventory failed or was undone; payment sends the cancellation notice and refunds. */
  'inventory.failed': ['payment'],
  /** Compensating: payment failed or was undone; the order service deletes the account. */
  'payment.failed': ['order'],
  /** The order has ended either way: the services stop listening. */
  'order.closed': ['payment', 'inventory', 'shipping'],
} as const satisfies Record<string, readonly Service[]>;
export type ChoreographyEventType = keyof typeof SUBSCRIPTIONS;

/**
 * An event of the choreography. It carries the transaction's record so far — the steps that took effect, the
 * compensations run, the step that failed — so each service adds its part and the order service can report the end
 * without having directed anything.
 */
export interface ChoreographyEvent {
  type: ChoreographyEventType;
  orderId: string;
  amount: number;
  executedSteps: string[];
  compensations: CompensationOutcome[];
  stepResults: Record<string, unknown>;
  failedStep?: { name: string; error: FailureInfo };
}

/** The signal every service receives its events on. */
export const CHOREOGRAPHY_EVENT_SIGNAL = 'choreographyEvent';

/** A service's workflow id for one order: `order-choreography-<orderId>` for the order service. */
export function serviceWorkflowId(service: Service, orderId: string): string {
  return service === 'order' ? `order-choreography-${orderId}` : `${service}-service-${orderId}`;
}
