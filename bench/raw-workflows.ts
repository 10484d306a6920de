/**
 * Orchestra's measured workflows written directly against the Temporal SDK, without Orchestra's helpers
 * (parseInput, ProgressReporter, Compensations, store()/stepKey()/callTool() wrappers, settleBounded): the same
 * activity (`callTool`, through the same MCP servers), the same arguments and idempotency keys, the same timeouts and
 * retry policies, the same order — so the ratio raw / Orchestra isolates what the abstractions cost.
 *
 * What they leave out is exactly what the helpers add: input validation in the workflow, the progress query, Web UI
 * current details, status search attributes, activity summaries, and per-branch outcome bookkeeping.
 *
 * This file is also the raw twin's whole workflow bundle: bench/twin-worker-process.ts runs it on a plain SDK worker
 * (default options, no interceptors, sinks or MCP pool), so it imports nothing but the SDK and pure helpers.
 */
import {
  executeChild, proxyActivities, proxyLocalActivities, upsertSearchAttributes, workflowInfo, type ActivityOptions,
} from '@temporalio/workflow';
import { PATTERN, STATUS } from '../src/shared/search-attributes.js';
import type { ToolActivities, ToolResult } from '../src/activities/mcp.js';
import type { TextActivities } from '../src/activities/text.js';
import type { ToolCall } from '../src/shared/tool-call.js';
import { recordedToolResult } from '../src/shared/tool-result.js';

// The policies orderSaga and parallelAggregate use (src/shared/tool-retry.ts), as plain values.
const NON_RETRYABLE = ['ToolNotFound', 'InvalidToolArguments', 'UnsafeToRetry', 'AccessDenied', 'FileNotFound'];
const STORE_BUSINESS_ERRORS = [
  'UnknownCustomer', 'UnknownProduct', 'UnknownPayment', 'UnknownTicket', 'UnknownDocument', 'UnknownDeadLetter', 'UserExists',
  'InsufficientInventory', 'PaymentDeclined', 'RefundExceedsCharge', 'InvalidAddress', 'InvalidRequest', 'InvalidTransition',
  'IdempotencyKeyReused', 'QueryRejected', 'QueryTimeout',
];
const base = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' } as const;
const READ_RETRY = { ...base, maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE };
const STEP_RETRY = { ...base, maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE, ...STORE_BUSINESS_ERRORS] };
const UNDO_RETRY = { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 };

const timeouts: ActivityOptions = { startToCloseTimeout: '1 minute', heartbeatTimeout: '20 seconds' };
const read = proxyActivities<ToolActivities>({ ...timeouts, retry: READ_RETRY });
const step = proxyActivities<ToolActivities>({ ...timeouts, retry: STEP_RETRY });
const undoing = proxyActivities<ToolActivities>({ ...timeouts, retry: UNDO_RETRY });
// The same calls as local activities (run by the worker inside the workflow task: no activity tasks through the server).
const local = {
  read: proxyLocalActivities<ToolActivities>({ startToCloseTimeout: '1 minute', retry: READ_RETRY }),
  step: proxyLocalActivities<ToolActivities>({ startToCloseTimeout: '1 minute', retry: STEP_RETRY }),
  undoing: proxyLocalActivities<ToolActivities>({ startToCloseTimeout: '1 minute', retry: UNDO_RETRY }),
};

// ---------------------------------------------------------------------------------------------------------------------
// Latency and per-task costs: three activities in a row

const text = proxyActivities<TextActivities>({ startToCloseTimeout: '1 minute' });

/** sequentialPipeline (bench/orchestra-workflows.ts) with nothing but the SDK: detect language → sentiment → keywords. */
export async function sequentialPipelineRaw(input: { text: string }): Promise<{ language: string; sentiment: string; keywords: string[] }> {
  const language = await text.detectLanguage({ text: input.text });
  const sentiment = await text.analyzeSentiment({ text: input.text });
  const keywords = await text.extractKeywords({ text: input.text, limit: 5 });
  return { language: language.code, sentiment: sentiment.label, keywords: keywords.keywords.map((k) => k.term) };
}

