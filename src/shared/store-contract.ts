/**
 * The store server's contract with its callers: what each tool answers (the `structuredContent` of a successful
 * result; its text content is the same object as JSON) and the enumerations its arguments take. Shared by the server
 * (src/mcp/store/, whose zod input schemas use these enumerations) and the workflows, activities and CLI that call it,
 * so no caller imports the server's internals. The error half of the contract is ./store-errors.ts.
 */

export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export const DEAD_LETTER_STATUSES = ['pending', 'redriven', 'resolved'] as const;
export const CUSTOMER_TIERS = ['standard', 'premium'] as const;
export const NOTIFICATION_CHANNELS = ['email', 'sms', 'push', 'webhook'] as const;

/** A shipping address as `create_shipping_label` takes it. */
export interface StoreAddress {
  name: string;
  street: string;
  city: string;
  postal_code: string;
  /** ISO 3166-1 alpha-2 code, e.g. US, GB, DE. */
  country: string;
}

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
  address: StoreAddress;
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
