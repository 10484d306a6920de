/**
 * What became of a step that did not complete, in words a report can carry: did it fail (and with which error type),
 * run out of time, or get cancelled? Reads the failure chains Temporal hands workflow code: an `ActivityFailure` or
 * `ChildWorkflowFailure` whose cause is the `ApplicationFailure` (type + message) the activity threw, a
 * `TimeoutFailure`, or a `CancelledFailure`.
 */
import { RetryState } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  TemporalFailure,
  TimeoutFailure,
  isCancellation,
} from '@temporalio/workflow';

export type StepFailureKind = 'failed' | 'timed_out' | 'cancelled';

export interface StepFailure {
  kind: StepFailureKind;
  /** The error type a caller branches on: the ApplicationFailure's type (`UnknownCustomer`, `ToolTimeout`, …),
   * `Timeout` for a Temporal timeout, `Cancelled` for a cancellation. */
  type: string;
  message: string;
}

/**
 * Classifies a step's error. Timed out: Temporal timed the activity or child out (a `TimeoutFailure`), or its retries
 * ran out of time (retry state TIMEOUT, the last attempt's error kept as type and message).
 */
export function describeFailure(err: unknown): StepFailure {
  if (isCancellation(err)) return { kind: 'cancelled', type: 'Cancelled', message: messageOf(innermost(err)) || 'cancelled' };
  const wrapped = err instanceof ActivityFailure || err instanceof ChildWorkflowFailure;
  const cause = wrapped ? (err as TemporalFailure).cause ?? err : err;
  if (cause instanceof TimeoutFailure) {
    const last = cause.cause instanceof ApplicationFailure ? `; last error ${cause.cause.type}: ${cause.cause.message}` : '';
    return { kind: 'timed_out', type: 'Timeout', message: `${timeoutName(cause.timeoutType)} timeout${last}` };
  }
  const timedOut = wrapped && (err as ActivityFailure | ChildWorkflowFailure).retryState === RetryState.TIMEOUT;
  if (cause instanceof ApplicationFailure) {
    return { kind: timedOut ? 'timed_out' : 'failed', type: cause.type ?? 'Error', message: cause.message };
  }
  if (cause instanceof Error) return { kind: timedOut ? 'timed_out' : 'failed', type: cause.name, message: cause.message };
  return { kind: 'failed', type: 'Error', message: String(cause) };
}

function timeoutName(type: TimeoutFailure['timeoutType']): string {
  return (type ?? 'unknown').toLowerCase().replace(/_/g, '-');
}

function innermost(err: unknown): unknown {
  let current = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err ?? '');
}
