/**
 * Bounded concurrency for workflow code: a counting semaphore and `settleBounded`, the workflow's
 * `Promise.allSettled` with at most N tasks running at once (the seeds' `asyncio.Semaphore` + `gather`).
 *
 * Deterministic: plain promises, no timers, waiters served first come first served, so a replay takes the same
 * permits in the same order. Cancellation-aware: a task still waiting for a permit when its cancellation scope is
 * cancelled never starts; it rejects with the scope's `CancelledFailure` (running tasks see the cancellation through
 * their own activities or child workflows).
 */
import { CancellationScope, patched } from '@temporalio/workflow';

export class Semaphore {
  private available: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError(`a semaphore needs at least 1 permit, got ${permits}`);
    this.available = permits;
  }

  /** Waits for a permit; rejects with the CancelledFailure if the current scope is cancelled first. */
  acquire(): Promise<void> {
    const scope = CancellationScope.current();
    if (scope.consideredCancelled) return scope.cancelRequested;
    if (this.available > 0 && this.waiting.length === 0) {
      this.available -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => resolve();
      this.waiting.push(grant);
      if (scope.cancellable) {
        void scope.cancelRequested.catch((err: unknown) => {
          const index = this.waiting.indexOf(grant);
          if (index < 0) return; // already granted: the task sees the cancellation itself
          this.waiting.splice(index, 1);
          reject(err);
        });
      }
    });
  }

  /** Returns a permit: the longest waiter gets it, or it goes back to the pool. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available += 1;
  }

  /** Runs `task` holding a permit, released however the task ends. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Tasks holding a permit now. */
  get inUse(): number {
    return this.permits - this.available;
  }

  /** Tasks waiting for a permit now. */
  get queued(): number {
    return this.waiting.length;
  }
}

/** Runs since this patch settle in lanes (see settleBounded); earlier ones replay the semaphore they began with. */
export const SETTLE_IN_LANES_PATCH = 'settle-bounded-in-lanes';

/**
 * Runs `task` for every item, at most `limit` at a time, in item order, and settles them all like
 * `Promise.allSettled`: one failing or slow task never stops the others. A `rejected` entry is the task's error, or the
 * CancelledFailure of a task that was still waiting for its turn when the scope was cancelled (it never ran).
 *
 * `limit` lanes each take the next item when their task ends, so only the running tasks hold promises. Runs begun before
 * SETTLE_IN_LANES_PATCH queued one waiting call per item at once: the SDK records a stack trace for every pending
 * promise in a workflow (its `__stack_trace` query), and at the 10,000-branch fan-out's peak the workflow thread's heap
 * was ~80 MiB larger that way (bench/FINDINGS.md, point 2).
 */
export function settleBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
  const lanes = Math.max(1, Math.min(limit, items.length));
  if (patched(SETTLE_IN_LANES_PATCH)) return settleInLanes(items, lanes, task);
  const semaphore = new Semaphore(lanes);
  return Promise.allSettled(items.map((item, index) => semaphore.run(() => task(item, index))));
}

async function settleInLanes<T, R>(
  items: readonly T[],
  lanes: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
  const scope = CancellationScope.current();
  const settled: Array<PromiseSettledResult<R>> = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      if (scope.consideredCancelled) {
        // Not started: settles with the scope's CancelledFailure, as a task still waiting for a permit did.
        settled[index] = { status: 'rejected', reason: await scope.cancelRequested.then(() => undefined, (err: unknown) => err) };
        continue;
      }
      try {
        settled[index] = { status: 'fulfilled', value: await task(items[index], index) };
      } catch (reason) {
        settled[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return settled;
}
