/**
 * Names of the human-approval gate's messages (src/workflows/support/approval.ts), shared by workflows, the client and
 * the CLI's `orchestra approve`, so they are spelled once.
 */

/** The update that delivers a person's decision (`{ decision: 'approved' | 'denied', approver, comment? }`). */
export const DECIDE_UPDATE = 'decide';

/** The query answering the gate's state: the pending request, the recorded decision, or the timeout. */
export const APPROVAL_QUERY = 'approval';
