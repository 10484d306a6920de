/**
 * Orchestra's store MCP server, spawned for real over stdio and driven with the MCP SDK client. Effects are checked by
 * reading the database file directly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Store } from '../src/mcp/store/store.js';
import { storeToolInputs } from '../src/mcp/store/tools.js';
import type {
  AppendEventResult, CustomerListResult, DeadLetter, ListEventsResult, MarkDeadLetterResult, NotificationResult,
  PaymentResult, QueryResult, RefundResult, ReleaseResult, ReservationResult, SearchResult, ShippingLabelResult,
  TicketResult, UserResult,
} from '../src/shared/store-contract.js';
import { eventually, startStoreServer, type StoreServerHandle } from './helpers/store.js';

const FAULTS = {
  charge_payment: { fail: 2 },
  reserve_inventory: { hang: true },
  send_notification: { failAfterEffect: 1 },
};

let store: StoreServerHandle;
let faulty: StoreServerHandle;

before(async () => {
  [store, faulty] = await Promise.all([
    startStoreServer({ env: { STORE_QUERY_TIMEOUT_MS: '500' } }),
    startStoreServer({ env: { STORE_FAULTS: JSON.stringify(FAULTS) } }),
  ]);
});

after(async () => {
  await Promise.all([store?.close(), faulty?.close()]);
});

const count = (server: StoreServerHandle, sql: string, ...params: unknown[]) =>
  server.readDb((db) => (db.prepare(sql).get(...params) as { n: number }).n);

void describe('store server: tools and seed', () => {
  void it('lists every tool with its input schema and no output schema', async () => {
    const { tools } = await store.client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), Object.keys(storeToolInputs).sort());
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object');
      assert.equal(tool.outputSchema, undefined, `${tool.name} must not declare an outputSchema`);
    }
    const charge = tools.find((tool) => tool.name === 'charge_payment');
    assert.deepEqual(charge?.inputSchema.required?.slice().sort(), ['amount', 'customer_id', 'idempotency_key']);
  });

  void it('seeds customers, products, orders and documents deterministically, once', async () => {
    const all = await store.ok<CustomerListResult>('list_customers');
    assert.equal(all.count, 12);
    assert.equal(all.customers[0].id, 'cust-001');
    const premium = await store.ok<CustomerListResult>('list_customers', { tier: 'premium' });
    assert.ok(premium.count >= 3 && premium.count < 12);
    assert.ok(premium.customers.every((customer) => customer.tier === 'premium'));
    const low = all.customers.filter((customer) => customer.credit_limit <= 10_000);
    assert.deepEqual(low.map((customer) => customer.id), ['cust-012']);

    const fingerprint = (db: { prepare(sql: string): { get(): unknown } }) => db.prepare(`SELECT
      (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM products) AS products,
      (SELECT COUNT(*) FROM orders) AS orders, (SELECT SUM(total) FROM orders) AS revenue,
      (SELECT COUNT(*) FROM order_items) AS items, (SELECT COUNT(*) FROM documents) AS documents,
      (SELECT group_concat(sku || ':' || stock, ',') FROM (SELECT sku, stock FROM products ORDER BY sku)) AS stock`).get();
    const served = store.readDb(fingerprint) as Record<string, unknown>;
    assert.equal(served.customers, 12);
    assert.equal(served.products, 10);
    assert.equal(served.documents, 40);
    assert.ok((served.orders as number) > 100);

    // A fresh database seeds exactly the same rows; re-opening the served file adds none.
    const fresh = new Store({ path: ':memory:' });
    const reopened = new Store({ path: store.dbPath });
    try {
      assert.deepEqual(fingerprint(fresh.db), served);
      assert.deepEqual(fingerprint(reopened.db), served);
    } finally {
      fresh.close();
      reopened.close();
    }
    assert.deepEqual(store.readDb(fingerprint), served);
  });

  void it('gets a customer, or fails with UnknownCustomer', async () => {
    const { customer } = await store.ok<{ customer: { tier: string } }>('get_customer', { customer_id: 'cust-001' });
    assert.equal(customer.tier, 'premium');
    const error = await store.error('get_customer', { customer_id: 'cust-999' });
    assert.equal(error.type, 'UnknownCustomer');
    assert.equal(error.retryable, false);
  });

  void it('leaves input validation to the SDK (an error result, no effect)', async () => {
    const result = await store.call('charge_payment', { idempotency_key: 'bad', customer_id: 'cust-001', amount: 12.5 });
    assert.equal(result.isError, true);
    assert.match(JSON.stringify(result.content), /Input validation error/);
    assert.equal(count(store, `SELECT COUNT(*) AS n FROM payments`), 0);
  });
});

void describe('store server: idempotency', () => {
  void it('applies a charge once per key and rejects the key with different arguments', async () => {
    const args = { idempotency_key: 'order-1/charge', customer_id: 'cust-003', amount: 12_345 };
    const first = await store.ok<PaymentResult>('charge_payment', args);
    const second = await store.ok<PaymentResult>('charge_payment', { ...args, currency: 'USD' }); // default made explicit: same request
    assert.equal(first.replayed, false);
    assert.equal(second.replayed, true);
    assert.equal(second.payment_id, first.payment_id);
    assert.equal(count(store, `SELECT COUNT(*) AS n FROM payments WHERE customer_id = 'cust-003'`), 1);

    const reused = await store.error('charge_payment', { ...args, amount: 99 });
    assert.equal(reused.type, 'IdempotencyKeyReused');
    assert.equal(reused.retryable, false);
    assert.equal(count(store, `SELECT COUNT(*) AS n FROM payments WHERE customer_id = 'cust-003'`), 1);
    assert.equal(count(store, `SELECT COUNT(*) AS n FROM idempotency_keys WHERE tool = 'charge_payment' AND key = ?`, args.idempotency_key), 1);
  });

  void it('records nothing for a rejected call, so the key stays usable', async () => {
    const args = { idempotency_key: 'order-2/reserve', sku: 'DOCK-005', quantity: 1_000 };
    assert.equal((await store.error('reserve_inventory', args)).type, 'InsufficientInventory');
    assert.equal(count(store, `SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = ?`, args.idempotency_key), 0);
  });
});

void describe('store server: inventory', () => {
  void it('reserves and releases, never below zero and without clamping', async () => {
    const stock = () => count(store, `SELECT stock AS n FROM products WHERE sku = 'MON-008'`);
    assert.equal(stock(), 3);
    const tooMany = await store.error('reserve_inventory', { idempotency_key: 'inv-1', sku: 'MON-008', quantity: 4 });
    assert.equal(tooMany.type, 'InsufficientInventory');
    assert.deepEqual(tooMany.details, { sku: 'MON-008', requested: 4, available: 3 });
    assert.equal(stock(), 3);

    // Ten concurrent single-unit reservations for three units: exactly three succeed.
    const attempts = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      store.call('reserve_inventory', { idempotency_key: `inv-race-${i}`, sku: 'MON-008', quantity: 1 })));
    const won = attempts.filter((result) => !result.isError);
    assert.equal(won.length, 3);
    assert.ok(attempts.filter((result) => result.isError)
      .every((result) => (result.structuredContent as { error: { type: string } }).error.type === 'InsufficientInventory'));
    assert.equal(stock(), 0);
    assert.equal(count(store, `SELECT MIN(stock) AS n FROM products`), 0);

    const reservation = won[0].structuredContent as unknown as ReservationResult;
    const released = await store.ok<ReleaseResult>('release_inventory', { idempotency_key: 'rel-1', reservation_id: reservation.reservation_id });
    assert.equal(released.released, true);
    assert.equal(released.stock, 1);
    const again = await store.ok<ReleaseResult>('release_inventory', { idempotency_key: 'rel-2', reservation_id: reservation.reservation_id });
    assert.deepEqual([again.released, again.reason, stock()], [false, 'already_released', 1]);
    const unknown = await store.ok<ReleaseResult>('release_inventory', { idempotency_key: 'rel-3', reservation_id: 'res-999999' });
    assert.deepEqual([unknown.released, unknown.reason], [false, 'unknown_reservation']);
  });

  void it('fails for unknown and out-of-stock products', async () => {
    assert.equal((await store.error('reserve_inventory', { idempotency_key: 'inv-x', sku: 'NOPE-1', quantity: 1 })).type, 'UnknownProduct');
    assert.equal((await store.error('reserve_inventory', { idempotency_key: 'inv-y', sku: 'CAM-009', quantity: 1 })).type, 'InsufficientInventory');
  });
});

void describe('store server: payments', () => {
  void it('declines charges over the credit limit and counts refunds back', async () => {
    const first = await store.ok<PaymentResult>('charge_payment', { idempotency_key: 'bluth-1', customer_id: 'cust-012', amount: 4_000 });
    assert.equal(first.outstanding, 4_000);
    const declined = await store.error('charge_payment', { idempotency_key: 'bluth-2', customer_id: 'cust-012', amount: 2_000 });
    assert.equal(declined.type, 'PaymentDeclined');
    assert.equal(declined.retryable, false);
    assert.equal(declined.details?.available, 1_000);
    const currency = await store.error('charge_payment', { idempotency_key: 'bluth-3', customer_id: 'cust-012', amount: 100, currency: 'EUR' });
    assert.equal(currency.type, 'PaymentDeclined');

    const refund = await store.ok<RefundResult>('refund_payment', { idempotency_key: 'bluth-1/refund', payment_id: first.payment_id });
    assert.deepEqual([refund.refunded, refund.remaining, refund.status], [4_000, 0, 'refunded']);
    const after = await store.ok<PaymentResult>('charge_payment', { idempotency_key: 'bluth-4', customer_id: 'cust-012', amount: 2_000 });
    assert.equal(after.outstanding, 2_000);
    assert.equal((await store.error('charge_payment', { idempotency_key: 'x', customer_id: 'cust-404', amount: 1 })).type, 'UnknownCustomer');
  });

  void it('never refunds more than was charged', async () => {
    const payment = await store.ok<PaymentResult>('charge_payment', { idempotency_key: 'acme-1', customer_id: 'cust-001', amount: 10_000 });
    const partial = await store.ok<RefundResult>('refund_payment', { idempotency_key: 'acme-1/r1', payment_id: payment.payment_id, amount: 3_000 });
    assert.deepEqual([partial.refunded, partial.remaining, partial.status], [3_000, 7_000, 'partially_refunded']);
    const tooMuch = await store.error('refund_payment', { idempotency_key: 'acme-1/r2', payment_id: payment.payment_id, amount: 7_001 });
    assert.equal(tooMuch.type, 'RefundExceedsCharge');
    const rest = await store.ok<RefundResult>('refund_payment', { idempotency_key: 'acme-1/r3', payment_id: payment.payment_id });
    assert.equal(rest.refunded, 7_000);
    const nothing = await store.ok<RefundResult>('refund_payment', { idempotency_key: 'acme-1/r4', payment_id: payment.payment_id });
    assert.deepEqual([nothing.refunded, nothing.already_refunded, nothing.refund_id], [0, true, null]);
    assert.equal(count(store, `SELECT SUM(amount) AS n FROM refunds WHERE payment_id = ?`, payment.payment_id), 10_000);
    assert.equal((await store.error('refund_payment', { idempotency_key: 'acme-1/r5', payment_id: 'pay-999999' })).type, 'UnknownPayment');
  });
});

void describe('store server: users, notifications, labels, tickets', () => {
  void it('creates and deletes users', async () => {
    const user = await store.ok<UserResult>('create_user', { idempotency_key: 'u-1', user_key: 'ada', name: 'Ada', email: 'ada@example.com' });
    const replay = await store.ok<UserResult>('create_user', { idempotency_key: 'u-1', user_key: 'ada', name: 'Ada', email: 'ada@example.com' });
    assert.deepEqual([replay.user_id, replay.replayed], [user.user_id, true]);
    assert.equal((await store.error('create_user', { idempotency_key: 'u-2', user_key: 'ada', name: 'Ada', email: 'ada@example.com' })).type, 'UserExists');
    assert.equal((await store.ok<{ deleted: boolean }>('delete_user', { idempotency_key: 'u-1/undo', user_key: 'ada' })).deleted, true);
    assert.equal((await store.ok<{ deleted: boolean }>('delete_user', { idempotency_key: 'u-1/undo-again', user_key: 'ada' })).deleted, false);
  });

  void it('cancels a notification by recording a cancellation notice', async () => {
    const sent = await store.ok<NotificationResult>('send_notification', { idempotency_key: 'n-1', recipient: 'ada@example.com', subject: 'Order confirmed', body: 'Thanks!' });
    const cancelled = await store.ok<{ cancelled: boolean; cancellation_notice_id: string }>('cancel_notification', { idempotency_key: 'n-1/undo', notification_id: sent.notification_id });
    assert.equal(cancelled.cancelled, true);
    assert.equal(count(store, `SELECT COUNT(*) AS n FROM notifications WHERE refers_to = ? AND kind = 'cancellation'`, sent.notification_id), 1);
    const again = await store.ok<{ cancelled: boolean; reason: string }>('cancel_notification', { idempotency_key: 'n-1/undo-2', notification_id: sent.notification_id });
    assert.deepEqual([again.cancelled, again.reason], [false, 'already_cancelled']);
  });

  void it('rejects obviously invalid addresses with InvalidAddress', async () => {
    const address = { name: 'Ada Lovelace', street: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };
    const cases: [Record<string, string>, string][] = [
      [{ street: '   ' }, 'address.street'],
      [{ postal_code: 'ABCDE' }, 'address.postal_code'],
      [{ country: 'GB', postal_code: '12345' }, 'address.postal_code'],
      [{ country: 'ZZ' }, 'address.country'],
      [{ country: 'USA' }, 'address.country'],
      [{ name: '' }, 'address.name'],
    ];
    for (const [change, field] of cases) {
      const error = await store.error('create_shipping_label', { idempotency_key: `lbl-${field}-${JSON.stringify(change)}`, order_id: 'o-1', address: { ...address, ...change } });
      assert.equal(error.type, 'InvalidAddress', JSON.stringify(change));
      assert.equal(error.details?.field, field);
    }
    assert.equal(count(store, `SELECT COUNT(*) AS n FROM shipping_labels`), 0);
    const label = await store.ok<ShippingLabelResult>('create_shipping_label', { idempotency_key: 'lbl-ok', order_id: 'o-1', address: { ...address, country: 'gb', postal_code: 'sw1a 1aa' } });
    assert.equal(label.address.postal_code, 'SW1A 1AA');
    assert.equal((await store.ok<{ cancelled: boolean }>('cancel_shipping_label', { idempotency_key: 'lbl-ok/undo', label_id: label.label_id })).cancelled, true);
    assert.equal((await store.ok<{ cancelled: boolean }>('cancel_shipping_label', { idempotency_key: 'lbl-ok/undo2', label_id: label.label_id })).cancelled, false);
  });

  void it('assigns escalated tickets to senior-support', async () => {
    const ticket = await store.ok<TicketResult>('create_ticket', { idempotency_key: 't-1', subject: 'Outage', body: 'Everything is down', priority: 'critical', escalated: true, customer_id: 'cust-001' });
    assert.equal(ticket.assignee, 'senior-support');
    const normal = await store.ok<TicketResult>('create_ticket', { idempotency_key: 't-2', subject: 'Question', body: 'How?', priority: 'low' });
    assert.equal(normal.assignee, 'support-queue');
    const { ticket: read } = await store.ok<{ ticket: TicketResult }>('get_ticket', { ticket_id: ticket.ticket_id });
    assert.equal(read.escalated, true);
    assert.equal((await store.error('get_ticket', { ticket_id: 'tkt-999999' })).type, 'UnknownTicket');
  });
});

void describe('store server: analytics query', () => {
  void it('answers parameterised SELECTs over the allowlisted views', async () => {
    const premium = await store.ok<QueryResult>('query', { sql: 'SELECT customer_id, name FROM user_data WHERE tier = ? ORDER BY customer_id', params: ['premium'] });
    assert.ok(premium.row_count >= 3);
    assert.deepEqual(premium.columns, ['customer_id', 'name']);
    const injected = await store.ok<QueryResult>('query', { sql: 'SELECT * FROM customers WHERE id = ?', params: ["x' OR 1=1 --"] });
    assert.equal(injected.row_count, 0);
    for (const view of ['historical_data', 'metadata', 'customer_summary', 'order_history', 'product_catalog', 'daily_metrics']) {
      const result = await store.ok<QueryResult>('query', { sql: `SELECT * FROM ${view} LIMIT 3` });
      assert.ok(result.row_count > 0, view);
    }
    const capped = await store.ok<QueryResult>('query', { sql: 'SELECT * FROM order_items', max_rows: 10 });
    assert.deepEqual([capped.row_count, capped.truncated], [10, true]);
  });

  void it('rejects everything else with QueryRejected and changes nothing', async () => {
    const attacks = [
      'DELETE FROM customers',
      'UPDATE products SET stock = 0',
      "INSERT INTO customers (id) VALUES ('x')",
      'DROP TABLE customers',
      'SELECT 1; DELETE FROM customers',
      'SELECT * FROM customers; SELECT * FROM payments',
      'SELECT * FROM payments',
      'SELECT * FROM idempotency_keys',
      'SELECT name, sql FROM sqlite_master',
      'SELECT * FROM "sqlite_schema"',
      'SELECT * FROM [fault_log]',
      'SELECT * FROM main.payments',
      'SELECT * FROM pragma_table_info(\'payments\')',
      'PRAGMA table_info(customers)',
      "ATTACH DATABASE '/tmp/evil.db' AS evil",
      'WITH x AS (SELECT 1) DELETE FROM customers',
      'WITH x AS (SELECT 1) INSERT INTO customers SELECT * FROM customers',
      'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c',
      'WITH c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c',
      "SELECT load_extension('evil')",
      'SELECT * FROM customers WHERE id IN (SELECT customer_id FROM payments)',
      'SELECT * FROM customers WHERE id = :id',
      "SELECT 'unterminated",
      'VACUUM',
      'SELEC * FROM customers',
      '',
      '   ;  ',
    ];
    for (const sql of attacks) {
      const result = await store.call('query', { sql });
      assert.equal(result.isError, true, sql);
      const error = (result.structuredContent as { error?: { type: string; retryable: boolean } } | undefined)?.error;
      if (sql.trim() === '') {
        assert.match(JSON.stringify(result.content), /Input validation error|QueryRejected/, sql); // min(1) or empty statement
        continue;
      }
      assert.equal(error?.type, 'QueryRejected', `${sql} → ${JSON.stringify(result.content)}`);
      assert.equal(error?.retryable, false);
    }
    assert.equal(count(store, 'SELECT COUNT(*) AS n FROM customers'), 12);
  });

  void it('stops a runaway query at the time limit and keeps serving', async () => {
    const error = await store.error('query', { sql: 'SELECT COUNT(*) FROM order_items a, order_items b, order_items c, order_items d, order_items e' });
    assert.equal(error.type, 'QueryTimeout');
    const after = await store.ok<QueryResult>('query', { sql: 'SELECT COUNT(*) AS n FROM orders' });
    assert.ok((after.rows[0].n as number) > 100);
  });
});

void describe('store server: documents', () => {
  void it('ranks relevant documents first', async () => {
    const saga = await store.ok<SearchResult>('search_documents', { query: 'saga compensation', limit: 5 });
    assert.equal(saga.results[0].id, 'doc-005');
    assert.ok(saga.results.every((hit, i) => hit.rank === i + 1 && (i === 0 || hit.score <= saga.results[i - 1].score)));
    assert.match(saga.results[0].snippet, /\[saga\]/i);
    const mcp = await store.ok<SearchResult>('search_documents', { query: 'How does MCP report progress?', limit: 3 });
    assert.equal(mcp.results[0].title, 'Progress notifications and cancellation in MCP');
    const tagged = await store.ok<SearchResult>('search_documents', { query: 'refund', tag: 'billing' });
    assert.ok(tagged.count > 0 && tagged.results.every((hit) => hit.tags.includes('billing')));
    const { document } = await store.ok<{ document: { title: string } }>('get_document', { id: 'doc-005' });
    assert.equal(document.title, 'The saga pattern on Temporal');
    assert.equal((await store.error('get_document', { id: 'doc-999' })).type, 'UnknownDocument');
  });

  void it('survives FTS syntax in user text', async () => {
    for (const query of ['"AND OR (', 'NEAR(', 'title:temporal*', '-retries +backoff', 'a"b"c', "'; DROP TABLE documents; --", 'ünïcödé naïve café']) {
      const result = await store.call('search_documents', { query });
      assert.notEqual(result.isError, true, `${query} → ${JSON.stringify(result.content)}`);
    }
    for (const query of ['', '(*)', '"""']) {
      assert.equal((await store.error('search_documents', { query })).type, 'QueryRejected', query);
    }
  });
});

void describe('store server: event log and dead letters', () => {
  void it('appends events once per event id, in order', async () => {
    const first = await store.ok<AppendEventResult>('append_event', { event_id: 'evt-1', aggregate_id: 'order-9', type: 'order.created', payload: { total: 10 } });
    const dup = await store.ok<AppendEventResult>('append_event', { event_id: 'evt-1', aggregate_id: 'order-9', type: 'order.created', payload: { total: 10 } });
    assert.deepEqual([dup.duplicate, dup.seq], [true, first.seq]);
    assert.equal((await store.error('append_event', { event_id: 'evt-1', aggregate_id: 'order-9', type: 'order.created', payload: { total: 11 } })).type, 'IdempotencyKeyReused');
    const second = await store.ok<AppendEventResult>('append_event', { idempotency_key: 'evt-2', aggregate_id: 'order-9', type: 'payment.completed', payload: {} });
    assert.deepEqual([second.aggregate_version, second.event_id], [2, 'evt-2']);
    const listed = await store.ok<ListEventsResult>('list_events', { aggregate_id: 'order-9' });
    assert.deepEqual(listed.events.map((event) => event.type), ['order.created', 'payment.completed']);
    const later = await store.ok<ListEventsResult>('list_events', { after_seq: first.seq, limit: 1 });
    assert.equal(later.events[0].seq, second.seq);
  });

  void it('rejects an append at a stale expected version (optimistic concurrency) and still answers a repeat of an accepted one', async () => {
    const append = (event_id: string, expected_version: number) => ({ event_id, aggregate_id: 'order-occ', type: 'order.note', payload: { n: event_id }, expected_version });
    const first = await store.ok<AppendEventResult>('append_event', append('occ-1', 0));
    assert.equal(first.aggregate_version, 1);
    const conflict = await store.error('append_event', append('occ-2', 0));
    assert.equal(conflict.type, 'VersionConflict');
    assert.equal(conflict.retryable, false);
    assert.deepEqual(conflict.details, { aggregate_id: 'order-occ', current_version: 1, expected_version: 0 });
    assert.equal((await store.ok<AppendEventResult>('append_event', append('occ-2', 1))).aggregate_version, 2);
    // A retried append (same event id) answers its first result, though the aggregate has moved on since.
    assert.deepEqual(await store.ok<AppendEventResult>('append_event', append('occ-1', 0)), { ...first, duplicate: true });
    const listed = await store.ok<ListEventsResult>('list_events', { aggregate_id: 'order-occ' });
    assert.deepEqual(listed.events.map((e) => [e.event_id, e.aggregate_version]), [['occ-1', 1], ['occ-2', 2]]);
  });

  void it('records, lists and closes dead letters', async () => {
    const letter = await store.ok<DeadLetter>('record_dead_letter', { idempotency_key: 'dlq-1', source: 'order-saga', item: { order_id: 'o-7' }, error: 'PaymentDeclined: over limit' });
    assert.equal(letter.status, 'pending');
    const pending = await store.ok<{ dead_letters: DeadLetter[] }>('list_dead_letters', { status: 'pending' });
    assert.deepEqual(pending.dead_letters.map((d) => d.id), [letter.id]);
    assert.deepEqual(pending.dead_letters[0].item, { order_id: 'o-7' });
    const redriven = await store.ok<MarkDeadLetterResult>('mark_dead_letter', { idempotency_key: 'dlq-1/redrive', id: letter.id, status: 'redriven', note: 'run order-7-retry' });
    assert.deepEqual([redriven.previous_status, redriven.redrive_count], ['pending', 1]);
    await store.ok('mark_dead_letter', { idempotency_key: 'dlq-1/resolve', id: letter.id, status: 'resolved' });
    assert.equal((await store.error('mark_dead_letter', { idempotency_key: 'dlq-1/again', id: letter.id, status: 'redriven' })).type, 'InvalidTransition');
    assert.equal((await store.error('mark_dead_letter', { idempotency_key: 'dlq-x', id: 'dlq-999999', status: 'resolved' })).type, 'UnknownDeadLetter');
  });
});

void describe('store server: progress, faults and cancellation', () => {
  void it('sends progress notifications for a slow report', async () => {
    const progress: { progress: number; total?: number }[] = [];
    const report = await store.ok<{ steps_completed: number }>('analytics_report', { steps: 4, step_ms: 10 }, {
      onprogress: (notification) => progress.push({ progress: notification.progress, total: notification.total }),
    });
    assert.equal(report.steps_completed, 4);
    // One notification per section, in order (the server spaces the last one from the result; see server.ts).
    assert.ok(progress.length >= 3, JSON.stringify(progress));
    assert.deepEqual(progress, [1, 2, 3, 4].slice(0, progress.length).map((n) => ({ progress: n, total: 4 })));
  });

  void it('stops a slow report when the request is cancelled', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const call = store.call('analytics_report', { steps: 50, step_ms: 200 }, {
      signal: controller.signal,
      onprogress: (notification) => {
        seen.push(notification.progress);
        controller.abort('enough');
      },
    });
    await assert.rejects(call);
    await eventually(() => count(store, `SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'analytics_report' AND kind = 'cancelled'`) > 0, 'the cancellation to be recorded');
    assert.deepEqual(seen, [1]);
  });

  void it('fails the first N calls with a retryable InjectedFault, then succeeds', async () => {
    const args = { idempotency_key: 'flaky-charge', customer_id: 'cust-002', amount: 500 };
    for (let i = 0; i < 2; i++) {
      const error = await faulty.error('charge_payment', args);
      assert.deepEqual([error.type, error.retryable], ['InjectedFault', true]);
    }
    assert.equal(count(faulty, `SELECT COUNT(*) AS n FROM payments`), 0);
    const paid = await faulty.ok<PaymentResult>('charge_payment', args);
    assert.equal(paid.replayed, false);
    assert.equal(count(faulty, `SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'charge_payment' AND kind = 'fail'`), 2);
  });

  void it('fails after the effect once; the retry replays the committed result', async () => {
    const args = { idempotency_key: 'welcome-mail', recipient: 'ada@example.com', subject: 'Welcome', body: 'Hi' };
    const error = await faulty.error('send_notification', args);
    assert.deepEqual([error.type, error.retryable], ['InjectedFault', true]);
    assert.equal(count(faulty, `SELECT COUNT(*) AS n FROM notifications`), 1);
    const retry = await faulty.ok<NotificationResult>('send_notification', args);
    assert.equal(retry.replayed, true);
    assert.equal(count(faulty, `SELECT COUNT(*) AS n FROM notifications`), 1);
  });

  void it('hangs until cancelled, and the cancellation reaches the server', async () => {
    const controller = new AbortController();
    const call = faulty.call('reserve_inventory', { idempotency_key: 'hang-1', sku: 'WIDGET-001', quantity: 1 }, { signal: controller.signal });
    await eventually(() => count(faulty, `SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'reserve_inventory' AND kind = 'hang'`) > 0, 'the hang to start');
    controller.abort('test cancels');
    await assert.rejects(call);
    await eventually(() => count(faulty, `SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'reserve_inventory' AND kind = 'cancelled'`) > 0, 'the cancellation to be recorded');
    assert.equal(count(faulty, `SELECT COUNT(*) AS n FROM reservations`), 0);
    assert.equal(count(faulty, `SELECT stock AS n FROM products WHERE sku = 'WIDGET-001'`), 500);
  });
});
