/**
 * Orchestra's store: the SQL and the business rules behind the store MCP server, usable without MCP.
 * Every writing operation runs in one IMMEDIATE transaction together with its idempotency record.
 * Money is integer cents throughout.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreFailure, fail } from './errors.js';
import { quote, STORE_LIMITS, jsonBytes } from './limits.js';
import { ChildProcessQueryRunner, InProcessQueryRunner, type QueryRunner } from './query.js';
import { MIGRATIONS, QUERY_ALLOWLIST } from './schema.js';
import { seedDatabase } from './seed.js';
import { guardQuery } from './sql-guard.js';
import type {
  AnalyticsReportResult, AppendEventResult, CancelNotificationResult, CancelShippingLabelResult, Customer,
  CustomerListResult, CustomerResult, DeadLetter, DeleteUserResult, GetDocumentResult, GetProductsResult, GetTicketResult,
  ListDeadLettersResult, ListEventsResult, MarkDeadLetterResult, NotificationResult, PaymentResult, QueryResult,
  RecordDeadLetterResult, RefundResult, ReleaseResult, Replayable, Product, ReservationResult, SearchResult,
  ShippingLabelResult, StoredEvent, Ticket, TicketResult, UserResult,
} from '../../shared/store-contract.js';
import type { StoreToolName, StoreToolParsed } from './tools.js';

export interface StoreOptions {
  /** Database file, or ':memory:'. */
  path: string;
  /** Time limit for one analytics query, waiting for a free query process included (file databases only). Default 5 s. */
  queryTimeoutMs?: number;
  /** How many query processes run analytics queries side by side (file databases only). Default 2. */
  queryProcesses?: number;
  /** For tests: a fixed clock. */
  now?: () => Date;
}

export interface FaultLogRow { id: number; tool: string; kind: string; at: string; detail: string | null }

export interface ProgressSink {
  (progress: number, total: number, message: string): void | Promise<void>;
}

type Row = Record<string, unknown>;

/** JSON with object keys sorted at every level: the canonical form of a request. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort()
      .filter((key) => (value as Row)[key] !== undefined)
      .map((key) => [key, sortKeys((value as Row)[key])]));
  }
  return value;
}

/** Postal code patterns for the countries labels can be printed for. */
export const POSTAL_CODES: Readonly<Record<string, RegExp>> = {
  US: /^\d{5}(-\d{4})?$/,
  CA: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i,
  GB: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i,
  IE: /^[A-Z]\d[\dW] ?[A-Z\d]{4}$/i,
  DE: /^\d{5}$/,
  FR: /^\d{5}$/,
  IT: /^\d{5}$/,
  ES: /^\d{5}$/,
  NL: /^\d{4} ?[A-Z]{2}$/i,
  BE: /^\d{4}$/,
  CH: /^\d{4}$/,
  AT: /^\d{4}$/,
  DK: /^\d{4}$/,
  NO: /^\d{4}$/,
  SE: /^\d{3} ?\d{2}$/,
  FI: /^\d{5}$/,
  PL: /^\d{2}-\d{3}$/,
  PT: /^\d{4}-\d{3}$/,
  AU: /^\d{4}$/,
  NZ: /^\d{4}$/,
  JP: /^\d{3}-?\d{4}$/,
  IN: /^\d{6}$/,
  SG: /^\d{6}$/,
  BR: /^\d{5}-?\d{3}$/,
  MX: /^\d{5}$/,
};

const STOPWORDS = new Set(['a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'do', 'does', 'for', 'from', 'how', 'i',
  'in', 'is', 'it', 'my', 'of', 'on', 'or', 'the', 'to', 'what', 'when', 'where', 'which', 'who', 'why', 'with', 'you']);

const pad = (n: number) => String(n).padStart(6, '0');

export class Store {
  readonly db: Database.Database;
  readonly path: string;
  private readonly runner: QueryRunner;
  private readonly queryTimeoutMs: number;
  private readonly clock: () => Date;
  private readonly schemaObjects: ReadonlySet<string>;

  constructor(options: StoreOptions) {
    this.path = options.path;
    const memory = options.path === ':memory:';
    if (!memory) fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
    this.db = new Database(options.path, { timeout: 10_000 });
    this.db.pragma('busy_timeout = 10000');
    if (!memory) this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.clock = options.now ?? (() => new Date());
    this.queryTimeoutMs = options.queryTimeoutMs ?? 5_000;
    this.migrateAndSeed();
    this.schemaObjects = new Set((this.db.prepare(`SELECT lower(name) AS name FROM sqlite_master`).all() as { name: string }[])
      .map((row) => row.name));
    this.runner = memory ? new InProcessQueryRunner(this.db) : new ChildProcessQueryRunner(path.resolve(options.path), options.queryProcesses);
  }

