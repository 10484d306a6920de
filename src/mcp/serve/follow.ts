/**
 * Following a run for an MCP tool call: its `progress` query becomes MCP progress notifications (when the caller sent
 * a progress token), a pending approval is asked of the MCP host as an elicitation (when the host can answer one), and
 * the call ends with the run's result — or, after `waitMs`, with the run still going and the id to follow it by.
 * The caller cancelling its request stops the following; it cancels the run only when `cancelRunOnAbort` says so.
 */
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Orchestra } from '../../client/api.js';
import { isClosed } from '../../client/runs.js';
import { ApprovalDecision, type ApprovalState } from '../../schemas/approval.js';
import { APPROVAL_QUERY, DECIDE_UPDATE } from '../../shared/approval.js';
import type { Progress } from '../../shared/progress.js';
import { failureReport, reportResult } from './run-report.js';

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** How often a followed run's progress is read. */
export const FOLLOW_POLL_MS = 1_000;

export interface FollowOptions {
  /** How long the call waits for the run to finish before answering "still running". */
  waitMs: number;
  cancelRunOnAbort?: boolean;
}

export async function followRun(server: Server, orchestra: Orchestra, workflowId: string, extra: Extra, options: FollowOptions): Promise<CallToolResult> {
  const deadline = Date.now() + options.waitMs;
  const progressToken = extra._meta?.progressToken;
  let sent = 0;
  let lastMessage = '';
  let asked = false;
  for (;;) {
    const described = await orchestra.describe(workflowId);
    const base = { workflowId, runId: described.runId, url: orchestra.url(workflowId, described.runId) };
    if (isClosed(described.status.name)) return closedRunResult(orchestra, workflowId);
    const progress = await orchestra.progressWithin(workflowId, 2_000);
    const message = progress ? describeProgress(progress) : 'starting';
    if (progressToken !== undefined && message !== lastMessage) {
      lastMessage = message;
      await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: ++sent, message } });
    }
    if (!asked && progress?.state === 'waiting' && server.getClientCapabilities()?.elicitation) {
      asked = await askApproval(server, orchestra, workflowId, extra);
    }
    if (extra.signal.aborted || Date.now() >= deadline) {
      if (extra.signal.aborted && options.cancelRunOnAbort) await orchestra.cancel(workflowId);
      return reportResult({
        ...base, status: 'running', ...(progress && { progress: progress as unknown as Record<string, unknown> }),
        next: `the run goes on; follow it with follow_run {"workflowId":"${workflowId}"}, decide an approval with answer_run, stop it with cancel_run`,
      });
    }
    await sleep(Math.min(FOLLOW_POLL_MS, Math.max(0, deadline - Date.now())), extra.signal);
  }
}

/** A finished run's report: its result, or its failure by kind. */
export async function closedRunResult(orchestra: Orchestra, workflowId: string): Promise<CallToolResult> {
  const described = await orchestra.describe(workflowId);
  const base = { workflowId, runId: described.runId, url: orchestra.url(workflowId, described.runId) };
  try {
    return reportResult({ ...base, status: 'completed', result: await orchestra.handle(workflowId).result() });
  } catch (err) {
    return reportResult({ ...base, ...failureReport(err) });
  }
}

/** Asks the host to decide the run's pending approval; true once asked (whatever the answer). */
async function askApproval(server: Server, orchestra: Orchestra, workflowId: string, extra: Extra): Promise<boolean> {
  let state: ApprovalState;
  try {
    state = await orchestra.handle(workflowId).query<ApprovalState>(APPROVAL_QUERY);
  } catch {
    return false; // this run waits on something else (a timer, an event), not on an approval gate
  }
  if (!state.pending) return false;
  const answer = await server.elicitInput({
    mode: 'form',
    message: `${workflowId} asks for approval: ${state.pending.subject} (times out at ${state.pending.timesOutAt})`,
    requestedSchema: {
      type: 'object',
      properties: {
        decision: { type: 'string', title: 'Decision', enum: ['approved', 'denied'] },
        approver: { type: 'string', title: 'Your name or e-mail address' },
        comment: { type: 'string', title: 'Comment' },
      },
      required: ['decision', 'approver'],
    },
  }, { signal: extra.signal });
  if (answer.action !== 'accept') return true; // declined or dismissed: the approval stays pending for others
  const decision = ApprovalDecision.safeParse(answer.content);
  const refused = decision.success
    ? await orchestra.update(workflowId, DECIDE_UPDATE, [decision.data]).then(() => undefined, (err: Error) => err.cause instanceof Error ? err.cause.message : err.message)
    : decision.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  // A refused decision is not recorded: the approval stays pending (answer_run, `orchestra approve` or the Web UI).
  if (refused) await server.sendLoggingMessage({ level: 'warning', logger: 'orchestra', data: `the decision for ${workflowId} was not recorded: ${refused}` });
  return true;
}

export function describeProgress(progress: Progress): string {
  const counts = progress.total !== undefined ? ` (${progress.done ?? 0}/${progress.total})` : '';
  return `${progress.state}: ${progress.step}${counts}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
