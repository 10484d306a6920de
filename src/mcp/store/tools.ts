/**
 * The store server's tools: names, descriptions, zod input schemas and result shapes. Typed activity wrappers import
 * these so a call and the server agree on the shape. Money is always an integer number of cents.
 */
import { z } from 'zod';
import { boundedJson, idString, STORE_LIMITS } from './limits.js';

const idempotencyKey = idString().describe('Same key + same arguments replays the first result; same key + different arguments fails with IdempotencyKeyReused.');
const cents = z.number().int().describe('Integer cents');
const jsonObject = boundedJson(z.record(z.string(), z.unknown()));

export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export const DEAD_LETTER_STATUSES = ['pending', 'redriven', 'resolved'] as const;
export const CUSTOMER_TIERS = ['standard', 'premium'] as const;
export const NOTIFICATION_CHANNELS = ['email', 'sms', 'push', 'webhook'] as const;

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

// ---------------------------------------------------------------------------------------------------------------
// Result shapes (structuredContent of a successful result; the text content is the same object as JSON).

/** Every writing tool's result says whether it was replayed from an earlier call with the same idempotency key. */
export interface Replayable {
  replayed: boolean;
}

export interface Customer {
  id: string;
  name: string;
  email: string;
  tier: (typeof CUSTOMER_TIERS)[number];
  credit_limit: number;
  currency: string;
  region: string;
  signup_date: string;
}
export interface CustomerResult { customer: Customer }
export interface CustomerListResult { customers: Customer[]; count: number }

export interface UserResult extends Replayable {
  user_id: string;
  user_key: string;
  name: string;
  email: string;
  created_at: string;
}
export interface DeleteUserResult extends Replayable {
  user_key: string;
  deleted: boolean;
  user_id: string | null;
}

export interface ReservationResult extends Replayable {
  reservation_id: string;
  sku: string;
  quantity: number;
  remaining_stock: number;
  status: 'reserved';
}
export interface ReleaseResult extends Replayable {
  reservation_id: string;
  released: boolean;
  reason: 'released' | 'already_released' | 'unknown_reservation';
  sku: string | null;
  quantity: number;
  stock: number | null;
}

export interface PaymentResult extends Replayable {
  payment_id: string;
  customer_id: string;
  amount: number;
  currency: string;
  status: 'charged';
  outstanding: number;
  credit_limit: number;
}
export interface RefundResult extends Replayable {
  payment_id: string;
  refund_id: string | null;
  refunded: number;
  total_refunded: number;
  remaining: number;
  currency: string;
  already_refunded: boolean;
  status: 'refunded' | 'partially_refunded';
}

export interface NotificationResult extends Replayable {
  notification_id: string;
  recipient: string;
  channel: string;
  subject: string;
  status: 'sent';
}
export interface CancelNotificationResult extends Replayable {
  notification_id: string;
  cancelled: boolean;
  reason: 'cancelled' | 'already_cancelled' | 'unknown_notification';
  cancellation_notice_id: string | null;
}

export interface ShippingLabelResult extends Replayable {
  label_id: string;
  order_id: string;
  carrier: string;
  tracking_number: string;
  status: 'created';
  address: z.output<typeof addressInput>;
}
export interface CancelShippingLabelResult extends Replayable {
  label_id: string;
  cancelled: boolean;
  reason: 'cancelled' | 'already_cancelled' | 'unknown_label';
}

export interface Ticket {
  ticket_id: string;
  subject: string;
  body: string;
  priority: (typeof TICKET_PRIORITIES)[number];
  assignee: string;
  customer_id: string | null;
  category: string | null;
  escalated: boolean;
  status: 'open';
  created_at: string;
}
export type TicketResult = Ticket & Replayable;
export interface GetTicketResult { ticket: Ticket }

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
  row_count: number;
  truncated: boolean;
}

export interface SearchHit {
  id: string;
  title: string;
  snippet: string;
  tags: string[];
  rank: number;
  /** -bm25 (title weighted 5×, tags 2×): higher is more relevant. */
  score: number;
}
export interface SearchResult { query: string; match_expression: string; results: SearchHit[]; count: number }
export interface Product {
  sku: string;
  name: string;
  category: string;
  price: number;
  stock: number;
  in_stock: boolean;
}
export interface GetProductsResult { products: Product[]; missing: string[] }
export interface Document { id: string; title: string; body: string; tags: string[]; created_at: string }
export interface GetDocumentResult { document: Document }

export interface StoredEvent {
  seq: number;
  event_id: string;
  aggregate_id: string;
  type: string;
  payload: Record<string, unknown>;
  aggregate_version: number;
  recorded_at: string;
}
export interface AppendEventResult extends StoredEvent { duplicate: boolean }
export interface ListEventsResult { events: StoredEvent[]; count: number; last_seq: number; has_more: boolean }

export interface DeadLetter {
  id: string;
  source: string;
  item: unknown;
  error: string;
  error_type: string | null;
  attempts: number | null;
  status: (typeof DEAD_LETTER_STATUSES)[number];
  redrive_count: number;
  note: string | null;
  created_at: string;
  updated_at: string;
}
export type RecordDeadLetterResult = DeadLetter & Replayable;
export interface ListDeadLettersResult {
  dead_letters: DeadLetter[];
  count: number;
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}
export interface MarkDeadLetterResult extends Replayable {
  id: string;
  status: DeadLetter['status'];
  previous_status: DeadLetter['status'];
  changed: boolean;
  redrive_count: number;
}

export interface AnalyticsReportResult {
  steps_completed: number;
  sections: { name: string; rows: Record<string, unknown>[] }[];
}
