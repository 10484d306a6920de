/**
 * The durable, shared half of the circuit breakers: one SQLite file that every worker process of a host opens
 * (`ORCHESTRA_BREAKER_DB`, default `<ORCHESTRA_HOME>/breakers.db`, WAL mode). It holds each server's state, the
 * infrastructure failures that count towards opening it, and every state change (when, why, which failures).
 *
 * Why here and not elsewhere:
 * - not in one process's memory: a breaker must be shared by every run and every worker, or five workers each
 *   tolerate five failures and a restarted worker forgets that a server is down;
 * - not behind Orchestra's store MCP server, although that is where the rest of the durable data lives: the store is
 *   itself a guarded server, and its breaker must keep working (and record that it opened) precisely while the store
 *   cannot be reached;
 * - not in a Temporal workflow: every call would pay a round trip to read it, and every failure a signal.
 * A local file answers in microseconds without a network round trip; workers on other hosts share it only when they
 * share ORCHESTRA_HOME (a local disk; SQLite must not sit on a network file system), otherwise each host keeps its own.
 *
 * Written by hand because no breaker library keeps its state outside the process: opossum (and the others) count
 * failures in a per-process rolling window and let each process send its own half-open probe. Every transition here is
 * one `BEGIN IMMEDIATE` transaction, so two workers cannot both open, probe or close the same breaker.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { orchestraHome } from '../../runtime/paths.js';
import type { BreakerSettings } from './settings.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

/** One server's breaker as stored. Times are epoch milliseconds. */
export interface BreakerRow {
  server: string;
  state: BreakerState;
  /** When it entered this state. */
  since: number;
  /** Open: when a probe may go. Half-open: when the running probe's lease ends. */
  nextProbeAt: number | null;
  probeOwner: string | null;
  /** Failures before this time no longer count (set when it closes). */
  countFrom: number;
  failureThreshold: number;
  windowMs: number;
}

export interface BreakerFailure {
  type: string;
  message: string;
}

export interface BreakerTransition {
  seq: number;
  server: string;
  from: BreakerState;
  to: BreakerState;
  at: string;
  reason: string;
  /** The failures that led to it (for an opening: those in the window). */
  failures: Array<BreakerFailure & { at: string; worker: string }>;
  worker: string;
}

/** What `orchestra breakers` shows per server. */
export interface BreakerStatus {
  server: string;
  state: BreakerState;
  since: string;
  /** Failures that count now (within the window, since it last closed). */
  recentFailures: number;
  failureThreshold: number;
  nextProbeAt: string | null;
  lastTransition: BreakerTransition | null;
}

export const BREAKER_DB_ENV = 'ORCHESTRA_BREAKER_DB';

