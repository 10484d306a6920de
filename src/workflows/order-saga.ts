import { isCancellation, log, patched, workflowInfo, type RetryPolicy } from '@temporalio/workflow';
import { STORE_ERROR_TYPES } from '../shared/store-errors.js';
import type {
  CancelNotificationResult, CancelShippingLabelResult, DeleteUserResult, GetProductsResult, NotificationResult, PaymentResult, QueryResult,
  RefundResult, ReleaseResult, ReservationResult, ShippingLabelResult, UserResult,
} from '../shared/store-contract.js';
import { OrderSagaInput, type OrderSagaOrder } from '../schemas/order-saga-input.js';
import type { OrderSagaRecord, OrderSagaResult, SagaStatus } from '../schemas/order-saga.js';
import { NON_RETRYABLE_TOOL_ERRORS, retryPolicyFor } from '../shared/tool-retry.js';
import { COMPENSATION_RETRY, Compensations, nothingToUndo, type SagaStep } from './support/compensations.js';
import { parseInput } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { deadLetter } from './support/dead-letters.js';
import { callTool, stepKey, store } from './support/tools.js';
import { awaitThen } from './support/one-promise.js';
import { businessFailure } from '../shared/business-failure.js';

/** The store bills in one currency; every seeded account uses it. */
const CURRENCY = 'USD';

/**
 * A step's retries: the seed's three recovery attempts, with backoff. A business rejection (PaymentDeclined,
 * InsufficientInventory, InvalidAddress, …: the store marks them non-retryable) is never retried: it compensates at once.
 */
export const STEP_RETRY: RetryPolicy = {
  ...retryPolicyFor(undefined, true),
  maximumAttempts: 3,
  nonRetryableErrorTypes: [
    ...NON_RETRYABLE_TOOL_ERRORS,
    ...Object.entries(STORE_ERROR_TYPES).filter(([, retryable]) => !retryable).map(([type]) => type),
  ],
};

/**
 * The seed's five-step order transaction as a saga (seed 000 pattern 3, seed 004 pattern 4, orchestrated):
 * create the user account → charge the payment → send the confirmation → reserve each item → create the shipping
 * label. Each step's undo is registered before the step runs; a failure, a business rejection or a cancellation undoes
 * what was done in reverse order: cancel the label, release the stock, send a cancellation notice, refund, delete the
 * account. The result says which of the three ends it reached: completed, compensated, or compensation_failed (an
 * undo that still failed after its retries, named with its error, for a person to finish).
 *
 * Cancelling a run compensates it too, and the run then ends as cancelled (its saga record stays in the `progress`
 * query); if an undo failed on the way, it ends as a `CompensationFailed` failure instead, so that is never silent.
 */
