/**
 * Running analytics queries. Every query is first checked by the guard (single SELECT, allowlisted names only), then
 * prepared on a read-only connection (`readonly: true` + `PRAGMA query_only`) where `stmt.readonly` and `stmt.reader`
 * must both hold. For a database file that connection lives in a separate child process with a time limit: SQLite
 * offers no way to interrupt a runaway query from better-sqlite3, so a query that runs too long (or is cancelled) has
 * its process killed, and the next query starts a fresh one. An in-memory database cannot be shared with another
 * process, so there the query runs in-process on the main connection switched to query_only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { StoreFailure, type StoreErrorBody } from './errors.js';
import type { QueryResult } from './tools.js';

export type QueryParam = string | number | boolean | null;

/** SQLite result codes that mean trouble with the database, not with the query: a retry may help. */
const INFRASTRUCTURE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|NOMEM|FULL|CORRUPT|NOTADB|PROTOCOL)/;

/** Prepares and runs one query on a read-only connection; returns at most `maxRows` rows. */
export function executeReadOnly(db: Database.Database, sql: string, params: readonly QueryParam[], maxRows: number): QueryResult {
  const asFailure = (error: unknown): StoreFailure => {
    if (error instanceof StoreFailure) return error;
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (typeof code === 'string' && INFRASTRUCTURE_CODES.test(code)) return new StoreFailure('StoreError', message);
    return new StoreFailure('QueryRejected', message);
  };
  try {
    const stmt = db.prepare(sql);
    if (!stmt.readonly) throw new StoreFailure('QueryRejected', 'the statement would write to the database');
    if (!stmt.reader) throw new StoreFailure('QueryRejected', 'the statement returns no rows');
    const columns = stmt.columns().map((column) => column.name);
    const rows: Record<string, unknown>[] = [];
    let truncated = false;
    const bound = params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
    for (const row of stmt.iterate(...bound) as IterableIterator<Record<string, unknown>>) {
      if (rows.length >= maxRows) {
        truncated = true;
        break;
      }
      rows.push(Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Buffer.isBuffer(value) ? value.toString('hex') : value])));
    }
    return { columns, rows, row_count: rows.length, truncated };
  } catch (error) {
    throw asFailure(error);
  }
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

export interface RunnerReady { ready: true }
export interface RunnerRequest { id: number; sql: string; params: QueryParam[]; maxRows: number }
export type RunnerResponse = { id: number; ok: true; result: QueryResult } | { id: number; ok: false; error: StoreErrorBody };

/** Runs queries in a child process holding a read-only connection; kills it on timeout or cancellation. */
export class ChildProcessQueryRunner implements QueryRunner {
  private child: ChildProcess | undefined;
  private ready: Promise<ChildProcess> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private current: { id: number; settle: (response: RunnerResponse | Error) => void } | undefined;
  private closed = false;

  constructor(private readonly dbPath: string) {}

  run(sql: string, params: readonly QueryParam[], maxRows: number, options: QueryRunOptions): Promise<QueryResult> {
    const task = this.queue.then(() => this.runNow({ id: this.nextId++, sql, params: [...params], maxRows }, options));
    this.queue = task.catch(() => undefined);
    return task;
  }

  close(): void {
    this.closed = true;
    this.kill();
  }

  private async runNow(request: RunnerRequest, options: QueryRunOptions): Promise<QueryResult> {
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
