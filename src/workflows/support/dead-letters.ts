/**
 * Recording a unit of work a workflow gives up on, durably, in the store's dead-letter queue (`record_dead_letter`):
 * never dropped, never only in a log. The write carries an idempotency key from the run chain and the step, so a
 * retried or replayed recording is one dead letter. `orchestra dlq` lists, shows, redrives and discards them.
 */
import { ActivityFailure, CancellationScope, isCancellation, patched, workflowInfo, type RetryPolicy } from '@temporalio/workflow';
import type { RecordDeadLetterResult } from '../../shared/store-contract.js';
import type { DeadLetterItem } from '../../shared/dead-letter.js';
import type { ToolCall } from '../../shared/tool-call.js';
import { ToolErrorType } from '../../shared/tool-retry.js';
import { describeFailure } from './failures.js';
import { stepKey, store } from './tools.js';

/**
 * The patch that added dead-letter recording: runs that failed a unit before it (their histories have no
 * record_dead_letter call there) replay without it. See "Changing a workflow safely" in the README.
 */
export const DEAD_LETTER_PATCH = 'dead-letter-queue';

export interface FailedUnit {
  /** The step in the workflow's words; unique within the run. */
  step: string;
  call: ToolCall;
  /** The retry policy the call ran with: its maximum is the attempt count when retries ran out. */
  retry?: RetryPolicy;
  /** The caller has a fallback (a tolerated branch, a `catch` step): an open breaker sent the call there at once. */
  hasFallback?: boolean;
}

/**
 * Records `unit` as a dead letter with the error that ended it; returns the dead letter's id. A cancellation is not a
 * dead letter (someone chose to stop): it returns undefined and records nothing. The write itself cannot be cancelled:
 * a fan-out stopping its other branches, or a run cancelled while it records, still keeps the unit that failed.
 *
 * Nor is a call routed around an open breaker to the caller's fallback (`BreakerOpen` with `hasFallback`): it never
 * reached its server, the fallback took its place by design, and waiting to record it would undo the routing — the
 * dead-letter queue lives in the store, which may be the very server whose breaker is open.
 */
export async function deadLetter(unit: FailedUnit, err: unknown): Promise<string | undefined> {
  if (isCancellation(err) || !patched(DEAD_LETTER_PATCH)) return undefined;
  const failure = describeFailure(err);
  if (unit.hasFallback && failure.type === ToolErrorType.BreakerOpen) return undefined;
  const info = workflowInfo();
  const retryState = (err instanceof ActivityFailure ? err.retryState : undefined) ?? 'NON_RETRYABLE_FAILURE';
  const attempts = retryState === 'MAXIMUM_ATTEMPTS_REACHED' ? unit.retry?.maximumAttempts : undefined; // otherwise not known here
  const item: DeadLetterItem = { workflowId: info.workflowId, runId: info.runId, workflowType: info.workflowType, step: unit.step, call: unit.call, retryState };
  const recorded = await CancellationScope.nonCancellable(() => store<RecordDeadLetterResult>('record_dead_letter', {
    source: info.workflowType,
    item,
    error: failure.message.slice(0, 20_000) || failure.type,
    error_type: failure.type,
    ...(attempts ? { attempts } : {}),
  }, { idempotencyKey: stepKey(`dead-letter:${unit.step}`), summary: `dead letter: ${unit.step} (${failure.type})` }));
  return recorded.id;
}
