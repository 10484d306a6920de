/**
 * A time limit on a piece of workflow code (a step, or the whole run): past it, the work is cancelled and the limit
 * fails it with a non-retryable `Timeout` failure naming what ran out of time. A cancellation from outside stays a
 * cancellation.
 */
import { ApplicationFailure, CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import { toMs } from '../../schemas/common.js';

export async function withTimeout<T>(limit: string | number | undefined, what: string, work: () => Promise<T>): Promise<T> {
  if (limit === undefined) return work();
  let timedOut = false;
  const guarded = new CancellationScope();
  const timer = new CancellationScope();
  void timer.run(() => sleep(limit)).then(() => {
    timedOut = true;
    guarded.cancel();
  }, () => undefined);
  try {
    return await guarded.run(work);
  } catch (err) {
    if (timedOut && isCancellation(err)) {
      throw ApplicationFailure.create({ type: 'Timeout', nonRetryable: true, message: `${what} took longer than ${typeof limit === 'number' ? `${toMs(limit)} ms` : limit}` });
    }
    throw err;
  } finally {
    timer.cancel();
  }
}
