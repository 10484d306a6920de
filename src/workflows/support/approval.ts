/**
 * The human-approval gate, for any workflow: ask once, wait durably (a day if need be) for a person's decision, get
 * back approved, denied or timed out.
 *
 *   const approval = new ApprovalGate(progress);             // at the start: registers the `decide` update + query
 *   const outcome = await approval.request('grant admin access to ada', { timeout: '24 hours' });
 *   if (outcome.status === 'timed_out') …                    // the workflow decides: deny, escalate, …
 *
 * The decision arrives as the `decide` update (`orchestra approve <workflowId> --by <name> [--deny] [--comment …]`).
 * Its validator rejects, before anything is recorded, a decision when none is pending, a second decision, one at or
 * after the time-out, and a malformed one (an approver that is neither a name nor an e-mail address); see
 * `decisionProblem` in src/schemas/approval-decision.ts. An accepted decision is recorded with its approver, comment and
 * (workflow) time, answered to the caller as an acknowledgement, shown in the progress details and by the `approval`
 * query.
 */
import { condition, defineQuery, defineUpdate, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { ApprovalDecision, decisionProblem } from '../../schemas/approval-decision.js';
import type { ApprovalAck, ApprovalOutcome, ApprovalRecord, ApprovalState, PendingApproval } from '../../schemas/approval.js';
import { toMs, type Duration } from '../../schemas/common.js';
import { APPROVAL_QUERY, DECIDE_UPDATE } from '../../shared/approval.js';
import { APPROVAL_PENDING } from '../../shared/search-attributes.js';
import { rejectedUpdate } from './input.js';
import { orchestraMetrics } from './metrics.js';
import type { ProgressReporter } from './progress.js';

/**
 * The patch that flags a waiting run with OrchestraApprovalPending, so the cluster can count pending approvals
 * (`orchestra_approvals_pending`, src/observability/approvals-pending.ts). Runs that asked before it replay without.
 */
export const APPROVAL_PENDING_PATCH = 'approval-pending-search-attribute';

export const decideUpdate = defineUpdate<ApprovalAck, [ApprovalDecision]>(DECIDE_UPDATE);
export const approvalQuery = defineQuery<ApprovalState>(APPROVAL_QUERY);

const iso = (ms: number) => new Date(ms).toISOString();

export class ApprovalGate {
  private pending?: PendingApproval;
  private decision?: ApprovalRecord;
  private timedOutAt?: string;

  /** Registers the `decide` update and the `approval` query; create it when the workflow starts. */
  constructor(private readonly progress: ProgressReporter) {
    setHandler(decideUpdate, (raw) => this.record(raw), {
      validator: (raw) => {
        const problem = decisionProblem(this.state, Date.now(), raw);
        if (problem) throw rejectedUpdate(problem);
      },
    });
    setHandler(approvalQuery, () => this.state);
  }

  get state(): ApprovalState {
    return { pending: this.pending, decision: this.decision, timedOutAt: this.timedOutAt };
  }

  /**
   * Asks for a decision on `subject` and waits for it, at most `timeout`. While it waits the progress state is
   * `waiting` with `details.pendingApproval`. One request per gate: a decision is final.
   */
  async request(subject: string, options: { timeout: Duration }): Promise<ApprovalOutcome> {
    if (this.pending || this.decision || this.timedOutAt) throw new Error('an approval gate takes one request');
    const timeoutMs = toMs(options.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0) throw new Error(`invalid approval timeout: ${String(options.timeout)}`);
    const requestedAt = Date.now();
    this.pending = {
      subject,
      requestedAt: iso(requestedAt),
      timesOutAt: iso(requestedAt + timeoutMs),
      decideWith: `orchestra approve ${workflowInfo().workflowId} --by <name> [--deny] [--comment <text>]`,
    };
    this.progress.update({ step: `waiting for approval: ${subject}`, state: 'waiting', details: { pendingApproval: this.pending } });
    orchestraMetrics.approvalRequested();
    const flagged = patched(APPROVAL_PENDING_PATCH);
    if (flagged) upsertSearchAttributes([{ key: APPROVAL_PENDING, value: true }]);

    await condition(() => this.decision !== undefined, timeoutMs);
    const pending = this.pending;
    this.pending = undefined;
    // (Read again: the update handler set it while we waited.) A decision recorded in the same moment the timer fired
    // still counts: the validator accepted it in time.
    const decision = this.decision as ApprovalRecord | undefined;
    orchestraMetrics.approvalResolved(decision?.decision ?? 'timed_out');
    if (flagged) upsertSearchAttributes([{ key: APPROVAL_PENDING, value: false }]);
    if (decision) {
      this.progress.update({ step: `${decision.decision} by ${decision.approver}`, details: { pendingApproval: undefined, approval: decision } });
      return { status: decision.decision, record: decision };
    }
    this.timedOutAt = iso(Date.now());
    this.progress.update({ step: `approval timed out: ${subject}`, details: { pendingApproval: undefined, approvalTimedOutAt: this.timedOutAt } });
    return { status: 'timed_out', requestedAt: pending.requestedAt, timedOutAt: this.timedOutAt };
  }

  private record(raw: ApprovalDecision): ApprovalAck {
    const d = ApprovalDecision.parse(raw);
    this.decision = {
      decision: d.decision,
      approver: d.approver,
      ...(d.comment ? { comment: d.comment } : {}),
      decidedAt: iso(Date.now()),
    };
    return { ...this.decision, subject: this.pending?.subject ?? '' };
  }
}
