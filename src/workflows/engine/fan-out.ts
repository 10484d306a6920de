/**
 * Branches of a `parallel` or the items of a `map`, run at most `limit` at a time and joined by a rule (./joins.ts):
 * once the outcome is certain, the rest are cancelled (`onDecided: cancel`) or left to finish (`keep`). A join that
 * cannot be met fails the step with a non-retryable `JoinFailed` naming what failed.
 */
import { ApplicationFailure, CancellationScope, CancelledFailure, isCancellation } from '@temporalio/workflow';
import type { Join } from '../../engine/definition.js';
import { joinOutcome, requiredSuccesses } from '../../engine/joins.js';
import { settleBounded } from '../support/concurrency.js';
import type { Ran } from './interpreter.js';

export interface Branch {
  name: string;
  run(): Promise<Ran>;
}

export interface FanOutOptions {
  join: Join;
  onDecided: 'cancel' | 'keep';
  limit: number;
}

export interface FanOutResult {
  /** Each branch's output, by name (completed branches only). */
  outputs: Record<string, unknown>;
  failed: string[];
  cancelled: string[];
}

export async function fanOut(branches: Branch[], options: FanOutOptions): Promise<FanOutResult> {
  const n = branches.length;
  const required = requiredSuccesses(options.join, n);
  const result: FanOutResult = { outputs: {}, failed: [], cancelled: [] };
  let completed = 0;
  const scope = new CancellationScope();

  await scope.run(async () => {
    const decide = () => {
      if (options.onDecided === 'cancel' && joinOutcome(required, n, completed, result.failed.length) !== 'undecided') scope.cancel();
    };
    decide(); // a join of nothing is decided at once
    const settled = await settleBounded(branches, options.limit, async (branch) => {
      try {
        const ran = await branch.run();
        if (ran.status === 'failed') result.failed.push(branch.name);
        else {
          completed += 1;
          result.outputs[branch.name] = ran.output;
        }
      } catch (err) {
        if (!(isCancellation(err) && scope.consideredCancelled)) result.failed.push(branch.name);
        throw err;
      } finally {
        decide();
      }
    });
    settled.forEach((s, i) => {
      if (s.status === 'rejected' && isCancellation(s.reason) && scope.consideredCancelled) result.cancelled.push(branches[i].name);
    });
  });

  if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('cancelled while joining'); // the run itself
  if (completed < required) throw joinFailed(completed, n, required, result.failed, result.cancelled, [result]);
  return result;
}

/** Names listed in a `JoinFailed` message, at most; the rest are counted. */
const NAMES_LISTED = 10;

/** The non-retryable `JoinFailed` of a join not met, naming (the first few of) what failed and what was cancelled. */
export function joinFailed(completed: number, n: number, required: number, failed: string[], cancelled: string[] | number, details: unknown[]): ApplicationFailure {
  const list = (names: string[]) => names.slice(0, NAMES_LISTED).join(', ') + (names.length > NAMES_LISTED ? ` and ${names.length - NAMES_LISTED} more` : '');
  const cancelledText = typeof cancelled === 'number' ? (cancelled ? `; ${cancelled} cancelled` : '') : cancelled.length ? `; cancelled: ${list(cancelled)}` : '';
  return ApplicationFailure.create({
    type: 'JoinFailed',
    nonRetryable: true,
    message: `${completed} of ${n} completed, ${required} needed (failed: ${list(failed) || 'none'}${cancelledText})`,
    details,
  });
}
