/**
 * The human-approval gate's messages (src/workflows/support/approval.ts): the decision a person sends, what the gate
 * records and reports, and (re-exported from ./approval-decision.ts, which the workflow imports) the rule its update
 * validator applies. Pure: the workflow, the client, the CLI and the tests share it.
 */
import { z } from 'zod';
import { DECISIONS } from './approval-decision.js';

export * from './approval-decision.js';

/** A decision as recorded (and answered by the `approval` query and the workflow's result). */
export const ApprovalRecord = z.object({
  decision: z.enum(DECISIONS),
  approver: z.string(),
  comment: z.string().optional(),
  /** Workflow time of the decision, ISO 8601. */
  decidedAt: z.string(),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecord>;

/** The request a person is asked to decide, shown by `orchestra status` while it waits. */
export const PendingApproval = z.object({
  /** What needs approving, in a sentence. */
  subject: z.string(),
  requestedAt: z.string(),
  /** When the gate stops waiting and returns a timed-out outcome. */
  timesOutAt: z.string(),
  /** The command that decides it. */
  decideWith: z.string(),
});
export type PendingApproval = z.infer<typeof PendingApproval>;

/** The `decide` update's answer: the caller's acknowledgement that the decision is recorded. */
export const ApprovalAck = ApprovalRecord.extend({ subject: z.string() });
export type ApprovalAck = z.infer<typeof ApprovalAck>;

/** What the gate returns to its workflow. */
export const ApprovalOutcome = z.discriminatedUnion('status', [
  z.object({ status: z.literal('approved'), record: ApprovalRecord }),
  z.object({ status: z.literal('denied'), record: ApprovalRecord }),
  z.object({ status: z.literal('timed_out'), requestedAt: z.string(), timedOutAt: z.string() }),
]);
export type ApprovalOutcome = z.infer<typeof ApprovalOutcome>;

/** The gate's state, as the `approval` query answers it. */
export interface ApprovalState {
  pending?: PendingApproval;
  decision?: ApprovalRecord;
  timedOutAt?: string;
}
