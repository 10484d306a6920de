/**
 * The `query` tool's allowlist against a corpus of bypass attempts: every quoting style SQLite accepts for a name,
 * schema prefixes, subqueries, joins, table-valued functions, CTEs that shadow or call themselves, and functions
 * outside the allowlist. Each must be refused, both through the real server (tokenizer + compiled check) and by the
 * compiled check alone (the tokenizer is only a second line); the queries the demos and workflows use keep working.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StoreFailure } from '../src/mcp/store/errors.js';
import { executeReadOnly } from '../src/mcp/store/query.js';
import { Store } from '../src/mcp/store/store.js';
import type { QueryResult } from '../src/shared/store-contract.js';
import { startStoreServer, type StoreServerHandle } from './helpers/store.js';

/** Names of things outside the allowlist, in every spelling SQLite takes for a table name. */
const spellings = (name: string) => [name, `'${name}'`, `"${name}"`, `\`${name}\``, `[${name}]`, `main.${name}`, `main.'${name}'`,
  `"main"."${name}"`, `[main].[${name}]`];

const BYPASSES: string[] = [
  ...['idempotency_keys', 'payments', 'fault_log', 'dead_letters', 'documents_fts_data', 'sqlite_schema', 'sqlite_master']
    .flatMap((name) => spellings(name).map((spelled) => `SELECT * FROM ${spelled}`)),
  'SELECT * FROM temp.sqlite_master',
  "SELECT * FROM 'sqlite_temp_master'",
  // subqueries and joins
  "SELECT * FROM customers WHERE id IN (SELECT customer_id FROM 'payments')",
  "SELECT (SELECT key FROM 'idempotency_keys' LIMIT 1) AS k",
  "SELECT * FROM (SELECT * FROM 'payments')",
  "SELECT c.id, p.amount FROM customers c JOIN 'payments' p ON p.customer_id = c.id",
  "SELECT * FROM customers, 'fault_log'",
  "SELECT * FROM customers c LEFT JOIN `refunds` r ON 1",
  "SELECT id FROM customers UNION SELECT key FROM 'idempotency_keys'",
  "SELECT * FROM customers WHERE EXISTS (SELECT 1 FROM 'users')",
  // table-valued functions and virtual tables
  "SELECT name FROM 'pragma_table_info'('payments')",
  "SELECT name FROM \"pragma_table_info\"('payments')",
  "SELECT * FROM [pragma_database_list]",
  "SELECT * FROM 'pragma_function_list'",
  "SELECT * FROM 'dbstat'",
  'SELECT * FROM "dbstat"',
  "SELECT * FROM [json_each]('[1,2]')",
  "SELECT * FROM 'json_tree'('{\"a\":1}')",
  "SELECT * FROM customers WHERE id IN (SELECT value FROM 'json_each'('[\"cust-001\"]'))",
  "SELECT * FROM 'documents_fts' WHERE 'documents_fts' MATCH 'saga'",
  "SELECT * FROM 'documents_fts_vocab'",
  // CTEs that shadow an allowed name or call themselves, whatever they are called
  "WITH customers AS (SELECT * FROM 'payments') SELECT * FROM customers",
  "WITH 'c'(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c",
  "WITH c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM 'c') SELECT count(*) FROM c",
  'WITH "c"(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM "c") SELECT count(*) FROM c',
  'WITH [c](n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM [c]) SELECT count(*) FROM c',
  'WITH `c`(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM `c`) SELECT count(*) FROM `c`',
  "WITH a AS (SELECT 1), 'c'(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c",
  "SELECT * FROM (WITH 'c'(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c)",
  "SELECT * FROM customers WHERE id IN (WITH 'c'(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c)",
  // functions outside the allowlist
  'SELECT randomblob(1000000)',
  'SELECT [randomblob](10)',
  'SELECT "zeroblob"(1000000)',
  'SELECT sqlite_version()',
  'SELECT sqlite_compileoption_get(0)',
  "SELECT load_extension('/tmp/evil')",
  'SELECT id, randomblob(8) FROM customers',
];

