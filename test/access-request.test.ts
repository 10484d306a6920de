/**
 * accessRequest and the reusable approval gate, on the time-skipping server (a 24-hour approval window takes
 * milliseconds) with the real store MCP server. The gate's validator rule itself is checked without a server first.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import { InvalidInputError, validateInput, type Orchestra } from '../src/client/api.js';
import type { AccessRequestResult } from '../src/schemas/access-request.js';
import { decisionProblem, type ApprovalAck, type PendingApproval } from '../src/schemas/approval.js';
import { DECIDE_UPDATE } from '../src/shared/approval.js';
import { eventually } from './helpers/eventually.js';
import { readStore, serverRunTimeMs, testDeps, useTemporal, withWorker } from './helpers/temporal.js';

const DAY = 24 * 60 * 60 * 1000;

describe('approval gate: the decide validator', () => {
  const pending: PendingApproval = {
    subject: 'admin access', requestedAt: '2025-01-01T00:00:00.000Z', timesOutAt: '2025-01-02T00:00:00.000Z', decideWith: 'orchestra approve …',
  };
  const now = Date.parse('2025-01-01T12:00:00.000Z');
  const ok = { decision: 'approved', approver: 'Grace Hopper' };

  it('accepts a decision by a name or an e-mail address while the approval is pending', () => {
    for (const approver of ['Grace Hopper', 'ops-lead', "Seán O'Brien", 'grace@example.com', 'j.doe_2']) {
      assert.equal(decisionProblem({ pending }, now, { ...ok, approver }), undefined, approver);
    }
    assert.equal(decisionProblem({ pending }, now, { decision: 'denied', approver: 'Ada', comment: 'not this quarter' }), undefined);
    // Runs started before the vocabulary became one sent `approve` / `deny`: still the same decisions.
    assert.equal(decisionProblem({ pending }, now, { decision: 'approve', approver: 'Ada' }), undefined);
    assert.match(decisionProblem({ pending }, now, { approver: 'Ada' })!, /^decision: required$/);
  });
  it('rejects an unknown approver format or a malformed decision, naming the field', () => {
    assert.match(decisionProblem({ pending }, now, { ...ok, approver: '42' })!, /^approver: must be a name .* or an e-mail address$/);
    assert.match(decisionProblem({ pending }, now, { ...ok, approver: 'x' })!, /^approver: must be a name/);
    assert.match(decisionProblem({ pending }, now, { ...ok, approver: '<script>' })!, /^approver: must be a name/);
    assert.match(decisionProblem({ pending }, now, { decision: 'maybe', approver: 'Ada' })!, /^decision: must be "approved" or "denied"$/);
    assert.match(decisionProblem({ pending }, now, { ...ok, approved: true })!, /Unrecognized key: "approved"/);
  });
  it('rejects a second decision, a decision at or after the time-out, and one when nothing is pending', () => {
    const decision = { decision: 'approved' as const, approver: 'Ada', decidedAt: '2025-01-01T01:00:00.000Z' };
    assert.equal(decisionProblem({ decision }, now, ok), 'already decided: approved by Ada at 2025-01-01T01:00:00.000Z; a decision cannot be changed');
    assert.match(decisionProblem({ pending }, Date.parse(pending.timesOutAt), ok)!, /^the approval timed out at 2025-01-02T00:00:00.000Z/);
    assert.match(decisionProblem({ timedOutAt: pending.timesOutAt }, now, ok)!, /^the approval timed out/);
    assert.equal(decisionProblem({}, now, ok), 'no approval is pending for this run');
  });
  it('rejects bad accessRequest input with field-level errors before anything starts', () => {
    assert.throws(() => validateInput('accessRequest', { request: ' ', requester: '!!', approvalTimeout: 'soon', onTimeout: 'panic' }), (err: unknown) => {
      assert.ok(err instanceof InvalidInputError);
      assert.match(err.issues, /request: must not be empty/);
      assert.match(err.issues, /requester: must be a name/);
      assert.match(err.issues, /approvalTimeout: must be a positive duration/);
      assert.match(err.issues, /onTimeout: must be "deny" or "escalate"/);
      return true;
    });
  });
});

describe('accessRequest (time-skipping, real store)', () => {
  const t = useTemporal('time-skipping');

  const auditEvents = (workflowId: string, from = t.deps) => readStore(from, (db) => db.prepare(
    'SELECT event_id, type, payload FROM events WHERE aggregate_id = ? ORDER BY seq').all(`access-request:${workflowId}`) as
    Array<{ event_id: string; type: string; payload: string }>);

  /** Starts an admin request and waits (on the progress query) until it asks for approval. */
  async function pendingAdminRequest(orchestra: Orchestra, taskQueue: string, request = 'admin access to the billing console') {
    const run = await orchestra.start('accessRequest', { request, requester: 'ada@example.com' }, { taskQueue });
    const progress = await eventually(async () => {
      const current = await orchestra.progress(run.workflowId);
      assert.equal(current.state, 'waiting');
      return current;
    }, { what: 'the request to wait for approval' });
    return { run, progress, handle: orchestra.handle(run.workflowId) };
  }

  it('processes premium and standard requests directly, without asking anyone', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      // One at a time: the time-skipping server can answer concurrent result() waits with a spurious time-out.
      const direct = async (request: string) => {
        const run = await orchestra.start('accessRequest', { request }, { taskQueue });
        const result = await orchestra.result(run.workflowId) as AccessRequestResult;
        // Nobody was asked: no approval timer in the history, and the audit record names no decider.
        const history = await orchestra.handle(run.workflowId).fetchHistory();
        assert.ok(!history.events!.some((e) => e.timerStartedEventAttributes), 'no approval window was opened');
        const events = auditEvents(run.workflowId);
        assert.deepEqual(events.map((e) => [e.type, e.event_id]), [['AccessGranted', result.auditEventId]]);
        assert.equal(JSON.parse(events[0].payload).decidedBy, null);
        return { ...result, auditEventId: undefined };
      };
      assert.deepEqual(await direct('Pro plan user: export my invoices'), {
        userType: 'premium', requiresApproval: false, processingPath: 'premium', outcome: 'granted', decidedBy: null, approval: null,
        result: 'Premium processing: Pro plan user: export my invoices - Enhanced features available', escalationTicketId: null, auditEventId: undefined,
      });
      assert.deepEqual(await direct('please reset my password'), {
        userType: 'standard', requiresApproval: false, processingPath: 'standard', outcome: 'granted', decidedBy: null, approval: null,
        result: 'Standard processing: please reset my password - Basic features available', escalationTicketId: null, auditEventId: undefined,
      });
    });
  });

  it('waits for an approval, shows it as pending, and processes the admin request once approved', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const { run, progress, handle } = await pendingAdminRequest(orchestra, taskQueue);
      const pending = progress.details?.pendingApproval as PendingApproval;
      assert.equal(pending.subject, 'admin access for ada@example.com: admin access to the billing console');
      assert.equal(Date.parse(pending.timesOutAt) - Date.parse(pending.requestedAt), DAY);
      assert.match(pending.decideWith, new RegExp(`^orchestra approve ${run.workflowId} --by <name>`));

      const ack = await handle.executeUpdate(DECIDE_UPDATE, { args: [{ decision: 'approved', approver: 'Grace Hopper', comment: 'on call this week' }] }) as ApprovalAck;
      assert.equal(ack.decision, 'approved');
      assert.equal(ack.approver, 'Grace Hopper');
      assert.equal(ack.subject, pending.subject);

      const result = await orchestra.result(run.workflowId) as AccessRequestResult;
      assert.equal(result.result, 'APPROVED: Admin processing: admin access to the billing console - Full access granted');
      assert.equal(result.outcome, 'approved');
      assert.equal(result.decidedBy, 'Grace Hopper');
      assert.deepEqual(result.approval, { decision: 'approved', approver: 'Grace Hopper', comment: 'on call this week', decidedAt: ack.decidedAt });
      const [event] = auditEvents(run.workflowId);
      assert.equal(event.type, 'AccessGranted');
      assert.equal(event.event_id, result.auditEventId);
      assert.deepEqual(JSON.parse(event.payload), {
        request: 'admin access to the billing console', requester: 'ada@example.com', userType: 'admin', outcome: 'approved',
        decidedBy: 'Grace Hopper', comment: 'on call this week', escalationTicketId: null,
      });
      // The decision stays queryable after the run.
      const state = await handle.query<{ decision?: { approver: string }; pending?: unknown }>('approval');
      assert.equal(state.decision?.approver, 'Grace Hopper');
      assert.equal(state.pending, undefined);
    });
  });

  it('denies the admin request when the approver says no', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const { run, handle } = await pendingAdminRequest(orchestra, taskQueue, 'administrator rights for the intern');
      await handle.executeUpdate(DECIDE_UPDATE, { args: [{ decision: 'denied', approver: 'security@example.com', comment: 'interns get standard access' }] });
      const result = await orchestra.result(run.workflowId) as AccessRequestResult;
      assert.equal(result.result, 'DENIED: Admin processing: administrator rights for the intern - No access granted');
      assert.equal(result.outcome, 'denied');
      assert.equal(result.decidedBy, 'security@example.com');
      assert.deepEqual(auditEvents(run.workflowId).map((e) => e.type), ['AccessDenied']);
    });
  });

  it('times out after 24 hours in milliseconds: denies, and escalates when asked to', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('accessRequest', { request: 'admin console for me' }, { taskQueue });
      const denied = await orchestra.result(run.workflowId) as AccessRequestResult;
      assert.ok(await serverRunTimeMs(t.env, run.workflowId) >= DAY, 'the server clock advanced by the full day');
      const escalated = await orchestra.execute('accessRequest', { request: 'admin console for the auditor', onTimeout: 'escalate' }, { taskQueue });
      for (const r of [denied, escalated]) {
        assert.equal(r.outcome, 'timed_out');
        assert.equal(r.decidedBy, null);
        assert.match(r.result, /^DENIED: Admin processing: .* - No decision before the approval timed out$/);
      }
      assert.equal(denied.escalationTicketId, null);
      const ticket = readStore(t.deps, (db) => db.prepare('SELECT assignee, priority, escalated, category FROM tickets WHERE id = ?').get(escalated.escalationTicketId));
      assert.deepEqual(ticket, { assignee: 'senior-support', priority: 'high', escalated: 1, category: 'access_request' });
    });
  });

  it('rejects a duplicate decision and a bad approver in the validator, recording nothing', async () => {
    // The store takes 3 s to write the audit record, so the run is still open when the second decision arrives (once
    // it has finished, there is nothing left to decide at all).
    const slowStore = await testDeps({ STORE_FAULTS: JSON.stringify({ append_event: { delayMs: 3000 } }) });
    try {
      await withWorker(t.env, slowStore, async ({ orchestra, taskQueue }) => {
        const { run, handle } = await pendingAdminRequest(orchestra, taskQueue);
        const rejected = async (decision: object, message: RegExp) => {
          await assert.rejects(handle.executeUpdate(DECIDE_UPDATE, { args: [decision] }), (err: unknown) => {
            assert.ok(err instanceof WorkflowUpdateFailedError);
            assert.match(String(err.cause?.message), message);
            // A validator's refusal is a business answer: typed, not retryable, no stack trace.
            assert.ok(err.cause instanceof ApplicationFailure);
            assert.deepEqual([err.cause.type, err.cause.nonRetryable, err.cause.stack], ['InvalidUpdate', true, '']);
            return true;
          });
        };
        await rejected({ decision: 'approved', approver: '1234' }, /approver: must be a name/);
        await handle.executeUpdate(DECIDE_UPDATE, { args: [{ decision: 'approved', approver: 'Grace Hopper' }] });
        await rejected({ decision: 'denied', approver: 'Mallory' }, /already decided: approved by Grace Hopper/);

        const result = await orchestra.result(run.workflowId) as AccessRequestResult;
        assert.equal(result.outcome, 'approved');
        assert.equal(result.decidedBy, 'Grace Hopper');
        const history = await handle.fetchHistory();
        const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
        assert.equal(accepted.length, 1, 'only the first decision is in the history');
        assert.deepEqual(auditEvents(run.workflowId, slowStore).map((e) => e.type), ['AccessGranted']);
      });
    } finally {
      await slowStore.close();
    }
  });
});
