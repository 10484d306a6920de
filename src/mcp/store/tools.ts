/**
 * The store server's tools: names, descriptions and zod input schemas. What they answer (and the enumerations the
 * schemas use) is the shared contract in src/shared/store-contract.ts, which callers import instead of this file.
 * Money is always an integer number of cents.
 */
import { z } from 'zod';
import {
  CUSTOMER_TIERS, DEAD_LETTER_STATUSES, NOTIFICATION_CHANNELS, TICKET_PRIORITIES, type StoreAddress,
} from '../../shared/store-contract.js';
import { boundedJson, idString, STORE_LIMITS } from './limits.js';

const idempotencyKey = idString().describe('Same key + same arguments replays the first result; same key + different arguments fails with IdempotencyKeyReused.');
const cents = z.number().int().describe('Integer cents');
const jsonObject = boundedJson(z.record(z.string(), z.unknown()));


export const getCustomerInput = z.strictObject({
  customer_id: idString(),
});
export const listCustomersInput = z.strictObject({
  tier: z.enum(CUSTOMER_TIERS).optional(),
});

export const createUserInput = z.strictObject({
  idempotency_key: idempotencyKey,
  user_key: idString().describe('The caller\'s natural key for the user (e.g. an email or an external id)'),
  name: idString(),
  email: z.email().max(320),
});
export const deleteUserInput = z.strictObject({
  idempotency_key: idempotencyKey,
  user_key: idString(),
});

export const reserveInventoryInput = z.strictObject({
  idempotency_key: idempotencyKey,
  sku: idString(),
  quantity: z.number().int().min(1).max(1_000_000),
});
export const releaseInventoryInput = z.strictObject({
  idempotency_key: idempotencyKey,
  reservation_id: idString(),
});

export const chargePaymentInput = z.strictObject({
  idempotency_key: idempotencyKey,
  customer_id: idString(),
  amount: cents.min(1).max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'a 3-letter ISO currency code such as USD').default('USD'),
});
export const refundPaymentInput = z.strictObject({
  idempotency_key: idempotencyKey,
  payment_id: idString(),
  amount: cents.min(1).optional().describe('Integer cents; omitted = refund everything not yet refunded'),
});

export const sendNotificationInput = z.strictObject({
  idempotency_key: idempotencyKey,
  recipient: z.string().min(1).max(320),
  subject: z.string().min(1).max(300),
  body: z.string().max(STORE_LIMITS.textLength),
  channel: z.enum(NOTIFICATION_CHANNELS).default('email'),
});
export const cancelNotificationInput = z.strictObject({
  idempotency_key: idempotencyKey,
  notification_id: idString(),
});

export const addressInput = z.strictObject({
  name: z.string().max(200),
  street: z.string().max(300),
  city: z.string().max(200),
  postal_code: z.string().max(20),
  country: z.string().max(10).describe('ISO 3166-1 alpha-2 code, e.g. US, GB, DE'),
});
export const createShippingLabelInput = z.strictObject({
  idempotency_key: idempotencyKey,
  order_id: idString(),
  address: addressInput,
});
export const cancelShippingLabelInput = z.strictObject({
  idempotency_key: idempotencyKey,
  label_id: idString(),
});

export const createTicketInput = z.strictObject({
  idempotency_key: idempotencyKey,
  subject: z.string().min(1).max(300),
  body: z.string().max(STORE_LIMITS.textLength),
  priority: z.enum(TICKET_PRIORITIES),
  assignee: idString().optional().describe('Default: senior-support when escalated, else support-queue'),
  customer_id: idString().optional(),
  escalated: z.boolean().default(false),
  category: z.string().min(1).max(100).optional().describe('e.g. the route: customer_service, technical_support, sales_inquiry'),
});
export const getTicketInput = z.strictObject({
  ticket_id: idString(),
});

export const queryInput = z.strictObject({
  sql: z.string().min(1).max(10_000).describe('One SELECT (or WITH … SELECT) over the allowlisted tables and views; use ? placeholders'),
  params: z.array(z.union([z.string().max(STORE_LIMITS.textLength), z.number(), z.boolean(), z.null()])).max(100).default([]),
  max_rows: z.number().int().min(1).max(500).default(500),
  timeout_ms: z.number().int().min(1).max(600_000).optional()
    .describe('A shorter time limit for this query (the server\'s STORE_QUERY_TIMEOUT_MS is the most); waiting for a free query process counts'),
});

