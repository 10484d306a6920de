import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { CallToolsInput, type CallToolsResult } from '../schemas/call-tools.js';
import { describeToolCall } from '../shared/tool-call.js';
import { parseInput } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { callTool } from './support/tools.js';

/**
 * Calls MCP tools as durable activities, one after another: the smallest way to put any configured server's tools
 * under Temporal's retries, timeouts and history (`orchestra run callTools --input '{"calls":[…]}'`).
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
      if (input.stopOnError || !(err instanceof ActivityFailure)) throw err;
      const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
      outcomes.push({ call: name, ok: false, error: { type: cause?.type ?? 'ActivityFailure', message: cause?.message ?? err.message } });
    }
  }

  const failed = outcomes.filter((o) => !o.ok).length;
  progress.update({ step: failed ? `${failed} of ${outcomes.length} calls failed` : 'all calls succeeded', state: 'completed', outcome: failed === 0 ? 'completed' : failed < outcomes.length ? 'partial' : 'failed', done: outcomes.length });
  return { outcomes, succeeded: outcomes.length - failed, failed };
}