  close(): void {
    this.runner.close();
    if (this.db.open) this.db.close();
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private migrateAndSeed(): void {
    this.db.transaction(() => {
      const version = this.db.pragma('user_version', { simple: true }) as number;
      for (let v = version; v < MIGRATIONS.length; v++) this.db.exec(MIGRATIONS[v]);
      if (version < MIGRATIONS.length) this.db.pragma(`user_version = ${MIGRATIONS.length}`);
      seedDatabase(this.db);
    }).immediate();
  }

  /** Next id of a kind, e.g. `pay-000001`; call inside a write transaction. */
  private nextId(prefix: string): string {
    const row = this.db.prepare(`INSERT INTO counters (name, value) VALUES (?, 1)
      ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`).get(prefix) as { value: number };
    return `${prefix}-${pad(row.value)}`;
  }

  /**
   * Runs `effect` once per (tool, idempotency key): inside one IMMEDIATE transaction it either replays the stored
   * result (same arguments) or fails with IdempotencyKeyReused (different arguments), or performs the effect and
   * stores its result. A failure rolls everything back, so a rejected call records nothing and may be retried.
   */
  private idempotent<R extends object>(tool: StoreToolName, args: { idempotency_key: string }, effect: () => R): R & Replayable {
    const { idempotency_key: key, ...rest } = args;
    const request = canonicalJson(rest);
    return this.db.transaction((): R & Replayable => {
      const prior = this.db.prepare(`SELECT request, result FROM idempotency_keys WHERE tool = ? AND key = ?`).get(tool, key) as
        { request: string; result: string } | undefined;
      if (prior) {
        if (prior.request !== request) {
          fail('IdempotencyKeyReused', `idempotency key ${quote(key)} was already used for ${tool} with different arguments`, {
            tool, idempotency_key: key,
          });
        }
        return { ...(JSON.parse(prior.result) as R), replayed: true };
      }
      const result = effect();
      this.db.prepare(`INSERT INTO idempotency_keys (tool, key, request, result, created_at) VALUES (?, ?, ?, ?, ?)`)
        .run(tool, key, request, JSON.stringify(result), this.now());
      return { ...result, replayed: false };
    }).immediate();
  }

  // ---------------------------------------------------------------------------------------------------- customers

  private customerRow(id: string): Customer | undefined {
    return this.db.prepare(`SELECT id, name, email, tier, credit_limit, currency, region, signup_date FROM customers WHERE id = ?`)
      .get(id) as Customer | undefined;
  }

  getCustomer(args: StoreToolParsed<'get_customer'>): CustomerResult {
    const customer = this.customerRow(args.customer_id) ?? fail('UnknownCustomer', `no customer ${quote(args.customer_id)}`, { customer_id: args.customer_id });
    return { customer };
  }

  listCustomers(args: StoreToolParsed<'list_customers'>): CustomerListResult {
    const customers = this.db.prepare(`SELECT id, name, email, tier, credit_limit, currency, region, signup_date FROM customers
      WHERE (? IS NULL OR tier = ?) ORDER BY id`).all(args.tier ?? null, args.tier ?? null) as Customer[];
    return { customers, count: customers.length };
  }

  // -------------------------------------------------------------------------------------------------------- users

  createUser(args: StoreToolParsed<'create_user'>): UserResult {
    return this.idempotent('create_user', args, () => {
      const existing = this.db.prepare(`SELECT id FROM users WHERE user_key = ? AND deleted_at IS NULL`).get(args.user_key) as { id: string } | undefined;
      if (existing) fail('UserExists', `user_key ${quote(args.user_key)} already belongs to ${existing.id}`, { user_key: args.user_key, user_id: existing.id });
      const user_id = this.nextId('user');
      const created_at = this.now();
      this.db.prepare(`INSERT INTO users (id, user_key, name, email, created_at) VALUES (?, ?, ?, ?, ?)`)
        .run(user_id, args.user_key, args.name, args.email, created_at);
      return { user_id, user_key: args.user_key, name: args.name, email: args.email, created_at };
    });
  }

  deleteUser(args: StoreToolParsed<'delete_user'>): DeleteUserResult {
    return this.idempotent('delete_user', args, () => {
      const existing = this.db.prepare(`SELECT id FROM users WHERE user_key = ? AND deleted_at IS NULL`).get(args.user_key) as { id: string } | undefined;
      if (!existing) return { user_key: args.user_key, deleted: false, user_id: null };
      this.db.prepare(`UPDATE users SET deleted_at = ? WHERE id = ?`).run(this.now(), existing.id);
      return { user_key: args.user_key, deleted: true, user_id: existing.id };
    });
  }

  // ---------------------------------------------------------------------------------------------------- inventory

  reserveInventory(args: StoreToolParsed<'reserve_inventory'>): ReservationResult {
    return this.idempotent('reserve_inventory', args, () => {
      const product = this.db.prepare(`SELECT sku, stock FROM products WHERE sku = ?`).get(args.sku) as { sku: string; stock: number } | undefined;
      if (!product) fail('UnknownProduct', `no product with sku ${quote(args.sku)}`, { sku: args.sku });
      const taken = this.db.prepare(`UPDATE products SET stock = stock - ? WHERE sku = ? AND stock >= ?`).run(args.quantity, args.sku, args.quantity);
      if (taken.changes === 0) {
        fail('InsufficientInventory', `only ${product?.stock ?? 0} of ${quote(args.sku)} in stock, ${args.quantity} requested`, {
          sku: args.sku, requested: args.quantity, available: product?.stock ?? 0,
        });
      }
      const reservation_id = this.nextId('res');
      this.db.prepare(`INSERT INTO reservations (id, sku, quantity, status, created_at) VALUES (?, ?, ?, 'reserved', ?)`)
        .run(reservation_id, args.sku, args.quantity, this.now());
      const { stock } = this.db.prepare(`SELECT stock FROM products WHERE sku = ?`).get(args.sku) as { stock: number };
      return { reservation_id, sku: args.sku, quantity: args.quantity, remaining_stock: stock, status: 'reserved' as const };
    });
  }

  releaseInventory(args: StoreToolParsed<'release_inventory'>): ReleaseResult {
    return this.idempotent('release_inventory', args, (): Omit<ReleaseResult, 'replayed'> => {
      const reservation = this.db.prepare(`SELECT sku, quantity, status FROM reservations WHERE id = ?`).get(args.reservation_id) as
        { sku: string; quantity: number; status: string } | undefined;
      if (!reservation) {
        return { reservation_id: args.reservation_id, released: false, reason: 'unknown_reservation', sku: null, quantity: 0, stock: null };
      }
      const stockOf = () => (this.db.prepare(`SELECT stock FROM products WHERE sku = ?`).get(reservation.sku) as { stock: number }).stock;
      if (reservation.status === 'released') {
        return { reservation_id: args.reservation_id, released: false, reason: 'already_released', sku: reservation.sku, quantity: reservation.quantity, stock: stockOf() };
      }
      this.db.prepare(`UPDATE products SET stock = stock + ? WHERE sku = ?`).run(reservation.quantity, reservation.sku);
      this.db.prepare(`UPDATE reservations SET status = 'released', released_at = ? WHERE id = ?`).run(this.now(), args.reservation_id);
      return { reservation_id: args.reservation_id, released: true, reason: 'released', sku: reservation.sku, quantity: reservation.quantity, stock: stockOf() };
    });
  }

  // ----------------------------------------------------------------------------------------------------- payments

  private outstanding(customerId: string): number {
    return (this.db.prepare(`SELECT COALESCE(SUM(amount - refunded), 0) AS total FROM payments WHERE customer_id = ?`)
      .get(customerId) as { total: number }).total;
  }

  chargePayment(args: StoreToolParsed<'charge_payment'>): PaymentResult {
    return this.idempotent('charge_payment', args, () => {
      const customer = this.customerRow(args.customer_id) ?? fail('UnknownCustomer', `no customer ${quote(args.customer_id)}`, { customer_id: args.customer_id });
      if (args.currency !== customer.currency) {
        fail('PaymentDeclined', `${customer.id} is billed in ${customer.currency}, not ${args.currency}`, {
          reason: 'currency', customer_id: customer.id, currency: args.currency, account_currency: customer.currency,
        });
      }
      const outstanding = this.outstanding(customer.id);
      if (outstanding + args.amount > customer.credit_limit) {
        fail('PaymentDeclined', `charge of ${args.amount} cents would exceed ${customer.id}'s credit limit of ${customer.credit_limit} cents (outstanding ${outstanding})`, {
          reason: 'credit_limit', customer_id: customer.id, requested: args.amount, outstanding,
          credit_limit: customer.credit_limit, available: Math.max(0, customer.credit_limit - outstanding),
        });
      }
      const payment_id = this.nextId('pay');
      this.db.prepare(`INSERT INTO payments (id, customer_id, amount, currency, created_at) VALUES (?, ?, ?, ?, ?)`)
        .run(payment_id, customer.id, args.amount, args.currency, this.now());
      return {
        payment_id, customer_id: customer.id, amount: args.amount, currency: args.currency, status: 'charged' as const,
        outstanding: outstanding + args.amount, credit_limit: customer.credit_limit,
      };
    });
  }

  refundPayment(args: StoreToolParsed<'refund_payment'>): RefundResult {
    return this.idempotent('refund_payment', args, (): Omit<RefundResult, 'replayed'> => {
      const payment = this.db.prepare(`SELECT id, amount, refunded, currency FROM payments WHERE id = ?`).get(args.payment_id) as
        { id: string; amount: number; refunded: number; currency: string } | undefined;
      if (!payment) return fail('UnknownPayment', `no payment ${quote(args.payment_id)}`, { payment_id: args.payment_id });
      const remaining = payment.amount - payment.refunded;
      if (remaining === 0) {
        return {
          payment_id: payment.id, refund_id: null, refunded: 0, total_refunded: payment.refunded, remaining: 0,
          currency: payment.currency, already_refunded: true, status: 'refunded',
        };
      }
      const amount = args.amount ?? remaining;
      if (amount > remaining) {
        fail('RefundExceedsCharge', `refund of ${amount} cents exceeds the ${remaining} cents still refundable on ${payment.id} (charged ${payment.amount})`, {
          payment_id: payment.id, requested: amount, refundable: remaining, charged: payment.amount,
        });
      }
      const refund_id = this.nextId('ref');
      this.db.prepare(`INSERT INTO refunds (id, payment_id, amount, created_at) VALUES (?, ?, ?, ?)`).run(refund_id, payment.id, amount, this.now());
      this.db.prepare(`UPDATE payments SET refunded = refunded + ? WHERE id = ?`).run(amount, payment.id);
      const total = payment.refunded + amount;
      return {
        payment_id: payment.id, refund_id, refunded: amount, total_refunded: total, remaining: payment.amount - total,
        currency: payment.currency, already_refunded: false, status: total === payment.amount ? 'refunded' : 'partially_refunded',
      };
    });
  }

  // ------------------------------------------------------------------------------------------------ notifications

  sendNotification(args: StoreToolParsed<'send_notification'>): NotificationResult {
    return this.idempotent('send_notification', args, () => {
      const notification_id = this.nextId('ntf');
      this.db.prepare(`INSERT INTO notifications (id, kind, recipient, channel, subject, body, status, created_at)
        VALUES (?, 'message', ?, ?, ?, ?, 'sent', ?)`).run(notification_id, args.recipient, args.channel, args.subject, args.body, this.now());
      return { notification_id, recipient: args.recipient, channel: args.channel, subject: args.subject, status: 'sent' as const };
    });
  }

  cancelNotification(args: StoreToolParsed<'cancel_notification'>): CancelNotificationResult {
    return this.idempotent('cancel_notification', args, (): Omit<CancelNotificationResult, 'replayed'> => {
      const original = this.db.prepare(`SELECT id, recipient, channel, subject, status FROM notifications WHERE id = ? AND kind = 'message'`)
        .get(args.notification_id) as { id: string; recipient: string; channel: string; subject: string; status: string } | undefined;
      if (!original) return { notification_id: args.notification_id, cancelled: false, reason: 'unknown_notification', cancellation_notice_id: null };
      if (original.status === 'cancelled') {
        const notice = this.db.prepare(`SELECT id FROM notifications WHERE refers_to = ? AND kind = 'cancellation'`).get(original.id) as { id: string } | undefined;
        return { notification_id: original.id, cancelled: false, reason: 'already_cancelled', cancellation_notice_id: notice?.id ?? null };
      }
      const noticeId = this.nextId('ntf');
      const now = this.now();
      this.db.prepare(`INSERT INTO notifications (id, kind, recipient, channel, subject, body, status, refers_to, created_at)
        VALUES (?, 'cancellation', ?, ?, ?, ?, 'sent', ?, ?)`).run(noticeId, original.recipient, original.channel,
        `Cancelled: ${original.subject}`, `Please disregard our previous message "${original.subject}" (${original.id}); it no longer applies.`,
        original.id, now);
      this.db.prepare(`UPDATE notifications SET status = 'cancelled', cancelled_at = ? WHERE id = ?`).run(now, original.id);
      return { notification_id: original.id, cancelled: true, reason: 'cancelled', cancellation_notice_id: noticeId };
    });
  }

  // --------------------------------------------------------------------------------------------- shipping labels

  /** Throws InvalidAddress naming the first field that is obviously wrong. */
  validateAddress(address: StoreToolParsed<'create_shipping_label'>['address']): void {
    const invalid = (field: string, reason: string) => fail('InvalidAddress', `${field}: ${reason}`, { field, reason });
    if (address.name.trim() === '') invalid('address.name', 'must not be empty');
    if (address.street.trim() === '') invalid('address.street', 'must not be empty');
    if (address.city.trim() === '') invalid('address.city', 'must not be empty');
    const country = address.country.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) invalid('address.country', `${quote(address.country)} is not a 2-letter country code`);
    const pattern = Object.hasOwn(POSTAL_CODES, country) ? POSTAL_CODES[country] : undefined;
    if (!pattern) return invalid('address.country', `unknown or unsupported country ${quote(address.country)}`);
    if (!pattern.test(address.postal_code.trim())) invalid('address.postal_code', `${quote(address.postal_code)} is not a valid postal code for ${country}`);
  }

