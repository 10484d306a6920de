/**
 * Why a run did not complete, as one stable document: `{status, failure: {type, message, details}}`. `status` is
 * Temporal's (FAILED, CANCELLED, TERMINATED, TIMED_OUT); `type` the failure type a caller branches on
 * (`ToleranceNotMet`, `CompensationFailed`, `InvalidInput`, `Cancelled`, …); `details` what the workflow attached
 * (the aggregate of a fan-out, the saga's record of steps and compensations), or null.
 */
import {
  ApplicationFailure,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowFailedError,
} from '@temporalio/client';

export interface FailureDocument {
  status: 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'TIMED_OUT';
  failure: { type: string; message: string; details: unknown };
}

export function failureDocument(error: WorkflowFailedError): FailureDocument {
  const cause = error.cause;
  if (cause instanceof CancelledFailure) {
    return { status: 'CANCELLED', failure: { type: 'Cancelled', message: cause.message || 'cancelled', details: detailsOf(cause.details) } };
  }
  if (cause instanceof TerminatedFailure) {
    return { status: 'TERMINATED', failure: { type: 'Terminated', message: cause.message || 'terminated', details: null } };
  }
  if (cause instanceof TimeoutFailure) {
    return { status: 'TIMED_OUT', failure: { type: 'Timeout', message: cause.message || 'the run timed out', details: null } };
  }
  if (cause instanceof ApplicationFailure) {
    const reason = cause.cause ? ` (cause: ${cause.cause.message})` : '';
    return { status: 'FAILED', failure: { type: cause.type ?? 'Error', message: `${cause.message}${reason}`, details: detailsOf(cause.details) } };
  }
  return { status: 'FAILED', failure: { type: cause?.name ?? 'Error', message: cause?.message ?? error.message, details: null } };
}

/** One detail is the detail; none is null. */
function detailsOf(details: unknown[] | undefined | null): unknown {
  if (!details?.length) return null;
  return details.length === 1 ? details[0] : details;
}