export function breakerDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env[BREAKER_DB_ENV] || path.join(orchestraHome(), 'breakers.db'));
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS breakers (
  server            TEXT PRIMARY KEY,
  state             TEXT NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
  since             INTEGER NOT NULL,
  next_probe_at     INTEGER,
  probe_owner       TEXT,
  count_from        INTEGER NOT NULL DEFAULT 0,
  failure_threshold INTEGER NOT NULL,
  window_ms         INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS breaker_failures (
  id      INTEGER PRIMARY KEY,
  server  TEXT NOT NULL,
  at      INTEGER NOT NULL,
  type    TEXT NOT NULL,
  message TEXT NOT NULL,
  worker  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS breaker_failures_server_at ON breaker_failures (server, at);
CREATE TABLE IF NOT EXISTS breaker_transitions (
  seq        INTEGER PRIMARY KEY,
  server     TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  at         INTEGER NOT NULL,
  reason     TEXT NOT NULL,
  failures   TEXT NOT NULL,
  worker     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS breaker_transitions_server ON breaker_transitions (server, seq);
`;

/** Failures older than this are deleted when new ones are written (the window is far shorter). */
const FAILURE_RETENTION_MS = 24 * 3_600_000;
const MESSAGE_LENGTH = 500;

type Row = Record<string, unknown>;

export class BreakerBoard {
  readonly db: Database.Database;

  constructor(readonly file: string = breakerDbPath(), options: { readonly?: boolean } = {}) {
    if (!options.readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file, { readonly: options.readonly === true, fileMustExist: options.readonly === true });
    if (!options.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.exec(SCHEMA);
    }
    this.db.pragma('busy_timeout = 5000');
  }

  close(): void {
    this.db.close();
  }

  /** The server's breaker; a server never seen is closed. */
  read(server: string, settings: BreakerSettings): BreakerRow {
    const row = this.db.prepare('SELECT * FROM breakers WHERE server = ?').get(server) as Row | undefined;
    return row ? toBreaker(row) : {
      server, state: 'closed', since: 0, nextProbeAt: null, probeOwner: null, countFrom: 0,
      failureThreshold: settings.failureThreshold, windowMs: settings.windowMs,
    };
  }

  /** Records an infrastructure failure of a call made while closed; opens the breaker when the threshold is reached. */
  recordFailure(server: string, settings: BreakerSettings, failure: BreakerFailure, worker: string, now = Date.now()): BreakerRow {
    return this.db.transaction(() => {
      this.insertFailure(server, failure, worker, now);
      // A first failure makes the server visible in `orchestra breakers` (closed, 1 failure) before it ever opens.
      this.db.prepare(`INSERT OR IGNORE INTO breakers (server, state, since, count_from, failure_threshold, window_ms)
        VALUES (?, 'closed', ?, 0, ?, ?)`).run(server, now, settings.failureThreshold, settings.windowMs);
      const current = this.read(server, settings);
      if (current.state !== 'closed') return current;
      const counted = this.failuresSince(server, Math.max(current.countFrom, now - settings.windowMs));
      if (counted.length < settings.failureThreshold) return current;
      return this.change(current, settings, 'open', now, worker,
        `${counted.length} infrastructure failures within ${settings.windowMs / 1000} s (threshold ${settings.failureThreshold})`, counted,
        { nextProbeAt: now + settings.cooldownMs });
    }).immediate();
  }

  /**
   * An open breaker whose cool-down has passed (or a half-open one whose probe lease expired) lets exactly one caller
   * probe: the first to ask gets `true`, and the breaker is half-open until that probe reports.
   */
  claimProbe(server: string, settings: BreakerSettings, worker: string, now = Date.now()): { granted: boolean; breaker: BreakerRow } {
    return this.db.transaction(() => {
      const current = this.read(server, settings);
      if (current.state === 'closed') return { granted: true, breaker: current };
      if (current.nextProbeAt !== null && now < current.nextProbeAt) return { granted: false, breaker: current };
      const reason = current.state === 'open'
        ? 'cool-down over: one probe call let through'
        : `the probe by ${current.probeOwner ?? 'another worker'} did not report within ${settings.probeTimeoutMs / 1000} s: probing again`;
      const breaker = this.change(current, settings, 'half_open', now, worker, reason, [],
        { nextProbeAt: now + settings.probeTimeoutMs, probeOwner: worker });
      return { granted: true, breaker };
    }).immediate();
  }

  /** The probe reached the server: closed again, failures so far no longer count. */
  probeSucceeded(server: string, settings: BreakerSettings, worker: string, now = Date.now()): BreakerRow {
    return this.db.transaction(() => {
      const current = this.read(server, settings);
      if (current.state !== 'half_open' || current.probeOwner !== worker) return current;
      return this.change(current, settings, 'closed', now, worker, 'probe call succeeded', [], { countFrom: now });
    }).immediate();
  }

  /** The probe failed: open again for another cool-down. */
  probeFailed(server: string, settings: BreakerSettings, failure: BreakerFailure, worker: string, now = Date.now()): BreakerRow {
    return this.db.transaction(() => {
      this.insertFailure(server, failure, worker, now);
      const current = this.read(server, settings);
      if (current.state !== 'half_open' || current.probeOwner !== worker) return current;
      return this.change(current, settings, 'open', now, worker, `probe call failed (${failure.type})`,
        [{ ...failure, at: now, worker }], { nextProbeAt: now + settings.cooldownMs });
    }).immediate();
  }

  /** The probe ended without a verdict (cancelled): another caller may probe at once. */
  releaseProbe(server: string, worker: string, now = Date.now()): void {
    this.db.prepare(`UPDATE breakers SET next_probe_at = ? WHERE server = ? AND state = 'half_open' AND probe_owner = ?`)
      .run(now, server, worker);
  }

  /** Every breaker ever used, with its recent failures and last transition. */
  list(now = Date.now()): BreakerStatus[] {
    const rows = (this.db.prepare('SELECT * FROM breakers ORDER BY server').all() as Row[]).map(toBreaker);
    return rows.map((b) => {
      const recentFailures = (this.db.prepare('SELECT COUNT(*) AS n FROM breaker_failures WHERE server = ? AND at >= ?')
        .get(b.server, Math.max(b.countFrom, now - b.windowMs)) as { n: number }).n;
      return {
        server: b.server,
        state: b.state,
        since: new Date(b.since).toISOString(),
        recentFailures,
        failureThreshold: b.failureThreshold,
        nextProbeAt: b.state === 'closed' || b.nextProbeAt === null ? null : new Date(b.nextProbeAt).toISOString(),
        lastTransition: this.transitions(b.server, 1)[0] ?? null,
      };
    });
  }

  /** State changes, newest first. */
  transitions(server?: string, limit = 50): BreakerTransition[] {
    const rows = this.db.prepare(`SELECT * FROM breaker_transitions WHERE (? IS NULL OR server = ?) ORDER BY seq DESC LIMIT ?`)
      .all(server ?? null, server ?? null, limit) as Row[];
    return rows.map((row) => ({
      seq: row.seq as number,
      server: row.server as string,
      from: row.from_state as BreakerState,
      to: row.to_state as BreakerState,
      at: new Date(row.at as number).toISOString(),
      reason: row.reason as string,
      failures: JSON.parse(row.failures as string) as BreakerTransition['failures'],
      worker: row.worker as string,
    }));
  }

  private insertFailure(server: string, failure: BreakerFailure, worker: string, now: number): void {
    this.db.prepare('INSERT INTO breaker_failures (server, at, type, message, worker) VALUES (?, ?, ?, ?, ?)')
      .run(server, now, failure.type, failure.message.slice(0, MESSAGE_LENGTH), worker);
    this.db.prepare('DELETE FROM breaker_failures WHERE server = ? AND at < ?').run(server, now - FAILURE_RETENTION_MS);
  }

  private failuresSince(server: string, from: number): Array<BreakerFailure & { at: number; worker: string }> {
    return this.db.prepare('SELECT at, type, message, worker FROM breaker_failures WHERE server = ? AND at >= ? ORDER BY at')
      .all(server, from) as Array<BreakerFailure & { at: number; worker: string }>;
  }

  private change(current: BreakerRow, settings: BreakerSettings, to: BreakerState, now: number, worker: string, reason: string,
    failures: Array<BreakerFailure & { at: number; worker: string }>,
    fields: { nextProbeAt?: number; probeOwner?: string; countFrom?: number }): BreakerRow {
    const next: BreakerRow = {
      ...current,
      state: to,
      since: now,
      nextProbeAt: fields.nextProbeAt ?? null,
      probeOwner: fields.probeOwner ?? null,
      countFrom: fields.countFrom ?? current.countFrom,
      failureThreshold: settings.failureThreshold,
      windowMs: settings.windowMs,
    };
    this.db.prepare(`INSERT INTO breakers (server, state, since, next_probe_at, probe_owner, count_from, failure_threshold, window_ms)
      VALUES (@server, @state, @since, @nextProbeAt, @probeOwner, @countFrom, @failureThreshold, @windowMs)
      ON CONFLICT (server) DO UPDATE SET state = @state, since = @since, next_probe_at = @nextProbeAt, probe_owner = @probeOwner,
        count_from = @countFrom, failure_threshold = @failureThreshold, window_ms = @windowMs`).run(next);
    this.db.prepare(`INSERT INTO breaker_transitions (server, from_state, to_state, at, reason, failures, worker) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(current.server, current.state, to, now, reason,
        JSON.stringify(failures.map((f) => ({ type: f.type, message: f.message, at: new Date(f.at).toISOString(), worker: f.worker }))), worker);
    return next;
  }
}

function toBreaker(row: Row): BreakerRow {
  return {
    server: row.server as string,
    state: row.state as BreakerState,
    since: row.since as number,
    nextProbeAt: (row.next_probe_at as number | null) ?? null,
    probeOwner: (row.probe_owner as string | null) ?? null,
    countFrom: row.count_from as number,
    failureThreshold: row.failure_threshold as number,
    windowMs: row.window_ms as number,
  };
}
