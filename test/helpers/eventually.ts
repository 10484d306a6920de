/**
 * Polls until `check` passes (returns without throwing) or the deadline passes, then rethrows its last error. For
 * what is eventually consistent — Temporal's visibility (list queries) — never for timing assertions.
 */
export async function eventually<T>(check: () => Promise<T> | T, options: { withinMs?: number; everyMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.withinMs ?? 20_000);
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 250));
    }
  }
}
