/**
 * What a person sends the human-approval gate (src/workflows/support/approval.ts) and the rule its update validator
 * applies: the part of ./approval.ts a workflow evaluates in its first task (ApprovalGate registers the validator at the
 * start), so its own module, in zod/mini (src/shared/zod-mini.ts says why). ./approval.ts re-exports it with the
 * gate's records, for the client, the CLI and the tests.
 */
import { z } from 'zod/mini';
import '../shared/zod-mini.js'; // English messages, as classic zod gives
import { validate } from '../shared/validation.js';
import type { ApprovalState } from './approval.js';

/**
 * Who may sign a decision: a name or handle (starts with a letter; then letters, digits, spaces, `.`, `'`, `_`, `-`;
 * 2–64 characters in all, e.g. `Ada Lovelace`, `ops-lead`) or an e-mail address (`ada@example.com`).
 */
export const APPROVER_PATTERN = /^(?:\p{L}[\p{L}\p{N} .'_-]{1,63}|[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,})$/u;
const APPROVER_FORMAT = 'must be a name (2–64 letters, digits, spaces, . \' _ -, starting with a letter) or an e-mail address';

export const Approver = z.string().check(z.trim(), z.regex(APPROVER_PATTERN, APPROVER_FORMAT));

/** The words of a decision, the same going in (the `decide` update) and coming out (the record, the result). */
export const DECISIONS = ['approved', 'denied'] as const;
/** Earlier runs sent `approve` / `deny`: still read, as the same decisions (replayed histories carry them). */
const LEGACY_DECISION: Record<string, (typeof DECISIONS)[number]> = { approve: 'approved', deny: 'denied' };

/** What a person sends through the `decide` update: `{"decision":"approved"|"denied","approver":…,"comment"?:…}`. */
export const ApprovalDecision = z.strictObject({
  decision: z.pipe(z.transform((v: unknown) => (typeof v === 'string' && Object.hasOwn(LEGACY_DECISION, v) ? LEGACY_DECISION[v] : v)),
    z.enum(DECISIONS, { error: (issue) => (issue.input === undefined ? 'required' : 'must be "approved" or "denied"') })),
  approver: Approver,
  comment: z.optional(z.string().check(z.trim(), z.maxLength(1000, 'must be at most 1000 characters'))),
});
export type ApprovalDecision = z.input<typeof ApprovalDecision>;

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
