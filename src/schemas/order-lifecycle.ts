/**
 * The `orderLifecycle` workflow's boundary: one run (chain) per order, fed its events by signal-with-start. The events
 * and the reducer are in src/events/order-events.ts.
 */
import { z } from 'zod';
import { Slug } from './common.js';
import { OrderEvent, OrderState } from '../events/order-events.js';

/**
 * How many history events a run may reach before it continues as new (carrying the order's state, the ids it has seen
 * and the events still waiting). Temporal suggests continuing well before its own limits; this bounds replay cost.
 */
export const DEFAULT_HISTORY_LIMIT = 2_000;

export const OrderLifecycleInput = z.strictObject({
  orderId: Slug,
  historyLimit: z.number().int().min(20, 'must be ≥ 20').max(40_000, 'must be ≤ 40000').default(DEFAULT_HISTORY_LIMIT),
  /** Set by the workflow itself when it continues as new. */
  carried: z.strictObject({
    state: OrderState,
    seen: z.array(z.string()),
    pending: z.array(OrderEvent),
    duplicates: z.number().int(),
    runs: z.number().int(),
  }).optional(),
});
export type OrderLifecycleInput = z.input<typeof OrderLifecycleInput>;

/** What the `order` query answers and the run returns. */
export const OrderLifecycleView = z.object({
  state: OrderState,
  /** Ids of the events processed (each once). */
  seen: z.array(z.string()),
  /** Events received but not yet processed: queued, or early (waiting for their predecessor). */
  pending: z.array(z.string()),
  /** Events received again with an id already seen, and dropped. */
  duplicates: z.number().int(),
  /** Runs of this chain so far (continue-as-new). */
  run: z.number().int(),
});
export type OrderLifecycleView = z.infer<typeof OrderLifecycleView>;