/** callTools (src/workflows/call-tools.ts) with nothing but the SDK: the calls one after another, results collected. */
export async function rawCallTools(input: { calls: ToolCall[] }): Promise<{ outcomes: Array<{ call: string; ok: true; result: unknown }>; succeeded: number; failed: number }> {
  const outcomes: Array<{ call: string; ok: true; result: unknown }> = [];
  for (const call of input.calls) outcomes.push({ call: `${call.server}.${call.tool}`, ok: true, result: recordedToolResult(await read.callTool(call)) });
  return { outcomes, succeeded: outcomes.length, failed: 0 };
}

// ---------------------------------------------------------------------------------------------------------------------
// orderSaga, raw

interface RawOrder {
  orderId: string;
  customer: { id: string; name: string; email: string };
  items: Array<{ sku: string; quantity: number }>;
  shippingAddress: { name: string; street: string; city: string; postalCode: string; country: string };
}

type Row = Record<string, unknown>;
const structured = (result: ToolResult) => recordedToolResult(result) as Row;

type SagaOutcome = { status: 'completed' | 'compensated'; amount: number; steps: string[] };

/** As orderSaga runs: the catalogue lookup (a short read) a local activity, every write an activity task. */
export function rawOrderSaga(order: RawOrder): Promise<SagaOutcome> {
  return saga(order, { read: local.read, step, undoing });
}

/** rawOrderSaga with every store call a local activity (an investigation: what local activities would buy orderSaga). */
export function rawOrderSagaLocal(order: RawOrder): Promise<SagaOutcome> {
  return saga(order, local);
}

/**
 * rawOrderSaga plus the search-attribute upserts ProgressReporter makes (pattern at the start, status running and
 * completed): an investigation of what those visibility writes cost when the server is the bottleneck.
 */
export async function rawOrderSagaWithUpserts(order: RawOrder): Promise<SagaOutcome> {
  upsertSearchAttributes([{ key: PATTERN, value: 'orderSaga' }]);
  upsertSearchAttributes([{ key: STATUS, value: 'running' }]);
  const outcome = await saga(order, { read: local.read, step, undoing });
  upsertSearchAttributes([{ key: STATUS, value: 'completed' }]);
  return outcome;
}

