/**
 * A server's question during a tool call (MCP `elicitation/create`, form mode) becomes a durable human decision of the
 * workflow that made the call.
 *
 * Which call asked? MCP does not say: over stdio the request carries nothing that ties it to the tool call in flight
 * (the server SDK's `relatedRequestId` only picks the HTTP stream it travels on, and the client SDK does not pass that
 * on), and the pool's shared connection carries many runs' calls at once. So a call that may be asked something gets a
 * connection of its own (`McpPool.callToolAlone`), opened for the call and closed after it: every question on it is
 * this call's. Only that connection declares the elicitation capability; the shared ones, and any call without a
 * workflow behind it (`orchestra validate`'s live check, scripts), declare none, so servers do not ask them.
 *
 * What the handler does (in the activity, which knows its workflow, run and activity id):
 *   1. names the question by the activity id, a digest of the server, tool, message and requested schema, and how many
 *      times this call asked the same — all the same on a retried attempt, so a retry finds the first question (and
 *      its answer, if given) instead of opening a second;
 *   2. sends it to its own run as the `elicit` update (src/workflows/support/questions.ts), through the worker's client;
 *   3. reads the run's `questions` query until the question is answered or timed out (the tool call's keep-alive
 *      heartbeats meanwhile; cancelling the activity stops the wait);
 *   4. answers the server: accept with the content (defaults applied), decline, or cancel.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '@temporalio/activity';
import { ErrorCode, McpError, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { ELICIT_UPDATE, QUESTIONS_QUERY, type Question, type ServerQuestion } from '../schemas/elicitation.js';
import type { ClientHandlers } from './client-handlers.js';

/** How often the activity reads its run's questions while one waits for a person. @default 1000 */
export const ANSWER_POLL_MS = 1_000;

export type ElicitationHandler = NonNullable<ClientHandlers['elicitation']>;

/** The handler for one tool call made by the activity of `ctx`; questions wait at most `timeoutMs` each. */
export function askCallingWorkflow(ctx: Context, tool: string, timeoutMs: number): ElicitationHandler {
  const asked = new Map<string, number>();
  return async (server, params, signal) => {
    if (params.mode === 'url') throw new McpError(ErrorCode.InvalidParams, 'Orchestra answers form elicitations only');
    const requestedSchema = params.requestedSchema as Record<string, unknown>;
    const digest = createHash('sha256').update(JSON.stringify([server, tool, params.message, requestedSchema])).digest('hex').slice(0, 12);
    const n = (asked.get(digest) ?? 0) + 1;
    asked.set(digest, n);
    const question: ServerQuestion = { id: `${ctx.info.activityId}-${digest}-${n}`, server, tool, message: params.message, requestedSchema, timeoutMs };

    const execution = ctx.info.workflowExecution;
    if (!execution) throw new McpError(ErrorCode.InvalidRequest, 'this call has no workflow to ask');
    const { workflowId, runId } = execution;
    const run = ctx.client.workflow.getHandle(workflowId, runId);
    await run.executeUpdate(ELICIT_UPDATE, { args: [question], updateId: `elicit-${question.id}` });
    // The wait ends with the attempt: the activity cancelled, or the call's connection closed (its server died, or the
    // call ended) — a retried attempt asks again and finds this question. Nothing polls on after its attempt.
    const over = AbortSignal.any([signal, ctx.cancellationSignal]);
    for (;;) {
      // A query that fails (the run's worker is restarting) is asked again; the activity's own timeouts bound the wait.
      const questions = await run.query<Question[]>(QUESTIONS_QUERY).catch(() => []);
      const answer = questions.find((q) => q.id === question.id)?.answer;
      if (answer) return answer.action === 'accept' ? { action: 'accept', content: answer.content as ElicitResult['content'] } : { action: answer.action };
      await sleep(ANSWER_POLL_MS, undefined, { signal: over }); // rejects once the attempt is over
    }
  };
}
