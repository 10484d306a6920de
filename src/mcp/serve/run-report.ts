/**
 * What `orchestra mcp serve` answers about a run, as one shape (the tools' output schema): where the run is, its result
 * once finished, or a structured error `{ type, message, retryable }`. A run still going when the call stops waiting
 * says so (status `running`) with its progress: it is never reported as done.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure, ChildWorkflowFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export const RunError = z.object({
  type: z.string().describe('InvalidInput, UnknownRun, Rejected, WorkflowFailed, Cancelled, Terminated, TimedOut, or the failure type'),
  message: z.string(),
  retryable: z.boolean(),
});
export type RunError = z.infer<typeof RunError>;

export const RunReport = z.object({
  workflowId: z.string().optional(),
  runId: z.string().optional(),
  status: z.enum(['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out', 'rejected']),
  /** The run's `progress` query, while it runs. */
  progress: z.record(z.string(), z.unknown()).optional(),
  result: z.unknown().optional(),
  error: RunError.optional(),
  /** The run's page in the Temporal Web UI. */
  url: z.string().optional(),
  /** What to do next, in a sentence (e.g. follow the run). */
  next: z.string().optional(),
});
export type RunReport = z.infer<typeof RunReport>;

export const RUN_REPORT_JSON_SCHEMA = z.toJSONSchema(RunReport, { io: 'output', unrepresentable: 'any' }) as {
  type: 'object'; [key: string]: unknown;
};

export function reportResult(report: RunReport): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(report) }],
    structuredContent: report as Record<string, unknown>,
    ...(report.error && { isError: true }),
  };
}

export function errorReport(error: RunError, base: Partial<RunReport> = {}): CallToolResult {
  return reportResult({ status: base.status ?? 'rejected', ...base, error });
}

/** A finished run's failure, by its kind (the failure's type, never its message text). */
export function failureReport(err: unknown): { status: RunReport['status']; error: RunError } {
  let cause = err instanceof WorkflowFailedError ? err.cause : err;
  // An activity's or child's failure: what it failed with says more than "Activity task failed".
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause) cause = cause.cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (cause instanceof CancelledFailure) return { status: 'cancelled', error: { type: 'Cancelled', message, retryable: false } };
  if (cause instanceof TerminatedFailure) return { status: 'terminated', error: { type: 'Terminated', message, retryable: false } };
  if (cause instanceof TimeoutFailure) return { status: 'timed_out', error: { type: 'TimedOut', message, retryable: true } };
  if (cause instanceof ApplicationFailure) {
    return { status: 'failed', error: { type: cause.type ?? 'WorkflowFailed', message, retryable: !cause.nonRetryable } };
  }
  return { status: 'failed', error: { type: 'WorkflowFailed', message, retryable: false } };
}
