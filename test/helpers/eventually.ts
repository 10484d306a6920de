/**
 * Poll with a deadline: for effects that land a little later than the call that caused them (Temporal's visibility
 * store lags completion, a server logs a cancellation after the request is gone). Every test that waits for something
 * waits through this, so none can spin forever and each says what it was waiting for when it gives up.
 */

export interface EventuallyOptions {
  /** What is awaited, for the error when the deadline passes. */
  what?: string;
  /** Give up after this long. @default 30_000 (generous: visibility lags more on a loaded 2-core machine) */
  timeoutMs?: number;
  /** Pause between checks. @default 50 */
  intervalMs?: number;
}

/**
 * Runs `check` until it neither throws nor returns `false`, and returns what it returned. `check` may assert (the
 * last assertion error is rethrown at the deadline, so the failure says what was seen) or return a boolean.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<Exclude<T, false>> {
  const { what = 'the condition', timeoutMs = 30_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lastError: unknown;
    try {
      const value = await check();
      if (value !== false) return value as Exclude<T, false>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
