import { z } from 'zod';
import { ApprovalRecord, Approver } from './approval.js';
import { USER_TYPES } from '../shared/routing.js';
import { Duration } from './common.js';


export const AccessRequestInput = z.object({
  /** The request in the user's words; its wording decides the user type (seed 001 §3). */
  request: z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters'),
  /** Who asks (a name or an e-mail address); shown to the approver. */
  requester: z.optional(Approver),
  /** How long an admin request waits for a decision. */
  approvalTimeout: z._default(Duration, '24 hours'),
  /** What a time-out means: deny, or deny and open an escalation ticket for the senior support team. */
  onTimeout: z.enum(['deny', 'escalate'], { error: 'must be "deny" or "escalate"' }).default('deny'),
});
export type AccessRequestInput = z.input<typeof AccessRequestInput>;

export const AccessRequestResult = z.object({
  userType: z.enum(USER_TYPES),
  requiresApproval: z.boolean(),
  /** The processing node that ran: admin, premium or standard. */
  processingPath: z.enum(USER_TYPES),
  /** As in the seed: `Premium processing: … - Enhanced features available`, `APPROVED: Admin processing: …`, `DENIED: …`. */
  result: z.string(),
  outcome: z.enum(['granted', 'approved', 'denied', 'timed_out']),
  /** Who decided: the approver, or null (no approval needed, or nobody answered in time). */
  decidedBy: z.string().nullable(),
  approval: ApprovalRecord.nullable(),
  /** The escalation ticket opened when the approval timed out and `onTimeout` is `escalate`. */
  escalationTicketId: z.string().nullable(),
  /** The audit event recorded in the store's event log (aggregate `access-<workflowId>`). */
  auditEventId: z.string(),
});
export type AccessRequestResult = z.infer<typeof AccessRequestResult>;
