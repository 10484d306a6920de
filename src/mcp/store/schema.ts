/**
 * The store's schema, as numbered migrations (PRAGMA user_version is the applied count). Money is integer cents.
 */

const v1 = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Readable, gap-free ids per kind (pay-000001, res-000001, ...), allocated inside the writing transaction.
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);

CREATE TABLE customers (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  email        TEXT NOT NULL UNIQUE,
  tier         TEXT NOT NULL CHECK (tier IN ('standard', 'premium')),
  credit_limit INTEGER NOT NULL CHECK (credit_limit >= 0),
  currency     TEXT NOT NULL DEFAULT 'USD',
  region       TEXT NOT NULL,
  signup_date  TEXT NOT NULL
);

CREATE TABLE products (
  sku         TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  category    TEXT NOT NULL,
  price       INTEGER NOT NULL CHECK (price >= 0),
  stock       INTEGER NOT NULL CHECK (stock >= 0),
  description TEXT NOT NULL
);

CREATE TABLE reservations (
  id          TEXT PRIMARY KEY,
  sku         TEXT NOT NULL REFERENCES products (sku),
  quantity    INTEGER NOT NULL CHECK (quantity > 0),
  status      TEXT NOT NULL CHECK (status IN ('reserved', 'released')),
  created_at  TEXT NOT NULL,
  released_at TEXT
);

CREATE TABLE payments (
  id          TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers (id),
  amount      INTEGER NOT NULL CHECK (amount > 0),
  currency    TEXT NOT NULL,
  refunded    INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
  created_at  TEXT NOT NULL
);
CREATE INDEX payments_customer ON payments (customer_id);

CREATE TABLE refunds (
  id         TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL REFERENCES payments (id),
  amount     INTEGER NOT NULL CHECK (amount > 0),
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id         TEXT PRIMARY KEY,
  user_key   TEXT NOT NULL,
  name       TEXT NOT NULL,
  email      TEXT NOT NULL,
  created_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE UNIQUE INDEX users_active_key ON users (user_key) WHERE deleted_at IS NULL;

CREATE TABLE notifications (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('message', 'cancellation')),
  recipient    TEXT NOT NULL,
  channel      TEXT NOT NULL,
  subject      TEXT NOT NULL,
  body         TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('sent', 'cancelled')),
  refers_to    TEXT REFERENCES notifications (id),
  created_at   TEXT NOT NULL,
  cancelled_at TEXT
);

CREATE TABLE shipping_labels (
  id              TEXT PRIMARY KEY,
  order_id        TEXT NOT NULL,
  carrier         TEXT NOT NULL,
  tracking_number TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  street          TEXT NOT NULL,
  city            TEXT NOT NULL,
  postal_code     TEXT NOT NULL,
  country         TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('created', 'cancelled')),
  created_at      TEXT NOT NULL,
  cancelled_at    TEXT
);

CREATE TABLE tickets (
  id          TEXT PRIMARY KEY,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  priority    TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  assignee    TEXT NOT NULL,
  customer_id TEXT REFERENCES customers (id),
  category    TEXT,
  escalated   INTEGER NOT NULL CHECK (escalated IN (0, 1)),
  status      TEXT NOT NULL DEFAULT 'open',
  created_at  TEXT NOT NULL
);

CREATE TABLE events (
  seq               INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id          TEXT NOT NULL UNIQUE,
  aggregate_id      TEXT NOT NULL,
  type              TEXT NOT NULL,
  payload           TEXT NOT NULL,
  aggregate_version INTEGER NOT NULL,
  recorded_at       TEXT NOT NULL,
  UNIQUE (aggregate_id, aggregate_version)
);

CREATE TABLE dead_letters (
  id            TEXT PRIMARY KEY,
  source        TEXT NOT NULL,
  item          TEXT NOT NULL,
  error         TEXT NOT NULL,
  error_type    TEXT,
  attempts      INTEGER,
  status        TEXT NOT NULL CHECK (status IN ('pending', 'redriven', 'resolved')),
  redrive_count INTEGER NOT NULL DEFAULT 0,
  note          TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX dead_letters_status ON dead_letters (status, id);

-- Historical sales, so analytics queries return real data.
CREATE TABLE orders (
  id          TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers (id),
  order_date  TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('completed', 'refunded', 'cancelled')),
  total       INTEGER NOT NULL CHECK (total >= 0)
);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX orders_date ON orders (order_date);

CREATE TABLE order_items (
  order_id   TEXT NOT NULL REFERENCES orders (id),
  line       INTEGER NOT NULL,
  sku        TEXT NOT NULL REFERENCES products (sku),
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
  PRIMARY KEY (order_id, line)
);

CREATE TABLE documents (
  n          INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  title      TEXT NOT NULL,
  body       TEXT NOT NULL,
  tags       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE VIRTUAL TABLE documents_fts USING fts5 (
  title, body, tags,
  content = 'documents', content_rowid = 'n',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
  INSERT INTO documents_fts (rowid, title, body, tags) VALUES (new.n, new.title, new.body, new.tags);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, title, body, tags) VALUES ('delete', old.n, old.title, old.body, old.tags);
END;
CREATE TRIGGER documents_au AFTER UPDATE ON documents BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, title, body, tags) VALUES ('delete', old.n, old.title, old.body, old.tags);
  INSERT INTO documents_fts (rowid, title, body, tags) VALUES (new.n, new.title, new.body, new.tags);
