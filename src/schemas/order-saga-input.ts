/**
 * orderSaga's input: what the workflow itself checks (parseInput) in its first task. Its own module, apart from the
 * result's schemas (./order-saga.ts, for the catalogue and the client): every module a workflow imports is evaluated
 * again in each workflow's first task (the SDK gives each workflow a fresh module cache), so a workflow imports only
 * the schema it runs and the result's types. In zod/mini, like the other schemas a workflow builds in its first task
 * (src/shared/zod-mini.ts says why).
 */
import { z } from 'zod/mini';
import '../shared/zod-mini.js'; // English messages, as classic zod gives
import { Slug } from './common.js';

/** A store id such as `cust-006` or a SKU such as `MON-008`. */
const StoreId = z.string().check(z.trim(), z.regex(/^[A-Za-z0-9._-]{1,40}$/, 'use 1–40 letters, digits, ".", "-" or "_"'));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max, `must be at most ${max} characters`));

export const OrderItem = z.object({
  sku: StoreId,
  quantity: z.number().check(z.int('must be a whole number'), z.gte(1, 'must be ≥ 1'), z.lte(1000, 'must be ≤ 1000')),
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
  country: z.string().check(z.trim(), z.regex(/^[A-Za-z]{2}$/, 'must be a 2-letter country code such as US, GB or DE')),
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
  items: z.array(OrderItem).check(
    z.minLength(1, 'must list at least one item'),
    z.maxLength(20, 'must list at most 20 items'),
    z.superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((item, index) => {
        if (seen.has(item.sku)) ctx.addIssue({ code: 'custom', path: [index, 'sku'], message: `${item.sku} is listed twice: give one line per SKU` });
        seen.add(item.sku);
      });
    }),
  ),
  shippingAddress: ShippingAddress,
});
export type OrderSagaInput = z.input<typeof OrderSagaInput>;
export type OrderSagaOrder = z.output<typeof OrderSagaInput>;