export async function orderSaga(raw: OrderSagaInput): Promise<OrderSagaResult> {
  const order = parseInput(OrderSagaInput, raw);
  const progress = new ProgressReporter('orderSaga');
  const ledger = new SagaLedger(order, progress);
  const saga = new Compensations((now) => ledger.publish(saga, now));

  const amount = await priceOrder(order, ledger);
  try {
    await saga.run(createUserAccount(order), 'delete_user_account', deleteUserAccount);
    await saga.run(chargePayment(order, amount), 'refund_payment', refundPayment);
    await saga.run(sendConfirmation(order, amount), 'send_cancellation_notice', sendCancellationNotice);
    for (const item of order.items) {
      await saga.run(reserveStock(item), `restore_inventory:${item.sku}`, restoreStock);
    }
    await saga.run(createShippingLabel(order), 'cancel_shipping_label', cancelShippingLabel);
    return ledger.end(saga, 'completed');
  } catch (err) {
    ledger.status = 'compensating';
    await saga.compensate(err);
    const result = ledger.end(saga, saga.failed ? 'compensation_failed' : 'compensated', isCancellation(err));
    if (!isCancellation(err)) return result;
    if (saga.failed) {
      throw businessFailure({
        type: 'CompensationFailed', details: [result],
        message: `cancelled, but ${failedUndos(result)} could not be undone: ${result.transactionId} needs a person`,
      });
    }
    throw err; // compensated: the run ends as cancelled
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The steps and their undos: store tool calls with idempotency keys derived from the workflow and the step.

export function createUserAccount(order: OrderSagaOrder) {
  const userKey = `${order.customer.id}/${order.orderId}`;
  return storeStep<UserResult>('create_user_account', 'create_user',
    { user_key: userKey, name: order.customer.name, email: order.customer.email }, `create user account ${userKey}`);
}
export async function deleteUserAccount(user: UserResult) {
  const deleted = await undo<DeleteUserResult>('delete_user_account', 'delete_user', { user_key: user.user_key }, `delete user account ${user.user_key}`);
  return deleted.deleted ? deleted : nothingToUndo('the account was already deleted', deleted);
}

export function chargePayment(order: OrderSagaOrder, amount: number) {
  return storeStep<PaymentResult>('charge_payment', 'charge_payment',
    { customer_id: order.customer.id, amount, currency: CURRENCY }, `charge ${money(amount)} to ${order.customer.id}`);
}
export async function refundPayment(payment: PaymentResult) {
  const refund = await undo<RefundResult>('refund_payment', 'refund_payment', { payment_id: payment.payment_id },
    `refund ${money(payment.amount)} of ${payment.payment_id}`);
  return refund.already_refunded ? nothingToUndo(`${payment.payment_id} was already refunded`, refund) : refund;
}

export function sendConfirmation(order: OrderSagaOrder, amount: number) {
  const lines = order.items.map((item) => `${item.quantity} × ${item.sku}`).join(', ');
  return storeStep<NotificationResult>('send_notification', 'send_notification', {
    recipient: order.customer.email,
    subject: `Order ${order.orderId} confirmed`,
    body: `Hello ${order.customer.name}, we have your order ${order.orderId} (${lines}) for ${money(amount)}. `
      + 'We will send the tracking number when it ships.',
    channel: 'email',
  }, `confirm order ${order.orderId} to ${order.customer.email}`);
}
export async function sendCancellationNotice(notice: NotificationResult) {
  const cancelled = await undo<CancelNotificationResult>('send_cancellation_notice', 'cancel_notification',
    { notification_id: notice.notification_id }, `send cancellation notice for ${notice.notification_id} to ${notice.recipient}`);
  return cancelled.cancelled ? cancelled : nothingToUndo(`${notice.notification_id}: ${cancelled.reason}`, cancelled);
}

export function reserveStock(item: OrderSagaOrder['items'][number]) {
  return storeStep<ReservationResult>(`update_inventory:${item.sku}`, 'reserve_inventory',
    { sku: item.sku, quantity: item.quantity }, `reserve ${item.quantity} × ${item.sku}`);
}
export async function restoreStock(reservation: ReservationResult) {
  const released = await undo<ReleaseResult>(`restore_inventory:${reservation.sku}`, 'release_inventory',
    { reservation_id: reservation.reservation_id }, `restore ${reservation.quantity} × ${reservation.sku} (${reservation.reservation_id})`);
  return released.released ? released : nothingToUndo(`${reservation.reservation_id}: ${released.reason}`, released);
}

export function createShippingLabel(order: OrderSagaOrder) {
  const { name, street, city, postalCode, country } = order.shippingAddress;
  return storeStep<ShippingLabelResult>('create_shipping_label', 'create_shipping_label',
    { order_id: order.orderId, address: { name, street, city, postal_code: postalCode, country } },
    `create shipping label for ${order.orderId} to ${city}, ${country.toUpperCase()}`);
}
export async function cancelShippingLabel(label: ShippingLabelResult) {
  const cancelled = await undo<CancelShippingLabelResult>('cancel_shipping_label', 'cancel_shipping_label',
    { label_id: label.label_id }, `cancel shipping label ${label.label_id}`);
  return cancelled.cancelled ? cancelled : nothingToUndo(`${label.label_id}: ${cancelled.reason}`, cancelled);
}

/**
 * A store write as a saga step, keyed by the run chain and the step (`stepKey`): run with the step policy; recalled (when its outcome is
 * unknown) by the same call with the same key, which the store answers with the first result and no second effect.
 *
 * The call goes to `callTool` itself rather than through `store`, whose extra `.then` only keeps the microtask turn
 * that steps running side by side resume in (support/one-promise.ts): a saga runs one step at a time, with nothing else
 * of the run in flight, so its steps need no such turn. One promise fewer per step.
 */
function storeStep<T>(name: string, tool: string, args: Record<string, unknown>, summary: string): SagaStep<T> {
  const call = (retry: RetryPolicy, what: string) =>
    callTool({ server: 'store', tool, args, idempotencyKey: stepKey(name) }, { retry, summary: what }) as Promise<T>;
  return {
    name,
    title: summary,
    execute: () => call(STEP_RETRY, summary),
    recall: () => call(COMPENSATION_RETRY, `${summary} (asked again, to undo it)`),
  };
}

/**
 * A compensating store write, with its own idempotency key and the bounded compensation retries. An undo that still
 * fails is recorded in the dead-letter queue (a person corrects and redrives it), then reported as failed.
 */
async function undo<T>(name: string, tool: string, args: Record<string, unknown>, summary: string): Promise<T> {
  const idempotencyKey = stepKey(name);
  try {
    return await store<T>(tool, args, { idempotencyKey, retry: COMPENSATION_RETRY, summary });
  } catch (err) {
    await deadLetter({ step: name, call: { server: 'store', tool, args, idempotencyKey }, retry: COMPENSATION_RETRY }, err);
    throw err;
  }
}

/**
 * The order's amount from the store's product catalog (the prices the store sells at, not what a caller claims),
 * read once and kept in history. An unknown SKU stops the run before any step, naming the item.
 */
function priceOrder(order: OrderSagaOrder, ledger: SagaLedger): Promise<number> {
  const skus = order.items.map((item) => item.sku);
  return awaitThen(() => {
    ledger.progress.update({ step: `pricing ${skus.join(', ')}`, details: ledger.snapshot() });
    return catalogPrices(skus);
  }, (products) => {
    const prices = new Map(products.map((product) => [product.sku, product.price]));
    const unknown = order.items.flatMap((item, index) => (prices.has(item.sku) ? [] : [`items[${index}].sku: no product ${item.sku} in the catalog`]));
    if (unknown.length) {
      ledger.progress.update({ step: 'unknown product', state: 'failed', outcome: 'rejected' });
      throw businessFailure({ type: 'UnknownProduct', message: unknown.join('; ') });
    }
    ledger.amount = order.items.reduce((sum, item) => sum + prices.get(item.sku)! * item.quantity, 0);
    return ledger.amount;
  });
}

/**
 * The catalogue prices of these SKUs. `get_products`, not an analytics `query`: a catalogue lookup must never wait
 * behind slow analytics queries. Runs started before that change replay their recorded `query` (the patch). A short
 * read, so it runs as a local activity (CallOptions.local).
 */
export function catalogPrices(skus: string[]): Promise<{ sku: string; price: number }[]> {
  const summary = `price ${skus.join(', ')} from product_catalog`;
  if (patched('catalogue-lookup-via-get-products')) {
    return awaitThen(() => store<GetProductsResult>('get_products', { skus }, { readOnly: true, local: true, summary }), (found) => found.products);
  }
  return awaitThen(() => store<QueryResult>('query', {
    sql: `SELECT sku, price FROM product_catalog WHERE sku IN (${skus.map(() => '?').join(', ')})`,
    params: skus,
  }, { readOnly: true, summary }), (catalog) => catalog.rows.map((row) => ({ sku: String(row.sku), price: Number(row.price) })));
}

// ---------------------------------------------------------------------------------------------------------------------
// What a person sees: the saga record in the `progress` query, current details and the status search attribute.

class SagaLedger {
  status: SagaStatus = 'running';
  amount = 0;
  private readonly totalSteps: number;

  constructor(private readonly order: OrderSagaOrder, readonly progress: ProgressReporter) {
    this.totalSteps = 4 + order.items.length;
  }

  snapshot(saga?: Compensations, cancelled?: boolean): OrderSagaRecord {
    return {
      transactionId: workflowInfo().workflowId,
      orderId: this.order.orderId,
      status: this.status,
      amount: this.amount,
      currency: CURRENCY,
      executedSteps: [...(saga?.executed ?? [])],
      ...(saga?.failure ? { failedStep: saga.failure } : {}),
      compensations: [...(saga?.outcomes ?? [])],
      stepResults: { ...saga?.results },
      ...(cancelled ? { cancelled } : {}),
    };
  }

  publish(saga: Compensations, now: string): void {
    this.progress.update({
      step: this.status === 'compensating' ? `compensating: ${now}` : now,
      done: saga.executed.length,
      total: this.totalSteps,
      details: this.snapshot(saga),
    });
  }

  end(saga: Compensations, status: OrderSagaResult['status'], cancelled = false): OrderSagaResult {
    this.status = status;
    const result = { ...this.snapshot(saga, cancelled), status };
    const failed = saga.failure ? `${saga.failure.name} failed (${saga.failure.error.type})` : '';
    const undone = `${saga.outcomes.filter((o) => o.status === 'compensated').length} undone`;
    const step = {
      completed: `completed: order ${this.order.orderId}, ${money(this.amount)}`,
      compensated: `${cancelled ? 'cancelled' : failed}; compensated (${undone})`,
      compensation_failed: `${cancelled ? 'cancelled' : failed}; compensation failed: ${failedUndos(result)} — needs a person`,
    }[status];
    if (status === 'compensation_failed') log.error('order saga could not be fully undone', { transactionId: result.transactionId, compensations: result.compensations });
    this.progress.update({ step, state: status === 'compensation_failed' ? 'failed' : 'completed', outcome: status, done: saga.executed.length, details: result });
    return result;
  }
}

function failedUndos(result: OrderSagaRecord): string {
  return result.compensations.filter((c) => c.status === 'failed').map((c) => `${c.name} (${c.error?.type})`).join(', ');
}

function money(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
