import { z } from 'zod';

// The input (checked by the workflow) is in ./order-saga-input.ts; re-exported here for the catalogue and the client.
export { OrderItem, OrderSagaInput, ShippingAddress, type OrderSagaOrder } from './order-saga-input.js';

/** Where a saga is: running its steps, undoing them, or one of the three ends. */
export const SagaStatus = z.enum(['running', 'compensating', 'completed', 'compensated', 'compensation_failed']);
export type SagaStatus = z.infer<typeof SagaStatus>;

export const FailureInfo = z.object({ type: z.string(), message: z.string() });
export type FailureInfo = z.infer<typeof FailureInfo>;

/** One compensation's outcome: it undid its step, found nothing to undo, or failed for good (with the error). */
export const CompensationOutcome = z.object({
  name: z.string(),
  /** The step it undoes. */
  step: z.string(),
  status: z.enum(['compensated', 'nothing_to_undo', 'failed']),
  /** Why there was nothing to undo (e.g. the step was rejected, or the store had already undone it). */
  note: z.string().optional(),
  result: z.unknown().optional(),
  error: FailureInfo.optional(),
});
export type CompensationOutcome = z.infer<typeof CompensationOutcome>;

/** The transaction as it stands: the `progress` query's details while it runs, and the result when it ends. */
export const OrderSagaRecord = z.object({
  /** The workflow id: every step's idempotency key starts with it. */
  transactionId: z.string(),
  orderId: z.string(),
  status: SagaStatus,
  /** What the order costs, from the store's product catalog (integer cents). */
  amount: z.number().int(),
  currency: z.string(),
  /** Steps that took effect, in order. */
  executedSteps: z.array(z.string()),
  /** The step that failed and why (absent when the saga completed). */
  failedStep: z.object({ name: z.string(), error: FailureInfo }).optional(),
  /** Compensations run, in the order they ran (the reverse of the steps). */
  compensations: z.array(CompensationOutcome),
  /** Each executed step's result from the store, by step name. */
  stepResults: z.record(z.string(), z.unknown()),
  /** Set when a person cancelled the run: it was compensated, then ended as cancelled. */
  cancelled: z.boolean().optional(),
});
export type OrderSagaRecord = z.infer<typeof OrderSagaRecord>;

export const OrderSagaResult = OrderSagaRecord.extend({
  status: z.enum(['completed', 'compensated', 'compensation_failed']),
});
export type OrderSagaResult = z.infer<typeof OrderSagaResult>;
