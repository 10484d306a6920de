/**
 * Running analytics queries. Every query is prepared on a read-only connection (`readonly: true` + `PRAGMA
 * query_only`) where `stmt.readonly` and `stmt.reader` must both hold, and what SQLite compiled for it is checked
 * against the allowlist (compiled-guard.ts) before it runs; its result is bounded by STORE_LIMITS while it is read.
 * For a database file those connections live in a small pool of child processes with a time limit that counts the wait
 * for a free process: SQLite offers no way to interrupt a runaway query from better-sqlite3, so a query that runs too
 * long (or is cancelled) has its process killed, and the next query there starts a fresh one. An in-memory database
 * cannot be shared with another process, so there the query runs in-process on the main connection switched to
 * query_only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { allowedRootPages, checkCompiledQuery } from './compiled-guard.js';
import { StoreFailure, type StoreErrorBody } from './errors.js';
import { jsonBytes, quote, STORE_LIMITS } from './limits.js';
import { QUERY_ALLOWLIST } from './schema.js';
import type { QueryResult } from '../../shared/store-contract.js';

export type QueryParam = string | number | boolean | null;

/** SQLite result codes that mean trouble with the database, not with the query: a retry may help. */
const INFRASTRUCTURE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|NOMEM|FULL|CORRUPT|NOTADB|PROTOCOL)/;

/**
 * Prepares one query on a read-only connection, checks what SQLite compiled for it against the allowlist (see
 * compiled-guard.ts), and runs it; returns at most `maxRows` rows. A value, a row or the whole result over
 * STORE_LIMITS is a ResultTooLarge failure (checked while reading, so an oversized result is never built).
 */
export function executeReadOnly(db: Database.Database, sql: string, params: readonly QueryParam[], maxRows: number): QueryResult {
  const asFailure = (error: unknown): StoreFailure => {
    if (error instanceof StoreFailure) return error;
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (typeof code === 'string' && INFRASTRUCTURE_CODES.test(code)) return new StoreFailure('StoreError', message);
    if (error instanceof RangeError) return new StoreFailure('ResultTooLarge', `the result is too large to send: ${message}`);
    return new StoreFailure('QueryRejected', message);
  };
  try {
    const bound = params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
    const stmt = db.prepare(sql);
    if (!stmt.readonly) throw new StoreFailure('QueryRejected', 'the statement would write to the database');
    if (!stmt.reader) throw new StoreFailure('QueryRejected', 'the statement returns no rows');
    // Root pages are read each time (a few dozen rows): another process sharing the file may have changed the schema.
    checkCompiledQuery(db, sql, bound, allowedRootPages(db, QUERY_ALLOWLIST));
    const columns = stmt.columns().map((column) => column.name);
    const rows: Record<string, unknown>[] = [];
    let truncated = false;
    let total = Buffer.byteLength(JSON.stringify(columns)) + 100;
    for (const row of stmt.iterate(...bound) as IterableIterator<Record<string, unknown>>) {
      if (rows.length >= maxRows) {
        truncated = true;
        break;
      }
      const out: Record<string, unknown> = {};
      let rowBytes = 0;
      for (const [column, raw] of Object.entries(row)) {
        const value = Buffer.isBuffer(raw) ? raw.toString('hex') : raw;
        const bytes = typeof value === 'string' && value.length > STORE_LIMITS.valueBytes ? value.length : jsonBytes(value) + column.length + 4;
        if (bytes > STORE_LIMITS.valueBytes) {
          tooLarge(`row ${rows.length + 1}, column ${quote(column)}: a value of ${bytes} bytes; at most ${STORE_LIMITS.valueBytes}`, { row: rows.length + 1, column: column.slice(0, 64), bytes, limit: STORE_LIMITS.valueBytes });
        }
        rowBytes += bytes;
        out[column] = value;
      }
      if (rowBytes > STORE_LIMITS.rowBytes) {
        tooLarge(`row ${rows.length + 1} is ${rowBytes} bytes; at most ${STORE_LIMITS.rowBytes}`, { row: rows.length + 1, bytes: rowBytes, limit: STORE_LIMITS.rowBytes });
      }
      total += rowBytes;
      if (total > STORE_LIMITS.replyBytes) {
        tooLarge(`the first ${rows.length + 1} rows are already ${total} bytes; a result may have at most ${STORE_LIMITS.replyBytes}. ` +
          'Select fewer columns or lower max_rows.', { rows: rows.length + 1, bytes: total, limit: STORE_LIMITS.replyBytes });
      }
      rows.push(out);
    }
    return { columns, rows, row_count: rows.length, truncated };
  } catch (error) {
    throw asFailure(error);
  }
}

