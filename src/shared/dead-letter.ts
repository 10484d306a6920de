/**
 * A dead letter as Orchestra writes it: one unit of work a workflow could not finish — a tool call whose retries ran
 * out, one a business rule refused (a poison input), or a compensation that still failed — with everything needed to
 * look at it and run it again. Stored as the `item` of the store's `record_dead_letter` tool (src/mcp/store/), the
 * source being the workflow type. Pure: workflows and the CLI share it.
 */
import type { ToolCall } from './tool-call.js';

export interface DeadLetterItem {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** The step in the workflow's words (`refund_payment`, `call 2: store.charge_payment`). */
  step: string;
  /** The tool call to run again (its idempotency key, if any, is the original's). */
  call: ToolCall;
  /** Why Temporal stopped retrying: `MAXIMUM_ATTEMPTS_REACHED`, `NON_RETRYABLE_FAILURE`, `TIMEOUT`, … */
  retryState: string;
}

/** What a redrive run changed in the arguments, and who asked for it. */
export interface ArgumentChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** Workflow ids of redrive runs: one id per attempt number, so asking twice for the same attempt runs it once. */
export function redriveWorkflowId(deadLetterId: string, attempt: number): string {
  return `redrive-${deadLetterId}-${attempt}`;
}