export const searchDocumentsInput = z.strictObject({
  query: z.string().max(1_000).describe('Plain words; any FTS syntax is treated as text'),
  limit: z.number().int().min(1).max(50).default(10),
  tag: idString().optional().describe('Only documents carrying this tag'),
});
export const getProductsInput = z.strictObject({
  skus: z.array(idString()).min(1).max(100).describe('The products to look up; unknown SKUs are listed in `missing`'),
});

export const getDocumentInput = z.strictObject({
  id: idString(),
});

export const appendEventInput = z.strictObject({
  event_id: idString().optional().describe('Deduplication id; defaults to idempotency_key. One of the two is required.'),
  idempotency_key: idString().optional(),
  aggregate_id: idString(),
  type: idString(),
  payload: jsonObject.default({}).describe(`At most ${STORE_LIMITS.jsonBytes} bytes as JSON, ${STORE_LIMITS.jsonDepth} levels deep`),
  expected_version: z.number().int().min(0).optional()
    .describe('Optimistic concurrency: the aggregate\'s version the writer last saw (0 = none yet); a stale one is rejected (VersionConflict)'),
}).refine((value) => value.event_id !== undefined || value.idempotency_key !== undefined, {
  message: 'event_id or idempotency_key is required',
  path: ['event_id'],
});
export const listEventsInput = z.strictObject({
  aggregate_id: idString().optional(),
  type: idString().optional(),
  after_seq: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1_000).default(100),
});

export const recordDeadLetterInput = z.strictObject({
  idempotency_key: idempotencyKey,
  source: idString().describe('What failed: a workflow type, activity or queue name'),
  item: boundedJson(z.unknown()).describe(`The failed item, as JSON (at most ${STORE_LIMITS.jsonBytes} bytes, ${STORE_LIMITS.jsonDepth} levels deep)`),
  error: z.string().min(1).max(STORE_LIMITS.textLength).describe('The last error message'),
  error_type: idString().optional(),
  attempts: z.number().int().min(0).optional(),
});
export const listDeadLettersInput = z.strictObject({
  status: z.enum(DEAD_LETTER_STATUSES).optional(),
  source: idString().optional(),
  limit: z.number().int().min(1).max(1_000).default(100),
  cursor: idString().optional().describe('next_cursor of the previous page; omitted = from the start'),
});
export const markDeadLetterInput = z.strictObject({
  idempotency_key: idempotencyKey,
  id: idString(),
  status: z.enum(['pending', 'redriven', 'resolved']).describe('redriven: a redrive started (counted); pending: open again (a redrive failed); resolved: final'),
  note: z.string().max(2_000).optional().describe('e.g. the workflow id of the redrive run'),
});

export const analyticsReportInput = z.strictObject({
  steps: z.number().int().min(1).max(50).default(5).describe('Sections to compute; one progress notification per section'),
  step_ms: z.number().int().min(0).max(10_000).default(100).describe('Pause per section, so progress is observable'),
});

/** Every tool's input schema by tool name. */
export const storeToolInputs = {
  get_customer: getCustomerInput,
  list_customers: listCustomersInput,
  create_user: createUserInput,
  delete_user: deleteUserInput,
  reserve_inventory: reserveInventoryInput,
  release_inventory: releaseInventoryInput,
  charge_payment: chargePaymentInput,
  refund_payment: refundPaymentInput,
  send_notification: sendNotificationInput,
  cancel_notification: cancelNotificationInput,
  create_shipping_label: createShippingLabelInput,
  cancel_shipping_label: cancelShippingLabelInput,
  create_ticket: createTicketInput,
  get_ticket: getTicketInput,
  query: queryInput,
  search_documents: searchDocumentsInput,
  get_document: getDocumentInput,
  get_products: getProductsInput,
  append_event: appendEventInput,
  list_events: listEventsInput,
  record_dead_letter: recordDeadLetterInput,
  list_dead_letters: listDeadLettersInput,
  mark_dead_letter: markDeadLetterInput,
  analytics_report: analyticsReportInput,
} as const;