END;

-- One row per (tool, idempotency key), written in the same transaction as the effect.
CREATE TABLE idempotency_keys (
  tool       TEXT NOT NULL,
  key        TEXT NOT NULL,
  request    TEXT NOT NULL,
  result     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tool, key)
);

-- Injected faults (STORE_FAULTS), counted here so several server processes and the tests agree.
CREATE TABLE fault_log (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  tool   TEXT NOT NULL,
  kind   TEXT NOT NULL CHECK (kind IN ('fail', 'hang', 'cancelled', 'fail_after_effect', 'delay')),
  at     TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX fault_log_tool ON fault_log (tool, kind);

-- Views for analytics (the query tool's allowlist).
CREATE VIEW user_data AS
  SELECT id AS customer_id, name, email, tier, region, signup_date FROM customers;

CREATE VIEW order_history AS
  SELECT o.id AS order_id, o.customer_id, c.name AS customer_name, c.tier, c.region, o.order_date, o.status,
         (SELECT COALESCE(SUM(i.quantity), 0) FROM order_items i WHERE i.order_id = o.id) AS units,
         o.total
  FROM orders o JOIN customers c ON c.id = o.customer_id;

CREATE VIEW customer_summary AS
  SELECT c.id AS customer_id, c.name, c.tier, c.region, c.credit_limit,
         COUNT(o.id) AS order_count,
         COALESCE(SUM(o.total), 0) AS total_spent,
         CAST(COALESCE(ROUND(AVG(o.total)), 0) AS INTEGER) AS avg_order_value,
         MIN(o.order_date) AS first_order_date,
         MAX(o.order_date) AS last_order_date
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.status = 'completed'
  GROUP BY c.id;

CREATE VIEW product_catalog AS
  SELECT sku, name, category, price, stock, stock > 0 AS in_stock, description FROM products;

CREATE VIEW daily_metrics AS
  SELECT o.order_date AS date,
         COUNT(*) AS orders,
         SUM(o.total) AS revenue,
         SUM(u.units) AS units,
         COUNT(DISTINCT o.customer_id) AS customers,
         CAST(ROUND(AVG(o.total)) AS INTEGER) AS avg_order_value
  FROM orders o
  JOIN (SELECT order_id, SUM(quantity) AS units FROM order_items GROUP BY order_id) u ON u.order_id = o.id
  WHERE o.status = 'completed'
  GROUP BY o.order_date;

CREATE VIEW historical_data AS
  SELECT substr(o.order_date, 1, 7) AS month, p.category,
         COUNT(DISTINCT o.id) AS orders,
         SUM(i.quantity) AS units,
         SUM(i.quantity * i.unit_price) AS revenue
  FROM orders o
  JOIN order_items i ON i.order_id = o.id
  JOIN products p ON p.sku = i.sku
  WHERE o.status = 'completed'
  GROUP BY month, p.category;

CREATE VIEW metadata AS
  SELECT 'customers' AS dataset, 'table' AS kind, 'Customer accounts: id, name, email, tier, credit_limit (cents), currency, region, signup_date' AS description, (SELECT COUNT(*) FROM customers) AS row_count
  UNION ALL SELECT 'products', 'table', 'Products: sku, name, category, price (cents), stock, description', (SELECT COUNT(*) FROM products)
  UNION ALL SELECT 'orders', 'table', 'Historical orders: id, customer_id, order_date, status (completed|refunded|cancelled), total (cents)', (SELECT COUNT(*) FROM orders)
  UNION ALL SELECT 'order_items', 'table', 'Order lines: order_id, line, sku, quantity, unit_price (cents)', (SELECT COUNT(*) FROM order_items)
  UNION ALL SELECT 'user_data', 'view', 'Customer profiles: customer_id, name, email, tier, region, signup_date', (SELECT COUNT(*) FROM customers)
  UNION ALL SELECT 'customer_summary', 'view', 'Per customer: order_count, total_spent, avg_order_value, first/last order date (completed orders)', (SELECT COUNT(*) FROM customers)
  UNION ALL SELECT 'order_history', 'view', 'Per order: customer name, tier, region, date, status, units, total', (SELECT COUNT(*) FROM orders)
  UNION ALL SELECT 'historical_data', 'view', 'Per month and product category: orders, units, revenue (completed orders)', (SELECT COUNT(*) FROM (SELECT 1 FROM historical_data))
  UNION ALL SELECT 'product_catalog', 'view', 'Products with in_stock flag', (SELECT COUNT(*) FROM products)
  UNION ALL SELECT 'daily_metrics', 'view', 'Per day: orders, revenue, units, customers, avg_order_value (completed orders)', (SELECT COUNT(*) FROM (SELECT 1 FROM daily_metrics))
  UNION ALL SELECT 'metadata', 'view', 'This list of datasets', 11;
`;

/** Migrations in order; index + 1 is the user_version after applying it. */
export const MIGRATIONS: readonly string[] = [v1];

/** Tables and views the read-only `query` tool may touch (lower case). */
export const QUERY_ALLOWLIST: ReadonlySet<string> = new Set([
  'customers', 'products', 'orders', 'order_items',
  'user_data', 'customer_summary', 'order_history', 'historical_data', 'product_catalog', 'daily_metrics', 'metadata',
]);
