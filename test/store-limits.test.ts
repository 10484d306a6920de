/**
 * The store server's size, depth and concurrency limits, over real stdio: an oversized result is a typed error that
 * never takes the shared connection down, deeply nested input is bad input (not a retryable crash), list tools page
 * within the reply limit, and slow analytics queries neither hold up catalogue lookups nor keep a queued query past its
 * time limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createToolActivities } from '../src/activities/mcp.js';
import { STORE_LIMITS } from '../src/mcp/store/limits.js';
import type { GetProductsResult, ListDeadLettersResult, QueryResult } from '../src/shared/store-contract.js';
import { activityEnv, rejectsWith, storeSpec, tempDir, testPool } from './helpers/mcp.js';
import { startStoreServer, type StoreServerHandle } from './helpers/store.js';

/** `hex()` nested `levels` deep around `inner`: each level doubles the value. */
const nestedHex = (inner: string, levels: number) => `${'hex('.repeat(levels)}${inner}${')'.repeat(levels)}`;

/** A JSON object nested `depth` levels deep. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 1; i < depth; i++) value = { child: value };
  return value;
}

const errorOf = (result: CallToolResult) => (result.structuredContent as { error?: { type: string; retryable: boolean } } | undefined)?.error;
const textOf = (result: CallToolResult) => result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');

void describe('store limits: oversized results and input', () => {
  let store: StoreServerHandle;
  before(async () => {
    store = await startStoreServer({ env: { STORE_QUERY_TIMEOUT_MS: '60000' } });
  });
  after(async () => store?.close());

  void it('answers an oversized query with ResultTooLarge while every other call on the connection succeeds', async () => {
    const oversized = [
      // one value of ~25 MB (hex doubles it 17 times)
      store.call('query', { sql: `SELECT ${nestedHex("group_concat(name, ',')", 17)} AS blob FROM customers` }),
      // 500 rows of ~20 KB: no single value is large, the result is
      store.call('query', { sql: `SELECT ${nestedHex('id', 11)} AS a FROM orders`, max_rows: 500 }),
    ];
    const normal = Array.from({ length: 20 }, (_, i) => (i % 4 === 0
      ? store.call('get_customer', { customer_id: `cust-00${(i % 9) + 1}` })
      : i % 4 === 1
        ? store.call('query', { sql: 'SELECT COUNT(*) AS n FROM orders' })
        : i % 4 === 2
          ? store.call('search_documents', { query: 'saga compensation' })
          : store.call('append_event', { event_id: `limits-${i}`, aggregate_id: 'limits', type: 'tick', payload: { i } })));
    const [big, wide] = await Promise.all(oversized);
    const results = await Promise.all(normal);
    for (const result of [big, wide]) {
      assert.equal(errorOf(result)?.type, 'ResultTooLarge', textOf(result).slice(0, 300));
      assert.equal(errorOf(result)?.retryable, false);
      assert.ok(JSON.stringify(result).length < 20_000, 'the error itself is small');
    }
    assert.deepEqual(results.filter((result) => result.isError).map(textOf), []);
    // The connection (and the server) are still the same, and serve the next call.
    assert.equal((await store.ok<QueryResult>('query', { sql: 'SELECT 1 AS one' })).rows[0].one, 1);
  });

  void it('bounds ids and text in every tool\'s input, and quotes inputs only in short form', async () => {
    const huge = 'X'.repeat(4_000_000);
    for (const [tool, args] of [
      ['reserve_inventory', { idempotency_key: 'big-sku', sku: huge, quantity: 1 }],
      ['get_customer', { customer_id: huge }],
      ['query', { sql: 'SELECT * FROM customers WHERE id = ?', params: [huge] }],
      ['list_events', { aggregate_id: huge }],
    ] as const) {
      const result = await store.call(tool, args);
      assert.equal(result.isError, true, tool);
      assert.match(textOf(result), /Input validation error/, tool);
      assert.ok(JSON.stringify(result).length < 10_000, `${tool}: the error does not echo the input (${JSON.stringify(result).length} characters)`);
    }
    // Within the bounds, an error message quotes an input in short form.
    const unknown = await store.error('reserve_inventory', { idempotency_key: 'long-sku', sku: 'S'.repeat(STORE_LIMITS.idLength), quantity: 1 });
    assert.equal(unknown.type, 'UnknownProduct');
    assert.ok(unknown.message.length < 200, unknown.message);
  });

  void it('pages list_dead_letters within the reply limit, so a few large dead letters cannot poison the list', async () => {
    const item = { blob: 'd'.repeat(STORE_LIMITS.jsonBytes - 100) };
    for (let i = 0; i < 6; i++) {
      await store.ok('record_dead_letter', { idempotency_key: `big-dlq-${i}`, source: 'limits-test', item, error: 'too big to forget' });
    }
    const oversizedItem = await store.call('record_dead_letter', { idempotency_key: 'huge-dlq', source: 'limits-test', item: { blob: 'd'.repeat(STORE_LIMITS.jsonBytes + 1) }, error: 'x' });
    assert.match(textOf(oversizedItem), /Input validation error.*bytes as JSON/s);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = await store.call('list_dead_letters', { source: 'limits-test', ...(cursor ? { cursor } : {}) });
      assert.notEqual(result.isError, true, textOf(result).slice(0, 300));
      assert.ok(JSON.stringify(result.structuredContent).length <= STORE_LIMITS.replyBytes);
      const page = result.structuredContent as unknown as ListDeadLettersResult;
      seen.push(...page.dead_letters.map((letter) => letter.id));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor);
    assert.equal(seen.length, 6);
    assert.equal(new Set(seen).size, 6);
    assert.ok(pages >= 2, `${pages} page(s)`);
  });

  void it('refuses a deeply nested payload as bad input, not as a retryable StoreError, and records nothing', async () => {
    // 3,000 levels still serialise on the way in; walking them recursively on the server overflowed its stack.
    const deep = await store.call('append_event', { event_id: 'deep-1', aggregate_id: 'deep', type: 'nested', payload: nested(3_000) });
    assert.equal(deep.isError, true);
    assert.equal(errorOf(deep), undefined, 'an input validation error, not a store error');
    assert.match(textOf(deep), /Input validation error.*nests deeper than 64 levels at payload/);
    const deepItem = await store.call('record_dead_letter', { idempotency_key: 'deep-dlq', source: 'deep', item: nested(3_000), error: 'x' });
    assert.match(textOf(deepItem), /Input validation error.*nests deeper than 64 levels at item/);
    assert.equal(store.readDb((db) => (db.prepare(`SELECT COUNT(*) AS n FROM events WHERE aggregate_id = 'deep'`).get() as { n: number }).n), 0);
    // 64 levels are fine.
    assert.equal((await store.ok<{ duplicate: boolean }>('append_event', { event_id: 'deep-2', aggregate_id: 'deep', type: 'nested', payload: nested(63) })).duplicate, false);
  });

  void it('fails a deeply nested payload in the tool activity with a non-retryable error, before sending it', async () => {
    const pool = testPool([storeSpec(`${tempDir('deep')}/store.db`)]);
    try {
      const tools = createToolActivities(pool);
      const call = (payload: unknown) => activityEnv().run(tools.callTool, {
        server: 'store', tool: 'append_event', args: { event_id: 'deep-3', aggregate_id: 'deep', type: 'nested', payload },
      });
      // 5,000 levels cannot even be serialised: refused as the call's input.
      const tooDeep = await rejectsWith(call(nested(5_000)), { type: 'InvalidInput', nonRetryable: true });
      assert.match(tooDeep.message, /args: nest deeper than 100 levels/);
      // Within the call's bound but past the store's: the server's validation error, non-retryable.
      const storeRefused = await rejectsWith(call(nested(90)), { type: 'InvalidToolArguments', nonRetryable: true });
      assert.match(storeRefused.message, /nests deeper than 64 levels/);
    } finally {
      await pool.close();
    }
  });
});

void describe('store limits: analytics queries share a small pool and the time limit counts the wait', () => {
  void it('serves a catalogue lookup while slow analytics queries occupy every query process', async () => {
    const store = await startStoreServer({ env: { STORE_QUERY_TIMEOUT_MS: '120000', STORE_QUERY_PROCESSES: '2' } });
    const controller = new AbortController();
    try {
      const settled: boolean[] = [];
      const slow = Array.from({ length: 4 }, (_, i) => {
        settled[i] = false;
        return store.call('query', { sql: 'SELECT COUNT(*) FROM order_items a, order_items b, order_items c, order_items d, order_items e' },
          { signal: controller.signal, timeout: 600_000 }).finally(() => (settled[i] = true));
      });
      const lookup = await store.ok<GetProductsResult>('get_products', { skus: ['MON-008', 'NOPE-1'] });
      assert.deepEqual(lookup.products.map((product) => [product.sku, product.stock, product.in_stock]), [['MON-008', 3, true]]);
      assert.deepEqual(lookup.missing, ['NOPE-1']);
      assert.deepEqual(settled, [false, false, false, false], 'the lookup was answered while every slow query still ran or waited');
      controller.abort('test is done');
      for (const call of slow) await assert.rejects(call);
    } finally {
      await store.close();
    }
  });

  void it('times out a query that waited its whole limit behind a slow one, while the slow one still runs', async () => {
    const store = await startStoreServer({ env: { STORE_QUERY_TIMEOUT_MS: '120000', STORE_QUERY_PROCESSES: '1' } });
    const controller = new AbortController();
    try {
      let slowSettled = false;
      const slow = store.call('query', { sql: 'SELECT COUNT(*) FROM order_items a, order_items b, order_items c, order_items d, order_items e' },
        { signal: controller.signal, timeout: 600_000 }).finally(() => (slowSettled = true));
      const quick = await store.error('query', { sql: 'SELECT COUNT(*) AS n FROM customers', timeout_ms: 300 });
      assert.equal(quick.type, 'QueryTimeout', quick.message);
      assert.match(quick.message, /waited/);
      assert.equal(slowSettled, false, 'the queued query timed out while the slow one still held the only process');
      controller.abort('test is done');
      await assert.rejects(slow);
      // The pool recovers: the next query runs.
      assert.equal((await store.ok<QueryResult>('query', { sql: 'SELECT COUNT(*) AS n FROM customers' })).rows[0].n, 12);
    } finally {
      await store.close();
    }
  });
});