  createShippingLabel(args: StoreToolParsed<'create_shipping_label'>): ShippingLabelResult {
    return this.idempotent('create_shipping_label', args, () => {
      this.validateAddress(args.address);
      const address = {
        name: args.address.name.trim(), street: args.address.street.trim(), city: args.address.city.trim(),
        postal_code: args.address.postal_code.trim().toUpperCase(), country: args.address.country.trim().toUpperCase(),
      };
      const label_id = this.nextId('lbl');
      const carrier = address.country === 'US' ? 'USPS' : address.country === 'CA' ? 'Canada Post' : 'DHL';
      const tracking_number = `TRK${label_id.slice(4)}${address.country}`;
      this.db.prepare(`INSERT INTO shipping_labels (id, order_id, carrier, tracking_number, name, street, city, postal_code, country, status, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'created', ?)`).run(label_id, args.order_id, carrier, tracking_number, address.name,
        address.street, address.city, address.postal_code, address.country, this.now());
      return { label_id, order_id: args.order_id, carrier, tracking_number, status: 'created' as const, address };
    });
  }

  cancelShippingLabel(args: StoreToolParsed<'cancel_shipping_label'>): CancelShippingLabelResult {
    return this.idempotent('cancel_shipping_label', args, (): Omit<CancelShippingLabelResult, 'replayed'> => {
      const label = this.db.prepare(`SELECT status FROM shipping_labels WHERE id = ?`).get(args.label_id) as { status: string } | undefined;
      if (!label) return { label_id: args.label_id, cancelled: false, reason: 'unknown_label' };
      if (label.status === 'cancelled') return { label_id: args.label_id, cancelled: false, reason: 'already_cancelled' };
      this.db.prepare(`UPDATE shipping_labels SET status = 'cancelled', cancelled_at = ? WHERE id = ?`).run(this.now(), args.label_id);
      return { label_id: args.label_id, cancelled: true, reason: 'cancelled' };
    });
  }