/** Queries the demos, workflows and README use, plus the kinds of SQL an analyst writes: they must keep working. */
const LEGITIMATE: { sql: string; params?: unknown[] }[] = [
  { sql: 'SELECT customer_id, name FROM user_data WHERE tier = ? ORDER BY customer_id', params: ['premium'] },
  { sql: 'SELECT sku, price FROM product_catalog WHERE sku IN (?, ?)', params: ['MON-008', 'CAM-009'] },
  { sql: 'SELECT sku, name, category, price, in_stock FROM product_catalog ORDER BY category, price' },
  { sql: 'SELECT month, SUM(orders) AS orders, SUM(revenue) AS revenue FROM historical_data GROUP BY month ORDER BY month' },
  { sql: 'SELECT tier, COUNT(*) AS customers FROM customer_summary GROUP BY tier ORDER BY tier' },
  { sql: 'SELECT customer_id, name, tier, region FROM user_data ORDER BY customer_id LIMIT 5' },
  { sql: 'SELECT month, category, orders, revenue FROM historical_data ORDER BY month DESC, revenue DESC LIMIT 6' },
  { sql: 'SELECT dataset, kind, row_count FROM metadata' },
  { sql: 'SELECT * FROM user_data LIMIT 5' },
  ...Store.REPORT_SECTIONS.map(({ sql }) => ({ sql })),
  { sql: "SELECT * FROM 'customers' WHERE \"tier\" = 'premium'" },
  { sql: 'SELECT * FROM main.orders o JOIN [order_items] i ON i.order_id = o.id LIMIT 3' },
  { sql: 'WITH big AS (SELECT customer_id, SUM(total) AS spent FROM orders GROUP BY customer_id) SELECT * FROM big ORDER BY spent DESC LIMIT 3' },
  { sql: 'SELECT id, total, SUM(total) OVER (PARTITION BY customer_id ORDER BY order_date) AS running, row_number() OVER (ORDER BY total DESC) AS n FROM orders LIMIT 5' },
  { sql: "SELECT strftime('%Y-%m', order_date) AS month, round(avg(total)) AS avg, json_group_array(id) AS ids FROM orders GROUP BY month LIMIT 2" },
  { sql: "SELECT upper(name), length(email), coalesce(NULL, tier), iif(credit_limit > 100000, 'high', 'low'), printf('%.2f', credit_limit / 100.0) FROM customers" },
  { sql: 'SELECT * FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE total > ?)', params: [10_000] },
];

void describe('query allowlist: enforced on what SQLite compiled', () => {
  let server: StoreServerHandle;
  before(async () => {
    server = await startStoreServer({ env: { STORE_QUERY_TIMEOUT_MS: '3000' } });
  });
  after(async () => server?.close());

  void it('refuses every bypass attempt through the server with a non-retryable QueryRejected', async () => {
    const let_through: string[] = [];
    for (const sql of BYPASSES) {
      const result = await server.call('query', { sql });
      const error = (result.structuredContent as { error?: { type: string; retryable: boolean } } | undefined)?.error;
      if (!result.isError || error?.type !== 'QueryRejected' || error.retryable) let_through.push(`${sql} → ${JSON.stringify(result.content).slice(0, 160)}`);
    }
    assert.deepEqual(let_through, []);
  });

  void it('answers the queries the demos and workflows use', async () => {
    for (const { sql, params } of LEGITIMATE) {
      const result = await server.call('query', { sql, ...(params ? { params } : {}) });
      assert.notEqual(result.isError, true, `${sql} → ${JSON.stringify(result.content)}`);
      assert.ok((result.structuredContent as unknown as QueryResult).row_count > 0, sql);
    }
  });

  void it('refuses every bypass by the compiled check alone, before anything runs (no tokenizer)', () => {
    const store = new Store({ path: ':memory:' });
    try {
      store.db.pragma('query_only = ON');
      for (const sql of BYPASSES) {
        // Recursive CTEs get a LIMIT here: were one let through, the in-process run must still end.
        const bounded = /UNION ALL SELECT n \+ 1/.test(sql) ? sql.replace(/\) SELECT/, ' LIMIT 3) SELECT') : sql;
        assert.throws(() => executeReadOnly(store.db, bounded, [], 10), (error: unknown) => {
          assert.ok(error instanceof StoreFailure, `${bounded}: ${String(error)}`);
          assert.equal(error.type, 'QueryRejected', `${bounded}: ${error.message}`);
          return true;
        }, bounded);
      }
      for (const { sql, params } of LEGITIMATE) {
        assert.ok(executeReadOnly(store.db, sql, (params ?? []) as never[], 10).row_count > 0, sql);
      }
    } finally {
      store.close();
    }
  });
});
