/**
 * Workflow code's `async` wrappers, with one promise instead of two.
 *
 * The SDK's sandbox records a stack trace (each frame mapped through the bundle's source map) for every promise that
 * workflow code creates: an `async` function costs two (its own and its `await`'s), where `.then` costs one. The
 * wrappers on a tool call's path (a saga step, `store`, `callTool`) made that a visible share of the workflow thread's
 * CPU (bench/FINDINGS.md). `.then` also resumes its caller in the same microtask turn as `async`/`await` did, so
 * steps that settle in one workflow activation still resume in the same order: what they schedule next, and so the
 * commands a replay expects, stay the same. Keep that when changing these helpers: dropping a wrapper outright, or
 * returning a promise from a handler, moves its callers one or two turns and needs a patch.
 */

/**
 * What `async () => { try { return onFulfilled(await start()); } catch (err) { return onRejected(err); } }` does, in
 * the same microtask turns, with one promise: `start` runs now (a synchronous throw goes to `onRejected`, as in the
 * `try`), and the caller resumes one turn after `start`'s promise settles. Without `onRejected`, errors pass through.
 * The handlers return plain values or throw (a returned promise would cost turns that `async` does not).
 */
export function awaitThen<T, R>(start: () => Promise<T>, onFulfilled: (value: T) => R, onRejected?: (err: unknown) => R): Promise<R> {
  let started: Promise<T>;
  try {
    started = start();
  } catch (err) {
    if (!onRejected) return Promise.reject(err);
    try {
      return Promise.resolve(onRejected(err));
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }
  return started.then(onFulfilled, onRejected);
}

/**
 * The same settlement as `settled`, `turns` microtask turns later (a `then` each): for a replaced chain of `async`
 * wrappers whose caller must still resume in the turn it did (the run's span, src/observability/workflow-interceptors.ts).
 */
export function laterBy<T>(settled: Promise<T>, turns: number): Promise<T> {
  let later = settled;
  for (let turn = 0; turn < turns; turn++) later = later.then(passOn);
  return later;
}

const passOn = <T>(value: T): T => value;