export type StoreToolName = keyof typeof storeToolInputs;
/** What a caller passes (defaults optional). */
export type StoreToolArgs<T extends StoreToolName> = z.input<(typeof storeToolInputs)[T]>;
/** What the store works with (defaults applied). */
export type StoreToolParsed<T extends StoreToolName> = z.output<(typeof storeToolInputs)[T]>;

export const storeToolDescriptions: Record<StoreToolName, string> = {
  get_customer: 'Look up a customer by id. Errors: UnknownCustomer.',
  list_customers: 'List customers, optionally by tier (standard | premium).',
  create_user: 'Create a user account. Errors: UserExists (user_key taken by another request), IdempotencyKeyReused.',
  delete_user: 'Delete a user account (compensation of create_user). Nothing to delete → deleted: false.',
  reserve_inventory: 'Reserve stock of a product. Stock never goes below zero. Errors: InsufficientInventory, UnknownProduct, IdempotencyKeyReused.',
  release_inventory: 'Release a reservation (compensation of reserve_inventory). Already released or unknown → released: false.',
  charge_payment: 'Charge a customer (amount in integer cents). Errors: PaymentDeclined (over the credit limit, or a currency the account does not use), UnknownCustomer, IdempotencyKeyReused.',
  refund_payment: 'Refund a payment, fully by default (compensation of charge_payment). Already fully refunded → refunded: 0, already_refunded: true. Errors: RefundExceedsCharge, UnknownPayment.',
  send_notification: 'Send a notification (recorded, not delivered).',
  cancel_notification: 'Cancel a notification by recording a cancellation notice to the same recipient (compensation of send_notification). Unknown or already cancelled → cancelled: false.',
  create_shipping_label: 'Create a shipping label for an order. Errors: InvalidAddress (empty street/city/name, postal code not valid for the country, unknown country).',
  cancel_shipping_label: 'Cancel (void) a shipping label (compensation of create_shipping_label). Unknown or already cancelled → cancelled: false.',
  create_ticket: 'Open a support ticket. Escalated tickets go to senior-support unless an assignee is given. Errors: UnknownCustomer.',
  get_ticket: 'Read a ticket. Errors: UnknownTicket.',
  query: 'Read-only analytics: one SELECT over the allowlisted tables/views (see the metadata view), ? parameters, at most max_rows rows (truncated flag). Errors: QueryRejected, QueryTimeout, ResultTooLarge (a value, row or the whole result over the size limits).',
  search_documents: 'Full-text search over the knowledge base (BM25 ranking, best first). Errors: QueryRejected (no searchable words).',
  get_document: 'Read a document by id. Errors: UnknownDocument.',
  get_products: 'Look up products by SKU in the catalogue (price in cents, stock, in_stock). Served at once, never queued behind analytics queries.',
  append_event: 'Append an event to the event log at the aggregate\'s next version; deduplicated by event_id (or idempotency_key), a repeat answers the first append. With expected_version, a writer that did not see the latest version is rejected. Errors: IdempotencyKeyReused (same id, different event), VersionConflict (stale expected_version).',
  list_events: 'Read the event log in order, optionally for one aggregate / type, after a sequence number. A page ends early when it would pass the reply size limit: continue from last_seq while has_more.',
  record_dead_letter: 'Record an item that failed for good, for later redrive.',
  list_dead_letters: 'List dead letters, optionally by status (pending | redriven | resolved) or source, a page at a time: pass next_cursor as cursor while it is not null.',
  mark_dead_letter: 'Mark a dead letter redriven (a redrive started), pending again (it failed) or resolved. Errors: UnknownDeadLetter, InvalidTransition (resolved is final).',
  analytics_report: 'A slow sales report computed section by section; sends notifications/progress when the request has a progressToken and stops when cancelled.',
};

/** Tools that only read (annotated readOnlyHint). */
export const READ_ONLY_TOOLS: ReadonlySet<StoreToolName> = new Set<StoreToolName>([
  'get_customer', 'list_customers', 'get_ticket', 'query', 'search_documents', 'get_document', 'get_products', 'list_events',
  'list_dead_letters', 'analytics_report',
]);

// The contract's address is the one this schema accepts (a change to either fails to compile).
const addressMatchesContract: [StoreAddress, z.output<typeof addressInput>] = [{} as z.output<typeof addressInput>, {} as StoreAddress];
void addressMatchesContract;