async function saga(order: RawOrder, { read, step, undoing }: Record<'read' | 'step' | 'undoing', Pick<ToolActivities, 'callTool'>>): Promise<SagaOutcome> {
  const id = workflowInfo().workflowId;
  const store = (tool: string, args: Row, key?: string, via: Pick<ToolActivities, 'callTool'> = step) =>
    via.callTool({ server: 'store', tool, args, idempotencyKey: key } satisfies ToolCall).then(structured);

  const skus = order.items.map((item) => item.sku);
  const catalog = await store('get_products', { skus }, undefined, read);
  const prices = new Map((catalog.products as Row[]).map((row) => [String(row.sku), Number(row.price)]));
  const amount = order.items.reduce((sum, item) => sum + prices.get(item.sku)! * item.quantity, 0);

  const undo: Array<() => Promise<unknown>> = [];
  const steps: string[] = [];
  try {
    const userKey = `${order.customer.id}/${order.orderId}`;
    undo.push(() => store('delete_user', { user_key: userKey }, `${id}:delete_user_account`, undoing));
    await store('create_user', { user_key: userKey, name: order.customer.name, email: order.customer.email }, `${id}:create_user_account`);
    steps.push('create_user_account');

    const payment = await store('charge_payment', { customer_id: order.customer.id, amount, currency: 'USD' }, `${id}:charge_payment`);
    undo.push(() => store('refund_payment', { payment_id: payment.payment_id }, `${id}:refund_payment`, undoing));
    steps.push('charge_payment');

    const lines = order.items.map((item) => `${item.quantity} × ${item.sku}`).join(', ');
    const notice = await store('send_notification', {
      recipient: order.customer.email,
      subject: `Order ${order.orderId} confirmed`,
      body: `Hello ${order.customer.name}, we have your order ${order.orderId} (${lines}) for $${(amount / 100).toFixed(2)}. `
        + 'We will send the tracking number when it ships.',
      channel: 'email',
    }, `${id}:send_notification`);
    undo.push(() => store('cancel_notification', { notification_id: notice.notification_id }, `${id}:send_cancellation_notice`, undoing));
    steps.push('send_notification');

    for (const item of order.items) {
      const reservation = await store('reserve_inventory', { sku: item.sku, quantity: item.quantity }, `${id}:update_inventory:${item.sku}`);
      undo.push(() => store('release_inventory', { reservation_id: reservation.reservation_id }, `${id}:restore_inventory:${item.sku}`, undoing));
      steps.push(`update_inventory:${item.sku}`);
    }

    const { name, street, city, postalCode, country } = order.shippingAddress;
    const label = await store('create_shipping_label', { order_id: order.orderId, address: { name, street, city, postal_code: postalCode, country } }, `${id}:create_shipping_label`);
    undo.push(() => store('cancel_shipping_label', { label_id: label.label_id }, `${id}:cancel_shipping_label`, undoing));
    steps.push('create_shipping_label');
    return { status: 'completed', amount, steps };
  } catch {
    for (const compensation of undo.reverse()) await compensation().catch(() => undefined);
    return { status: 'compensated', amount, steps };
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// parallelAggregate, raw (tool branches only: what the benchmarks send)

const PARTITION_SIZE = 1000;

interface RawBranch {
  id?: string;
  kind: 'tool';
  server: string;
  tool: string;
  args?: Row;
  readOnly?: boolean;
}

interface RawFanOutInput {
  branches: RawBranch[];
  maxConcurrency: number;
  branchTimeout?: string;
}

interface RawOutcome {
  id: string;
  status: 'completed' | 'failed';
  result?: unknown;
}

export async function rawParallelAggregate(input: RawFanOutInput): Promise<{ completed: number; total: number; partitions: number; results: Record<string, unknown> }> {
  const branches = input.branches.map((b, i) => ({ ...b, id: b.id ?? `${b.server}.${b.tool}#${i + 1}` }));
  let outcomes: RawOutcome[];
  let partitions = 0;
  if (branches.length > PARTITION_SIZE) {
    partitions = Math.ceil(branches.length / PARTITION_SIZE);
    const size = Math.ceil(branches.length / partitions);
    const concurrent = Math.min(partitions, input.maxConcurrency);
    const perPartition = Math.max(1, Math.floor(input.maxConcurrency / concurrent));
    const slices = Array.from({ length: partitions }, (_, p) => branches.slice(p * size, (p + 1) * size));
    const parts = await bounded(slices, concurrent, (slice, p) => executeChild(rawParallelAggregatePartition, {
      workflowId: `${workflowInfo().workflowId}-part-${p + 1}-of-${partitions}`,
      args: [{ branches: slice, maxConcurrency: perPartition, branchTimeout: input.branchTimeout }],
    }));
    outcomes = parts.flat();
  } else {
    outcomes = await runBranches(branches, input.maxConcurrency, input.branchTimeout);
  }
  const completed = outcomes.filter((o) => o.status === 'completed');
  return { completed: completed.length, total: branches.length, partitions, results: Object.fromEntries(completed.map((o) => [o.id, o.result])) };
}

export async function rawParallelAggregatePartition(input: RawFanOutInput): Promise<RawOutcome[]> {
  return runBranches(input.branches as Array<RawBranch & { id: string }>, input.maxConcurrency, input.branchTimeout);
}

function runBranches(branches: Array<RawBranch & { id: string }>, limit: number, branchTimeout = '1 minute'): Promise<RawOutcome[]> {
  const acts = proxyActivities<ToolActivities>({ ...timeouts, scheduleToCloseTimeout: branchTimeout, retry: READ_RETRY });
  return bounded(branches, limit, async (b) => {
    try {
      const r = await acts.callTool({ server: b.server, tool: b.tool, args: b.args ?? {}, idempotencyKey: `${workflowInfo().workflowId}:branch:${b.id}` });
      return { id: b.id, status: 'completed' as const, result: recordedToolResult(r) };
    } catch {
      return { id: b.id, status: 'failed' as const };
    }
  });
}

/** The simplest bounded concurrency: `limit` loops taking the next item. */
async function bounded<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await task(items[index], index);
    }
  }));
  return out;
}
