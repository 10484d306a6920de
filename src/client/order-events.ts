/**
 * The producer's and the auditor's side of the event-driven order lifecycle: publish an event to the order's workflow
 * (signal-with-start: the first event starts it), read the order's events from the store's event log, and rebuild the
 * order from the log alone with the workflow's own reducer to compare with the workflow's state.
 */
import { isDeepStrictEqual } from 'node:util';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  aggregateIdOf, eventFromLog, lifecycleIdOf, OrderEvent, ORDER_EVENT_SIGNAL, ORDER_QUERY, replay, type OrderEventInput, type OrderState,
} from '../events/order-events.js';
import type { ListEventsResult, StoredEvent } from '../shared/store-contract.js';
import { catalog } from '../schemas/catalog.js';
import type { OrderLifecycleView } from '../schemas/order-lifecycle.js';
import { PATTERN } from '../shared/search-attributes.js';
import { TASK_QUEUE } from '../shared/task-queues.js';
import { validate } from '../shared/validation.js';
import { InvalidInputError, type Orchestra } from './api.js';

/** An order whose lifecycle has ended takes no more events (its workflow id is not reused, so nothing runs twice). */
export class OrderClosedError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId}'s lifecycle has ended: the event was not accepted (orchestra result ${lifecycleIdOf(orderId)})`);
    this.name = 'OrderClosedError';
  }
}

/** Validates an event and delivers it to its order's workflow, starting the workflow if this is the order's first event. */
export async function publishOrderEvent(orchestra: Orchestra, raw: OrderEventInput, options: { taskQueue?: string } = {}): Promise<{ workflowId: string; runId: string }> {
  const parsed = validate(OrderEvent, raw);
  if (!parsed.ok) throw new InvalidInputError('orderEvent', parsed.problems);
  const event = parsed.value;
  const workflowId = lifecycleIdOf(event.orderId);
  const input = { orderId: event.orderId };
  try {
    const handle = await orchestra.client.workflow.signalWithStart('orderLifecycle', {
      workflowId,
      taskQueue: options.taskQueue ?? TASK_QUEUE,
      args: [input],
      signal: ORDER_EVENT_SIGNAL,
      signalArgs: [event],
      staticSummary: catalog.orderLifecycle.summary(catalog.orderLifecycle.input.parse(input)),
      staticDetails: catalog.orderLifecycle.description,
      typedSearchAttributes: [{ key: PATTERN, value: 'orderLifecycle' }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { workflowId, runId: handle.signaledRunId };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    // Refused as a duplicate start: either the order's run has closed (its id is not reused), or another producer's
    // start won a race the server did not resolve as a signal (Temporal's test server does this with concurrent
    // signal-with-starts). A running order still takes the event.
    const described = await orchestra.describe(workflowId).catch(() => undefined);
    if (described?.status.name !== 'RUNNING') throw new OrderClosedError(event.orderId);
    try {
      await orchestra.client.workflow.getHandle(workflowId, described.runId).signal(ORDER_EVENT_SIGNAL, event);
    } catch {
      throw new OrderClosedError(event.orderId); // it closed in between
    }
    return { workflowId, runId: described.runId };
  }
}

/** A store tool caller: the CLI opens the configured store server; tests pass their pool's. */
export type StoreCall = (tool: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Every event of an order in the store's event log, in order (all pages). */
export async function orderEventLog(callStore: StoreCall, orderId: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let after = 0, more = true; more;) {
    const page = await callStore('list_events', { aggregate_id: aggregateIdOf(orderId), after_seq: after, limit: 1000 }) as unknown as ListEventsResult;
    events.push(...page.events);
    after = page.last_seq;
    more = page.has_more;
  }
  return events;
}

export interface ReplayReport {
  orderId: string;
  events: number;
  /** The order rebuilt from the event log alone, by the workflow's reducer. */
  fromLog: OrderState;
  /** The order as its workflow holds it (the `order` query). */
  live: OrderState;
  equal: boolean;
  /** The top-level fields that differ. */
  differences: string[];
}

/** Rebuilds the order from its event log and compares it with the workflow's state. */
export async function replayOrder(orchestra: Orchestra, callStore: StoreCall, orderId: string): Promise<ReplayReport> {
  const stored = await orderEventLog(callStore, orderId);
  const fromLog = replay(orderId, stored.map((event) => eventFromLog(event, orderId)));
  const { state: live } = await orchestra.handle(lifecycleIdOf(orderId)).query<OrderLifecycleView>(ORDER_QUERY);
  const keys = [...new Set([...Object.keys(fromLog), ...Object.keys(live)])] as (keyof OrderState)[];
  const differences = keys.filter((key) => !isDeepStrictEqual(fromLog[key], live[key]));
  return { orderId, events: stored.length, fromLog, live, equal: differences.length === 0, differences };
}
