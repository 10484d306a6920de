import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { CallToolsInput } from '../schemas/call-tools-input.js';
import type { CallToolsResult } from '../schemas/call-tools.js';
import { describeToolCall } from '../shared/tool-call-description.js';
import { deadLetter } from './support/dead-letters.js';
import { parseInput } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { callTool, retryPolicyOf } from './support/tools.js';

/**
 * Calls MCP tools as durable activities, one after another: the smallest way to put any configured server's tools
 * under Temporal's retries, timeouts and history (`orchestra run callTools --input '{"calls":[…]}'`). A call that fails
 * for good (retries spent, or refused) is recorded in the dead-letter queue before the run stops or goes on, so a
 * person can correct and redrive it (`orchestra dlq`).
 */
export async function callTools(raw: CallToolsInput): Promise<CallToolsResult> {
  const input = parseInput(CallToolsInput, raw);
  const progress = new ProgressReporter('callTools');
  const outcomes: CallToolsResult['outcomes'] = [];

  for (const [index, call] of input.calls.entries()) {
    const name = describeToolCall(call);
    progress.update({ step: name, done: index, total: input.calls.length });
    try {
      const result = await callTool(call);
      outcomes.push({ call: name, ok: true, result });
    } catch (err) {
      if (!(err instanceof ActivityFailure) || isCancellation(err)) throw err;
      const retry = retryPolicyOf(call); // what callTool ran it with
      const deadLetterId = await deadLetter({ step: `call ${index + 1}: ${name}`, call, retry }, err);
      if (input.stopOnError) throw err;
      const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
      outcomes.push({ call: name, ok: false, error: { type: cause?.type ?? 'ActivityFailure', message: cause?.message ?? err.message }, deadLetterId });
    }
  }

  const failed = outcomes.filter((o) => !o.ok).length;
  progress.update({ step: failed ? `${failed} of ${outcomes.length} calls failed` : 'all calls succeeded', state: 'completed', outcome: failed === 0 ? 'completed' : failed < outcomes.length ? 'partial' : 'failed', done: outcomes.length });
  return { outcomes, succeeded: outcomes.length - failed, failed };
}