  // ------------------------------------------------------------------------------------------------------ tickets

  private ticketRow(id: string): Ticket | undefined {
    const row = this.db.prepare(`SELECT id AS ticket_id, subject, body, priority, assignee, customer_id, category, escalated, status, created_at
      FROM tickets WHERE id = ?`).get(id) as (Omit<Ticket, 'escalated'> & { escalated: number }) | undefined;
    return row ? { ...row, escalated: row.escalated === 1 } : undefined;
  }

  createTicket(args: StoreToolParsed<'create_ticket'>): TicketResult {
    return this.idempotent('create_ticket', args, () => {
      if (args.customer_id !== undefined && !this.customerRow(args.customer_id)) {
        fail('UnknownCustomer', `no customer ${quote(args.customer_id)}`, { customer_id: args.customer_id });
      }
      const ticket_id = this.nextId('tkt');
      const assignee = args.assignee ?? (args.escalated ? 'senior-support' : 'support-queue');
      this.db.prepare(`INSERT INTO tickets (id, subject, body, priority, assignee, customer_id, category, escalated, status, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)`).run(ticket_id, args.subject, args.body, args.priority, assignee,
        args.customer_id ?? null, args.category ?? null, args.escalated ? 1 : 0, this.now());
      return this.ticketRow(ticket_id) as Ticket;
    });
  }

