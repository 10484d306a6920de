import { z } from 'zod';
import { Slug } from './common.js';

/** A store id such as `cust-006` or a SKU such as `MON-008`. */
const StoreId = z.string().trim().regex(/^[A-Za-z0-9._-]{1,40}$/, 'use 1–40 letters, digits, ".", "-" or "_"');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const OrderItem = z.object({
  sku: StoreId,
  quantity: z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(1000, 'must be ≤ 1000'),
});

/**
 * Where the order ships. Only the form is checked here; whether the postal code fits the country is the carrier's
 * business rule, checked by the store when the label is created (`InvalidAddress`, which compensates the order).
 */
export const ShippingAddress = z.object({
  name: text(200),
  street: text(300),
  city: text(200),
  postalCode: text(20),
  country: z.string().trim().regex(/^[A-Za-z]{2}$/, 'must be a 2-letter country code such as US, GB or DE'),
});

export const OrderSagaInput = z.object({
  /** Names the run (`order-saga-<orderId>-…`), the shipping label and the user account's key. */
  orderId: Slug,
  customer: z.object({
    /** A customer of the store (`cust-001` … `cust-012`); the charge goes to this account. */
    id: StoreId,
    name: text(200),
    email: z.email('must be an email address'),
  }),
  /** One line per SKU; each line is reserved as its own saga step. Prices come from the store's product catalog. */
  items: z.array(OrderItem).min(1, 'must list at least one item').max(20, 'must list at most 20 items')
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((item, index) => {
        if (seen.has(item.sku)) ctx.addIssue({ code: 'custom', path: [index, 'sku'], message: `${item.sku} is listed twice: give one line per SKU` });
        seen.add(item.sku);
      });
    }),
  shippingAddress: ShippingAddress,
});
export type OrderSagaInput = z.input<typeof OrderSagaInput>;
export type OrderSagaOrder = z.output<typeof OrderSagaInput>;

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
