/**
 * The human-approval gate's messages (src/workflows/support/approval.ts): the decision a person sends, what the gate
 * records and reports, and the rule its update validator applies. Pure: the workflow, the client, the CLI and the tests
 * share it.
 */
import { z } from 'zod';
import { validate } from '../shared/validation.js';

/**
 * Who may sign a decision: a name or handle (starts with a letter; then letters, digits, spaces, `.`, `'`, `_`, `-`;
 * 2–64 characters in all, e.g. `Ada Lovelace`, `ops-lead`) or an e-mail address (`ada@example.com`).
 */
export const APPROVER_PATTERN = /^(?:\p{L}[\p{L}\p{N} .'_-]{1,63}|[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,})$/u;
const APPROVER_FORMAT = 'must be a name (2–64 letters, digits, spaces, . \' _ -, starting with a letter) or an e-mail address';

export const Approver = z.string().trim().regex(APPROVER_PATTERN, APPROVER_FORMAT);

/** The words of a decision, the same going in (the `decide` update) and coming out (the record, the result). */
export const DECISIONS = ['approved', 'denied'] as const;
/** Earlier runs sent `approve` / `deny`: still read, as the same decisions (replayed histories carry them). */
const LEGACY_DECISION: Record<string, (typeof DECISIONS)[number]> = { approve: 'approved', deny: 'denied' };

/** What a person sends through the `decide` update: `{"decision":"approved"|"denied","approver":…,"comment"?:…}`. */
export const ApprovalDecision = z.strictObject({
  decision: z.preprocess((v) => (typeof v === 'string' && Object.hasOwn(LEGACY_DECISION, v) ? LEGACY_DECISION[v] : v),
    z.enum(DECISIONS, { error: (issue) => (issue.input === undefined ? 'required' : 'must be "approved" or "denied"') })),
  approver: Approver,
  comment: z.string().trim().max(1000, 'must be at most 1000 characters').optional(),
});
export type ApprovalDecision = z.input<typeof ApprovalDecision>;

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

/**
 * The update validator's rule: why a decision cannot be taken now, or undefined when it can. Rejected: nothing is
 * pending (not asked yet), a second decision, a decision at or after the time-out, and a malformed decision (an unknown
 * approver format names the field). A rejected update is not recorded anywhere, not even in the workflow's history.
 */
export function decisionProblem(state: ApprovalState, nowMs: number, raw: unknown): string | undefined {
  if (state.decision) {
    const d = state.decision;
    return `already decided: ${d.decision} by ${d.approver} at ${d.decidedAt}; a decision cannot be changed`;
  }
  if (state.timedOutAt) return `the approval timed out at ${state.timedOutAt}; no decision can be recorded`;
  if (!state.pending) return 'no approval is pending for this run';
  if (nowMs >= Date.parse(state.pending.timesOutAt)) {
    return `the approval timed out at ${state.pending.timesOutAt}; no decision can be recorded`;
  }
  const parsed = validate(ApprovalDecision, raw);
  return parsed.ok ? undefined : parsed.message;
}
