import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { AccessRequestInput, type AccessRequestResult } from '../schemas/access-request.js';
import type { ApprovalOutcome } from '../schemas/approval.js';
import { ROUTE } from '../shared/search-attributes.js';
import { classifyUser, processUserRequest } from '../routing/rules.js';
import { ApprovalGate } from './support/approval.js';
import { parseInput } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { stepKey, store } from './support/tools.js';

/**
 * Routing by user type with an approval step (seed 001 §3): classify the user from the request; an admin request
 * waits for a person's decision (the reusable approval gate: `orchestra approve <id> --by <name> [--deny]`, 24 hours
 * by default) before it is processed; premium and standard requests are processed directly. Every outcome is written
 * to the store's event log as an audit record.
 */
export async function accessRequest(raw: AccessRequestInput): Promise<AccessRequestResult> {
  const input = parseInput(AccessRequestInput, raw);
  const progress = new ProgressReporter('accessRequest');
  const approval = new ApprovalGate(progress);

  progress.update({ step: 'classifying the user' });
  const userType = classifyUser(input.request);
  const requiresApproval = userType === 'admin';
  upsertSearchAttributes([{ key: ROUTE, value: userType }]);
  progress.update({ step: `classified as ${userType}`, details: { userType, requiresApproval } });

  let outcome: AccessRequestResult['outcome'] = 'granted';
  let result = processUserRequest(userType, input.request);
  let decided: ApprovalOutcome | undefined;
  let escalationTicketId: string | null = null;

  if (requiresApproval) {
    const who = input.requester ? ` for ${input.requester}` : '';
    decided = await approval.request(`admin access${who}: ${input.request}`, { timeout: input.approvalTimeout });
    const admin = `Admin processing: ${input.request}`;
    switch (decided.status) {
      case 'approved':
        progress.update({ step: 'processing the approved admin request' });
        outcome = 'approved';
        result = `APPROVED: ${processUserRequest('admin', input.request)}`;
        break;
      case 'denied':
        outcome = 'denied';
        result = `DENIED: ${admin} - No access granted`;
        break;
      case 'timed_out':
        outcome = 'timed_out';
        result = `DENIED: ${admin} - No decision before the approval timed out`;
        if (input.onTimeout === 'escalate') {
          progress.update({ step: 'escalating the undecided request' });
          const ticket = await store<{ ticket_id: string }>('create_ticket', {
            subject: `Admin access request undecided${who}`,
            body: `Nobody decided this admin access request between ${decided.requestedAt} and ${decided.timedOutAt}; ` +
              `it was denied. Request: ${input.request}`,
            priority: 'high',
            escalated: true,
            category: 'access_request',
          }, { idempotencyKey: stepKey('escalate-timeout'), summary: 'escalate undecided admin access request' });
          escalationTicketId = ticket.ticket_id;
        }
        break;
    }
  }

  const record = decided && decided.status !== 'timed_out' ? decided.record : null;
  const decidedBy = record?.approver ?? null;
  progress.update({ step: 'recording the outcome' });
  const granted = outcome === 'granted' || outcome === 'approved';
  const audit = await store<{ event_id: string }>('append_event', {
    aggregate_id: `access-request:${workflowInfo().workflowId}`,
    type: granted ? 'AccessGranted' : 'AccessDenied',
    payload: {
      request: input.request,
      requester: input.requester ?? null,
      userType,
      outcome,
      decidedBy,
      comment: record?.comment ?? null,
      escalationTicketId,
    },
  }, { idempotencyKey: stepKey('audit'), summary: `audit: access ${granted ? 'granted' : 'denied'} (${userType})` });

  progress.update({ step: `${outcome}: ${userType} request`, state: 'completed', outcome: escalationTicketId ? 'escalated' : outcome });
  return {
    userType,
    requiresApproval,
    processingPath: userType,
    result,
    outcome,
    decidedBy,
    approval: record,
    escalationTicketId,
    auditEventId: audit.event_id,
  };
}