  getTicket(args: StoreToolParsed<'get_ticket'>): GetTicketResult {
    const ticket = this.ticketRow(args.ticket_id) ?? fail('UnknownTicket', `no ticket ${quote(args.ticket_id)}`, { ticket_id: args.ticket_id });
    return { ticket };
  }

  // ---------------------------------------------------------------------------------------------------- analytics

  /**
   * Checks the query's text (the tokenizer, a second line), then runs it read-only, where what SQLite compiled for it
   * is checked against the allowlist (in a pool of killable child processes for file databases).
   */
  async query(args: StoreToolParsed<'query'>, signal?: AbortSignal): Promise<QueryResult> {
    guardQuery(args.sql, { allowlist: QUERY_ALLOWLIST, schemaObjects: this.schemaObjects });
    const timeoutMs = Math.min(args.timeout_ms ?? this.queryTimeoutMs, this.queryTimeoutMs);
    return this.runner.run(args.sql, args.params, args.max_rows, { timeoutMs, signal });
  }

  // ---------------------------------------------------------------------------------------------------- documents

  /** User text → an FTS5 expression that cannot be a syntax error: each word quoted, OR-ed, ranked by bm25. */
  static matchExpression(text: string): string {
    const words = [...new Set((text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []))];
    const meaningful = words.filter((word) => !STOPWORDS.has(word));
    const terms = (meaningful.length > 0 ? meaningful : words).slice(0, 32);
    return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' OR ');
  }

  searchDocuments(args: StoreToolParsed<'search_documents'>): SearchResult {
    const match = Store.matchExpression(args.query);
    if (match === '') fail('QueryRejected', 'the search query has no searchable words');
    const rows = this.db.prepare(`
      SELECT d.id, d.title, d.tags,
             snippet(documents_fts, -1, '[', ']', '…', 16) AS snippet,
             bm25(documents_fts, 5.0, 1.0, 2.0) AS bm25
      FROM documents_fts JOIN documents d ON d.n = documents_fts.rowid
      WHERE documents_fts MATCH ?
        AND (? IS NULL OR instr(',' || d.tags || ',', ',' || ? || ',') > 0)
      ORDER BY bm25, d.id
      LIMIT ?`).all(match, args.tag ?? null, args.tag ?? null, args.limit) as
      { id: string; title: string; tags: string; snippet: string; bm25: number }[];
    const results = rows.map((row, index) => ({
      id: row.id, title: row.title, snippet: row.snippet, tags: row.tags.split(','), rank: index + 1,
      score: Math.round(-row.bm25 * 10_000) / 10_000,
    }));
    return { query: args.query, match_expression: match, results, count: results.length };
  }

  // ----------------------------------------------------------------------------------------------------- products

  /** The catalogue lookup: indexed reads on the store's own connection, never queued behind analytics queries. */
  getProducts(args: StoreToolParsed<'get_products'>): GetProductsResult {
    const skus = [...new Set(args.skus)];
    const rows = this.db.prepare(`SELECT sku, name, category, price, stock, in_stock FROM product_catalog
      WHERE sku IN (SELECT value FROM json_each(?)) ORDER BY sku`).all(JSON.stringify(skus)) as (Omit<Product, 'in_stock'> & { in_stock: number })[];
    const found = new Set(rows.map((row) => row.sku));
    return {
      products: rows.map((row) => ({ ...row, in_stock: row.in_stock === 1 })),
      missing: skus.filter((sku) => !found.has(sku)),
    };
  }

  getDocument(args: StoreToolParsed<'get_document'>): GetDocumentResult {
    const row = this.db.prepare(`SELECT id, title, body, tags, created_at FROM documents WHERE id = ?`).get(args.id) as
      { id: string; title: string; body: string; tags: string; created_at: string } | undefined;
    if (!row) return fail('UnknownDocument', `no document ${quote(args.id)}`, { id: args.id });
    return { document: { ...row, tags: row.tags.split(',') } };
  }

  // ---------------------------------------------------------------------------------------------------- event log

  private eventFromRow(row: Row): StoredEvent {
    return {
      seq: row.seq as number, event_id: row.event_id as string, aggregate_id: row.aggregate_id as string, type: row.type as string,
      payload: JSON.parse(row.payload as string) as Record<string, unknown>, aggregate_version: row.aggregate_version as number,
      recorded_at: row.recorded_at as string,
    };
  }

  appendEvent(args: StoreToolParsed<'append_event'>): AppendEventResult {
    const eventId = args.event_id ?? args.idempotency_key ?? fail('InvalidRequest', 'event_id or idempotency_key is required');
    const content = canonicalJson({ aggregate_id: args.aggregate_id, type: args.type, payload: args.payload });
    return this.db.transaction((): AppendEventResult => {
      const existing = this.db.prepare(`SELECT * FROM events WHERE event_id = ?`).get(eventId) as Row | undefined;
      if (existing) {
        const event = this.eventFromRow(existing);
        if (canonicalJson({ aggregate_id: event.aggregate_id, type: event.type, payload: event.payload }) !== content) {
          fail('IdempotencyKeyReused', `event ${quote(eventId)} was already recorded with different content`, { event_id: eventId, seq: event.seq });
        }
        return { ...event, duplicate: true };
      }
      const { version } = this.db.prepare(`SELECT COALESCE(MAX(aggregate_version), 0) + 1 AS version FROM events WHERE aggregate_id = ?`)
        .get(args.aggregate_id) as { version: number };
      if (args.expected_version !== undefined && args.expected_version !== version - 1) {
        fail('VersionConflict', `aggregate ${quote(args.aggregate_id)} is at version ${version - 1}, not ${args.expected_version}: read it again`,
          { aggregate_id: args.aggregate_id, current_version: version - 1, expected_version: args.expected_version });
      }
      const row = this.db.prepare(`INSERT INTO events (event_id, aggregate_id, type, payload, aggregate_version, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?) RETURNING *`).get(eventId, args.aggregate_id, args.type, JSON.stringify(args.payload), version, this.now()) as Row;
      return { ...this.eventFromRow(row), duplicate: false };
    }).immediate();
  }

  listEvents(args: StoreToolParsed<'list_events'>): ListEventsResult {
    const rows = this.db.prepare(`SELECT * FROM events
      WHERE seq > ? AND (? IS NULL OR aggregate_id = ?) AND (? IS NULL OR type = ?)
      ORDER BY seq LIMIT ?`).iterate(args.after_seq, args.aggregate_id ?? null, args.aggregate_id ?? null, args.type ?? null,
      args.type ?? null, args.limit + 1) as IterableIterator<Row>;
    const { page, more } = pageWithinBudget(rows, args.limit, (row) => this.eventFromRow(row));
    return { events: page, count: page.length, last_seq: page.at(-1)?.seq ?? args.after_seq, has_more: more };
  }

  // ------------------------------------------------------------------------------------------------- dead letters

  private deadLetterRow(id: string): DeadLetter | undefined {
    const row = this.db.prepare(`SELECT * FROM dead_letters WHERE id = ?`).get(id) as Row | undefined;
    return row ? this.toDeadLetter(row) : undefined;
  }
  private toDeadLetter(row: Row): DeadLetter {
    return { ...(row as unknown as DeadLetter), item: JSON.parse(row.item as string) as unknown };
  }

  recordDeadLetter(args: StoreToolParsed<'record_dead_letter'>): RecordDeadLetterResult {
    return this.idempotent('record_dead_letter', args, () => {
      const id = this.nextId('dlq');
      const now = this.now();
      this.db.prepare(`INSERT INTO dead_letters (id, source, item, error, error_type, attempts, status, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`).run(id, args.source, JSON.stringify(args.item ?? null), args.error,
        args.error_type ?? null, args.attempts ?? null, now, now);
      return this.deadLetterRow(id) as DeadLetter;
    });
  }

  listDeadLetters(args: StoreToolParsed<'list_dead_letters'>): ListDeadLettersResult {
    const rows = this.db.prepare(`SELECT * FROM dead_letters WHERE (? IS NULL OR status = ?) AND (? IS NULL OR source = ?)
      AND (? IS NULL OR id > ?) ORDER BY id LIMIT ?`).iterate(args.status ?? null, args.status ?? null, args.source ?? null,
      args.source ?? null, args.cursor ?? null, args.cursor ?? null, args.limit + 1) as IterableIterator<Row>;
    const { page, more } = pageWithinBudget(rows, args.limit, (row) => this.toDeadLetter(row));
    return { dead_letters: page, count: page.length, next_cursor: more ? page.at(-1)!.id : null };
  }

  markDeadLetter(args: StoreToolParsed<'mark_dead_letter'>): MarkDeadLetterResult {
    return this.idempotent('mark_dead_letter', args, () => {
      const current = this.deadLetterRow(args.id) ?? fail('UnknownDeadLetter', `no dead letter ${quote(args.id)}`, { id: args.id });
      if (current.status === 'resolved' && args.status === 'redriven') {
        fail('InvalidTransition', `dead letter ${quote(args.id)} is resolved and cannot be redriven`, { id: args.id, status: current.status });
      }
      if (current.status === 'resolved') {
        return { id: args.id, status: current.status, previous_status: current.status, changed: false, redrive_count: current.redrive_count };
      }
      const redrive_count = current.redrive_count + (args.status === 'redriven' ? 1 : 0);
      this.db.prepare(`UPDATE dead_letters SET status = ?, redrive_count = ?, note = COALESCE(?, note), updated_at = ? WHERE id = ?`)
        .run(args.status, redrive_count, args.note ?? null, this.now(), args.id);
      return { id: args.id, status: args.status, previous_status: current.status, changed: true, redrive_count };
    });
  }

  // ---------------------------------------------------------------------------------------------- slow report

  static readonly REPORT_SECTIONS: readonly { name: string; sql: string }[] = [
    { name: 'revenue_by_month', sql: `SELECT month, SUM(orders) AS orders, SUM(revenue) AS revenue FROM historical_data GROUP BY month ORDER BY month` },
    { name: 'top_products', sql: `SELECT i.sku, p.name, SUM(i.quantity) AS units, SUM(i.quantity * i.unit_price) AS revenue FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.sku = i.sku WHERE o.status = 'completed' GROUP BY i.sku ORDER BY revenue DESC, i.sku LIMIT 5` },
    { name: 'revenue_by_tier', sql: `SELECT tier, COUNT(*) AS orders, SUM(total) AS revenue FROM order_history WHERE status = 'completed' GROUP BY tier ORDER BY tier` },
    { name: 'revenue_by_region', sql: `SELECT region, COUNT(*) AS orders, SUM(total) AS revenue FROM order_history WHERE status = 'completed' GROUP BY region ORDER BY revenue DESC, region` },
    { name: 'top_customers', sql: `SELECT customer_id, name, total_spent FROM customer_summary ORDER BY total_spent DESC, customer_id LIMIT 5` },
    { name: 'order_status', sql: `SELECT status, COUNT(*) AS orders, SUM(total) AS amount FROM orders GROUP BY status ORDER BY status` },
    { name: 'busiest_days', sql: `SELECT date, orders, revenue FROM daily_metrics ORDER BY revenue DESC, date LIMIT 5` },
    { name: 'low_stock', sql: `SELECT sku, name, stock FROM products WHERE stock < 30 ORDER BY stock, sku` },
  ];

  /**
   * A deliberately slow report: one section per step (cycling through REPORT_SECTIONS), a pause of `step_ms` before
   * each, progress reported after each. Stops with Cancelled as soon as `signal` aborts.
   */
  async analyticsReport(args: StoreToolParsed<'analytics_report'>, options: { signal?: AbortSignal; onProgress?: ProgressSink } = {}): Promise<AnalyticsReportResult> {
    const sections: AnalyticsReportResult['sections'] = [];
    for (let step = 0; step < args.steps; step++) {
      await abortableSleep(args.step_ms, options.signal);
      const section = Store.REPORT_SECTIONS[step % Store.REPORT_SECTIONS.length];
      sections.push({ name: section.name, rows: this.db.prepare(section.sql).all() as Row[] });
      await options.onProgress?.(step + 1, args.steps, `computed ${section.name}`);
    }
    return { steps_completed: sections.length, sections };
  }

  // ------------------------------------------------------------------------------------------------------- faults

  /** Records one occurrence of a fault if fewer than `limit` were recorded for this tool and kind; says whether it did. */
  claimFault(tool: string, kind: 'fail' | 'hang' | 'fail_after_effect' | 'delay', limit: number, detail?: string): boolean {
    return this.db.transaction(() => {
      const { count } = this.db.prepare(`SELECT COUNT(*) AS count FROM fault_log WHERE tool = ? AND kind = ?`).get(tool, kind) as { count: number };
      if (count >= limit) return false;
      this.logFault(tool, kind, detail);
      return true;
    }).immediate();
  }

  logFault(tool: string, kind: 'fail' | 'hang' | 'cancelled' | 'fail_after_effect' | 'delay', detail?: string): void {
    if (!this.db.open) return;
    this.db.prepare(`INSERT INTO fault_log (tool, kind, at, detail) VALUES (?, ?, ?, ?)`).run(tool, kind, this.now(), detail ?? null);
  }

  faultLog(tool?: string): FaultLogRow[] {
    return this.db.prepare(`SELECT * FROM fault_log WHERE (? IS NULL OR tool = ?) ORDER BY id`).all(tool ?? null, tool ?? null) as FaultLogRow[];
  }
}

/** Resolves after `ms`, or rejects with Cancelled when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new StoreFailure('Cancelled', 'cancelled'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new StoreFailure('Cancelled', 'cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Up to `limit` items from `rows` (which yields one more than the limit when there are more), ending the page early
 * when the next item would take the page past the reply size limit. A single item over the limit on its own is
 * answered with ResultTooLarge: no page could carry it.
 */
function pageWithinBudget<T>(rows: IterableIterator<Row>, limit: number, toItem: (row: Row) => T): { page: T[]; more: boolean } {
  const page: T[] = [];
  let bytes = 0;
  const budget = STORE_LIMITS.replyBytes - 1_000; // room for the envelope (count, cursor)
  for (const row of rows) {
    if (page.length === limit) {
      rows.return?.();
      return { page, more: true };
    }
    const item = toItem(row);
    const size = jsonBytes(item) + 1;
    if (bytes + size > budget) {
      rows.return?.();
      if (page.length === 0) fail('ResultTooLarge', `one item is ${size} bytes as JSON, over the reply limit of ${budget}`, { bytes: size, limit: budget });
      return { page, more: true };
    }
    page.push(item);
    bytes += size;
  }
  return { page, more: false };
}
