/**
 * The circuit breakers as a tool call sees them: `guard(server, call)` lets the call through, fails it fast while the
 * server's breaker is open, or makes it the one half-open probe — and reports how it went.
 *
 * The closed path costs no round trip: each process keeps a local view of every breaker, re-read from the shared
 * board (./board.ts) at most every `refreshMs`, and writes to the board only on an infrastructure failure or when it
 * probes. A breaker another worker opened is therefore seen here within `refreshMs` (default 1 s).
 *
 * What counts: infrastructure failures only — the server could not be reached, the connection dropped, the request
 * timed out, or any other failure the activity marks retryable. Business errors (non-retryable, e.g. PaymentDeclined)
 * prove the server is answering and never count; a cancelled call says nothing about the server.
 *
 * While open, a call fails at once with a retryable `BreakerOpen` whose `nextRetryDelay` is the time until the breaker
 * may half-open, so Temporal's next attempt lands when a probe is possible: no retry storm, no attempt spent early.
 * A workflow that has a fallback lists `BreakerOpen` as non-retryable for that call and takes the fallback instead.
 * The breaker's own trouble (a locked or unwritable board) never fails a call: it is logged and the call goes ahead.
 */
import os from 'node:os';
import { ApplicationFailure } from '@temporalio/common';
import { ToolErrorType } from '../../shared/tool-retry.js';
import type { McpPool } from '../pool.js';
import { BreakerBoard, breakerDbPath, type BreakerFailure, type BreakerRow } from './board.js';
import { DEFAULT_BREAKER_SETTINGS, type BreakerSettings } from './settings.js';
import { reportBreakerState } from '../../observability/metrics.js';

export interface BreakersOptions {
  /** How often the local view of a breaker is re-read from the board. @default 1000 ms */
  refreshMs?: number;
  /** Where the breaker's own trouble is reported. Default: the worker's stderr. */
  log?: (message: string) => void;
  /** Names this process in the recorded failures and transitions. Default `<host>:<pid>`. */
  worker?: string;
}

export const DEFAULT_BREAKER_REFRESH_MS = 1_000;

export class Breakers {
  readonly worker: string;
  private readonly views = new Map<string, { breaker: BreakerRow; readAt: number }>();
  private readonly refreshMs: number;
  private readonly log: (message: string) => void;

  constructor(readonly board: BreakerBoard, private readonly settingsOf: (server: string) => BreakerSettings | undefined,
    options: BreakersOptions = {}) {
    this.refreshMs = options.refreshMs ?? DEFAULT_BREAKER_REFRESH_MS;
    this.log = options.log ?? ((message) => process.stderr.write(`orchestra: ${message}\n`));
    this.worker = options.worker ?? `${os.hostname()}:${process.pid}`;
  }

  /** Breakers for a pool's servers, with each server's `breaker` settings, on the shared board file. */
  static forPool(pool: McpPool, file = breakerDbPath(), options: BreakersOptions = {}): Breakers {
    return new Breakers(new BreakerBoard(file), (server) => pool.has(server) ? pool.servers[server].breaker ?? DEFAULT_BREAKER_SETTINGS : undefined, options);
  }

  /** Runs a call to `server` under its breaker (a server that is not configured, or has its breaker off, runs as is). */
  async guard<T>(server: string, call: () => Promise<T>): Promise<T> {
    const settings = this.settingsOf(server);
    if (!settings?.enabled) return call();
    const { probe } = this.admit(server, settings);
    let result: T;
    try {
      result = await call();
    } catch (err) {
      this.failed(server, settings, probe, err);
      throw err;
    }
    if (probe) this.safely(() => this.remember(this.board.probeSucceeded(server, settings, this.worker)));
    return result;
  }

  /** Lets the call through (closed), makes it the probe, or throws `BreakerOpen`. */
  private admit(server: string, settings: BreakerSettings): { probe: boolean } {
    const view = this.view(server, settings);
    if (!view || view.state === 'closed') return { probe: false };
    const now = Date.now();
    if (view.nextProbeAt !== null && now < view.nextProbeAt) throw breakerOpen(view, now);
    const claimed = this.safely(() => this.board.claimProbe(server, settings, this.worker, now));
    if (!claimed) return { probe: false };
    this.remember(claimed.breaker);
    if (!claimed.granted) throw breakerOpen(claimed.breaker, now);
    return { probe: claimed.breaker.state === 'half_open' };
  }

  private failed(server: string, settings: BreakerSettings, probe: boolean, err: unknown): void {
    const failure = infrastructureFailure(err);
    this.safely(() => {
      if (!probe) {
        if (failure) this.remember(this.board.recordFailure(server, settings, failure, this.worker));
      } else if (failure) {
        this.remember(this.board.probeFailed(server, settings, failure, this.worker));
      } else if (err instanceof ApplicationFailure && err.type !== ToolErrorType.BreakerOpen) {
        this.remember(this.board.probeSucceeded(server, settings, this.worker)); // a business error: the server answered
      } else {
        this.board.releaseProbe(server, this.worker); // cancelled: no verdict, let another caller probe
        this.views.delete(server);
      }
    });
  }

  /** The local view, re-read from the board when older than `refreshMs`. */
  private view(server: string, settings: BreakerSettings): BreakerRow | undefined {
    const cached = this.views.get(server);
    if (cached && Date.now() - cached.readAt < this.refreshMs) return cached.breaker;
    return this.safely(() => this.remember(this.board.read(server, settings)));
  }

  private remember(breaker: BreakerRow): BreakerRow {
    this.views.set(breaker.server, { breaker, readAt: Date.now() });
    reportBreakerState(breaker.server, breaker.state); // the orchestra_breaker_state gauge, as this worker last saw it
    return breaker;
  }

  private safely<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.log(`circuit breaker board ${this.board.file}: ${(err as Error).message} (the call goes ahead unguarded)`);
      return undefined;
    }
  }
}

/**
 * The infrastructure failure an error stands for, or undefined for a business error, a cancellation or the breaker's
 * own refusal. An `UnsafeToRetry` counts when the failure it wraps does (a timeout of a destructive call).
 */
export function infrastructureFailure(err: unknown): BreakerFailure | undefined {
  if (!(err instanceof ApplicationFailure)) return undefined;
  if (err.type === ToolErrorType.BreakerOpen) return undefined;
  if (err.type === ToolErrorType.UnsafeToRetry) return err.cause ? infrastructureFailure(err.cause) : undefined;
  if (err.nonRetryable) return undefined;
  return { type: err.type ?? 'Error', message: err.message };
}

function breakerOpen(breaker: BreakerRow, now: number): ApplicationFailure {
  const at = breaker.nextProbeAt ?? now;
  const waitMs = Math.max(100, at - now);
  const state = breaker.state === 'open' ? 'open' : 'half-open (another worker is probing)';
  return ApplicationFailure.create({
    type: ToolErrorType.BreakerOpen,
    message: `the circuit breaker of MCP server "${breaker.server}" is ${state} since ${new Date(breaker.since).toISOString()}; ` +
      `not calling it. Next probe at ${new Date(at).toISOString()} (see \`orchestra breakers\`)`,
    nextRetryDelay: waitMs,
    details: [{ server: breaker.server, state: breaker.state, since: new Date(breaker.since).toISOString(), nextProbeAt: new Date(at).toISOString() }],
  });
}