function tooLarge(message: string, details: Record<string, unknown>): never {
  throw new StoreFailure('ResultTooLarge', message, details);
}

export interface QueryRunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface QueryRunner {
  run(sql: string, params: readonly QueryParam[], maxRows: number, options: QueryRunOptions): Promise<QueryResult>;
  close(): void;
}

/** For `:memory:` databases: runs on the main connection with PRAGMA query_only switched on for the duration. */
export class InProcessQueryRunner implements QueryRunner {
  constructor(private readonly db: Database.Database) {}

  async run(sql: string, params: readonly QueryParam[], maxRows: number, options: QueryRunOptions): Promise<QueryResult> {
    if (options.signal?.aborted) throw new StoreFailure('Cancelled', 'query cancelled');
    this.db.pragma('query_only = ON');
    try {
      return executeReadOnly(this.db, sql, params, maxRows);
    } finally {
      this.db.pragma('query_only = OFF');
    }
  }

  close(): void {}
}

/** How long a new query process may take to start (load tsx, open the database). */
const STARTUP_LIMIT_MS = 60_000;

/** How many query processes a file database gets by default (STORE_QUERY_PROCESSES). */
export const DEFAULT_QUERY_PROCESSES = 2;

export interface RunnerReady { ready: true }
export interface RunnerRequest { id: number; sql: string; params: QueryParam[]; maxRows: number }
export type RunnerResponse = { id: number; ok: true; result: QueryResult } | { id: number; ok: false; error: StoreErrorBody };

/**
 * Runs queries on a small pool of child processes, each holding a read-only connection. The time limit counts from
 * when the query arrived: waiting for a free process uses it up too (a query that waits its whole limit fails with
 * QueryTimeout without running), and the rest is the run's limit, past which its process is killed. Starting a
 * process (tsx, opening the file) is not counted.
 */
export class ChildProcessQueryRunner implements QueryRunner {
  private readonly idle: QueryProcess[];
  private readonly all: QueryProcess[];
  private readonly waiting: { take: (worker: QueryProcess) => void; giveUp: (failure: StoreFailure) => void }[] = [];
  private nextId = 1;
  private closed = false;

  constructor(dbPath: string, processes: number = DEFAULT_QUERY_PROCESSES) {
    this.all = Array.from({ length: processes }, () => new QueryProcess(dbPath));
    this.idle = [...this.all];
  }

