/**
 * Heartbeats while an activity waits on something outside the worker (an MCP request, a language model's answer), so
 * Temporal can tell a live wait from a dead worker within the activity's short heartbeat timeout
 * (src/shared/recovery.ts) and can deliver a cancellation even when nothing else is reported. Three beats per heartbeat
 * timeout; Temporal throttles what reaches the server.
 */
import type { Context } from '@temporalio/activity';

export interface KeepAlive<D> {
  /** What the next beat reports (the latest progress); without it, how long the wait has lasted. */
  details: D | undefined;
  stop(): void;
}

/** Starts beating for `ctx` (none outside an activity — scripts, direct calls in tests — nor in a local activity, which
 * cannot heartbeat: its workflow task's timeout is what notices a dead worker). */
export function startKeepAlive<D = unknown>(ctx: Context | undefined): KeepAlive<D> {
  const keepAlive: KeepAlive<D> = { details: undefined, stop: () => undefined };
  if (!ctx || ctx.info.isLocal) return keepAlive;
  const every = ctx.info.heartbeatTimeoutMs ? Math.max(200, ctx.info.heartbeatTimeoutMs / 3) : 10_000;
  const since = Date.now();
  const timer = setInterval(() => {
    ctx.heartbeat(keepAlive.details ?? { waiting: `${Math.round((Date.now() - since) / 1000)}s` });
  }, every);
  timer.unref();
  keepAlive.stop = () => clearInterval(timer);
  return keepAlive;
}

/** Runs `wait` while beating; the first beat goes at once. */
export async function whileWaiting<T>(ctx: Context | undefined, wait: () => Promise<T>): Promise<T> {
  if (ctx && !ctx.info.isLocal) ctx.heartbeat();
  const keepAlive = startKeepAlive(ctx);
  try {
    return await wait();
  } finally {
    keepAlive.stop();
  }
}
