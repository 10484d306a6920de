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

/** Whether `ctx` can heartbeat: not outside an activity (scripts, direct calls in tests), nor in a local activity, whose
 * workflow task's timeout is what notices a dead worker. */
function beats(ctx: Context | undefined): ctx is Context {
  return ctx !== undefined && !ctx.info.isLocal;
}

/** One heartbeat with `details`, where `ctx` can heartbeat (see `beats`); nothing otherwise. */
export function beat(ctx: Context | undefined, details?: unknown): void {
  if (beats(ctx)) ctx.heartbeat(details);
}

/** Starts beating for `ctx` where it can heartbeat (see `beats`). */
export function startKeepAlive<D = unknown>(ctx: Context | undefined): KeepAlive<D> {
  const keepAlive: KeepAlive<D> = { details: undefined, stop: () => undefined };
  if (!beats(ctx)) return keepAlive;
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
  beat(ctx);
  const keepAlive = startKeepAlive(ctx);
  try {
    return await wait();
  } finally {
    keepAlive.stop();
  }
}