  async run(sql: string, params: readonly QueryParam[], maxRows: number, options: QueryRunOptions): Promise<QueryResult> {
    const deadline = Date.now() + options.timeoutMs;
    const worker = await this.acquire(deadline, options);
    try {
      const request = { id: this.nextId++, sql, params: [...params], maxRows };
      return await worker.run(request, { timeoutMs: deadline - Date.now(), signal: options.signal });
    } finally {
      this.release(worker);
    }
  }

  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiting]) waiter.giveUp(new StoreFailure('StoreError', 'the store is shutting down'));
    for (const worker of this.all) worker.close();
  }

  /** A free process, or a wait for one that ends at the deadline (QueryTimeout) or on cancellation. */
  private acquire(deadline: number, options: QueryRunOptions): Promise<QueryProcess> {
    if (this.closed) return Promise.reject(new StoreFailure('StoreError', 'the store is shutting down'));
    const free = this.idle.pop();
    if (free) return Promise.resolve(free);
    return new Promise<QueryProcess>((resolve, reject) => {
      const giveUp = (failure: StoreFailure) => {
        stop();
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(failure);
      };
      const waiter = {
        take: (worker: QueryProcess) => {
          stop();
          resolve(worker);
        },
        giveUp,
      };
      const onAbort = () => giveUp(new StoreFailure('Cancelled', 'query cancelled while waiting for a query process'));
      const timer = setTimeout(() => giveUp(new StoreFailure('QueryTimeout',
        `query waited its whole ${options.timeoutMs} ms time limit for a free query process (all were busy) and did not run`)), deadline - Date.now());
      const stop = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(worker: QueryProcess): void {
    const next = this.waiting.shift();
    if (next) next.take(worker);
    else this.idle.push(worker);
  }
}

/** Runs one query at a time in a child process holding a read-only connection; kills it on timeout or cancellation. */
class QueryProcess {
  private child: ChildProcess | undefined;
  private ready: Promise<ChildProcess> | undefined;
  private current: { id: number; settle: (response: RunnerResponse | Error) => void } | undefined;
  private closed = false;

  constructor(private readonly dbPath: string) {}

  close(): void {
    this.closed = true;
    this.kill();
  }

  async run(request: RunnerRequest, options: QueryRunOptions): Promise<QueryResult> {
    if (this.closed) throw new StoreFailure('StoreError', 'the store is shutting down');
    // The time limit counts from a ready process: starting one (tsx, opening the file) is not the query's time.
    const child = await this.readyChild();
    if (options.signal?.aborted) throw new StoreFailure('Cancelled', 'query cancelled');
    return new Promise<QueryResult>((resolve, reject) => {
      const onAbort = () => {
        this.kill();
        settle(new StoreFailure('Cancelled', 'query cancelled'));
      };
      const settle = (outcome: RunnerResponse | Error) => {
        if (this.current?.id !== request.id) return;
        this.current = undefined;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (outcome instanceof Error) reject(outcome);
        else if (outcome.ok) resolve(outcome.result);
        else reject(new StoreFailure(outcome.error.type, outcome.error.message, outcome.error.details));
      };
      this.current = { id: request.id, settle };
      const timer = setTimeout(() => {
        this.kill();
        settle(new StoreFailure('QueryTimeout', `query ran longer than ${options.timeoutMs} ms and was stopped`));
      }, options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.send(request, (error) => {
        if (error) settle(new StoreFailure('StoreError', `query process unavailable: ${error.message}`));
      });
    });
  }

  /** The running query process, started (and waited for) if there is none. */
  private readyChild(): Promise<ChildProcess> {
    const alive = this.child && this.child.exitCode === null && this.child.signalCode === null && this.child.connected;
    if (alive && this.ready) return this.ready;
    const here = fileURLToPath(import.meta.url);
    const entry = path.join(path.dirname(here), `query-runner${path.extname(here)}`);
    const child = fork(entry, [this.dbPath], { stdio: ['ignore', 2, 2, 'ipc'] });
    this.child = child;
    this.ready = new Promise<ChildProcess>((resolve, reject) => {
      const startup = setTimeout(() => {
        this.kill();
        reject(new StoreFailure('StoreError', 'query process did not start in time'));
      }, STARTUP_LIMIT_MS);
      child.on('message', (message: RunnerResponse | RunnerReady) => {
        if ('ready' in message) {
          clearTimeout(startup);
          resolve(child);
        } else if (this.current?.id === message.id) {
          this.current.settle(message);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(startup);
        reject(new StoreFailure('StoreError', `query process exited (${signal ?? code})`));
        if (this.child !== child) return; // killed on purpose; its request is already settled
        this.child = undefined;
        this.ready = undefined;
        this.current?.settle(new StoreFailure('StoreError', `query process exited (${signal ?? code})`));
      });
      child.on('error', (error) => {
        clearTimeout(startup);
        reject(new StoreFailure('StoreError', `query process failed: ${error.message}`));
        if (this.child !== child) return;
        this.kill();
        this.current?.settle(new StoreFailure('StoreError', `query process failed: ${error.message}`));
      });
    });
    return this.ready;
  }

  private kill(): void {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
