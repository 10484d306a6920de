/**
 * Seed 002's orchestrator over MCP tools: analyse the goal's complexity, choose a strategy — `direct` (one call),
 * `react` (reason → act → observe, up to an iteration limit) or `agents` (fan out to dynamic agents, `agentTeam`) — and
 * run it. The reasoner is the configured language model (OpenAI-compatible tool calling) or, without one or once its
 * retries run out, the offline planner (src/react/planner.ts); the result records which, and why.
 *
 * Every act is an MCP tool call, checked against the tool's input schema by the tool activity (a bad call comes back as
 * an observation the reasoner can correct: error recovery by reasoning, not by crashing). A tool whose annotations say
 * destructive waits for a person's approval first (`orchestra approve <id> --by …`); denied or timed out, it is not
 * called and the reasoner is told so. The transcript is in the `progress` query; each step is named in the Web UI.
 */
import { ActivityFailure, executeChild, isCancellation, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ToolActivities, ToolInfo } from '../activities/mcp.js';
import { analyseTask, type Strategy } from '../react/complexity.js';
import { coveringTool, nextStep, relevantTools, type PlannerOptions, type TakenStep } from '../react/planner.js';
import { isDestructive, isReadOnly, toolDocument, toolId, type ToolOption } from '../react/tools.js';
import type { AgentTeamInput, AgentTeamResult } from '../schemas/agent-team.js';
import type { Duration } from '../schemas/common.js';
import { ReactOrchestratorInput, type ReactOrchestratorResult, type ReactStep } from '../schemas/react-orchestrator.js';
import { businessFailure } from '../shared/business-failure.js';
import { ROUTE } from '../shared/search-attributes.js';
import { ApprovalGate } from './support/approval.js';
import { describeFailure } from './support/failures.js';
import { Fallback } from './support/fallback.js';
import { parseInput } from './support/input.js';
import { chooseToolCall, LLM_NOT_CONFIGURED } from './support/llm.js';
import { functionName, modelTools, observationText, withoutEngineKey } from './support/model-tools.js';
import { recoveryTimeouts } from '../shared/recovery.js';
import { ProgressReporter } from './support/progress.js';
import { childRouting } from './support/queues.js';
import { textActivities as text } from './support/text-analysis.js';
import { callTool, stepKey } from './support/tools.js';

const { listTools } = proxyActivities<ToolActivities>({ ...recoveryTimeouts('tool'), retry: { maximumAttempts: 5 } });

const SYSTEM = 'You reach the user\'s goal by calling the tools you are given, one call at a time, and reading what each '
  + 'returns. When you have what the goal asks for, or no tool can help further, answer in text: the answer, briefly, '
  + 'from what the tools returned.';

type Decision =
  | { kind: 'act'; by: 'llm' | 'planner'; tool?: ToolOption; name: string; args: Record<string, unknown>; problem?: string; thought?: string; callId?: string }
  | { kind: 'finish'; by: 'llm' | 'planner'; answer?: string; reason: ReactOrchestratorResult['stoppedBecause']; thought: string };

export async function reactOrchestrator(raw: ReactOrchestratorInput): Promise<ReactOrchestratorResult> {
  const input = parseInput(ReactOrchestratorInput, raw);
  const progress = new ProgressReporter('reactOrchestrator');

  // 1. The tools, and how relevant each is to the goal.
  progress.update({ step: `listing the tools of ${input.servers.join(', ')}` });
  const listed = await Promise.all(input.servers.map((server) =>
    listTools.executeWithOptions({ summary: `${server}: list tools` }, [{ server }]).then((tools) => tools.map((t) => toOption(server, t)))));
  const tools = listed.flat().filter((t) => !input.tools || input.tools.includes(toolId(t)));
  if (tools.length === 0) throw businessFailure({ type: 'NoToolsAvailable', message: `none of the tools asked for is offered by ${input.servers.join(', ')}` });
  const relevance = await text.rankByRelevance.executeWithOptions({ summary: `rank ${tools.length} tools for the goal` },
    [{ query: input.goal, documents: tools.map((t) => ({ id: toolId(t), text: toolDocument(t) })) }]);
  const planner: PlannerOptions = { minRelevance: input.minRelevance, maxConsecutiveFailures: 2 };

  // 2. Complexity analysis → strategy.
  const analysis = analyseTask(input.goal, relevantTools({ tools, relevance }, planner).length, coveringTool({ tools, relevance }, planner));
  const strategy: Strategy = input.strategy === 'auto' ? analysis.strategy : input.strategy;
  upsertSearchAttributes([{ key: ROUTE, value: strategy }]);
  progress.update({ step: `strategy ${strategy}: ${analysis.reason}`, details: { analysis, strategy } });
  const base = { goal: input.goal, strategy, strategyChosenBy: input.strategy === 'auto' ? 'analysis' as const : 'input' as const, analysis };

  if (strategy === 'agents') {
    const team = await runAgents(input, analysis.subtasks, progress);
    const answer = `${team.succeeded} of ${team.agents.length} agents succeeded${team.coordinator ? ', coordinated' : ''}: ${team.summary}`;
    progress.update({ step: answer, state: 'completed', outcome: team.failed ? 'partial' : 'completed' });
    return { ...base, reasoner: 'none', steps: [], answer, stoppedBecause: 'agents', agents: team };
  }

  // 3. Reason → act → observe.
  const reasoning = new Fallback({ notConfigured: [LLM_NOT_CONFIGURED], primaryEnabled: input.reasoner !== 'offline' });
  const steps: ReactStep[] = [];
  const taken: TakenStep[] = [];
  const observations: unknown[] = [];
  const turns: Array<{ callId: string; name: string; arguments: string; observation: string }> = [];
  let model: string | undefined;
  const limit = strategy === 'direct' ? 1 : input.maxIterations;
  let finish: Extract<Decision, { kind: 'finish' }> | undefined;

  for (let n = 1; n <= limit && !finish; n += 1) {
    progress.update({ step: `step ${n}: reasoning`, done: n - 1, total: limit, details: { transcript: steps } });
    const ran = await reasoning.run(`step ${n}`,
      async (): Promise<Decision> => {
        const answer = await chooseToolCall(`reason: step ${n}`, { system: SYSTEM, goal: input.goal, tools: modelTools(tools), transcript: turns });
        model = answer.model;
        if (answer.kind === 'finish') return { kind: 'finish', by: 'llm', answer: answer.answer, reason: 'answered', thought: 'the model answered' };
        const tool = tools.find((t) => functionName(t) === answer.name);
        return { kind: 'act', by: 'llm', tool, name: answer.name, args: withoutEngineKey(answer.args ?? {}), problem: answer.argsProblem, thought: answer.thought, callId: answer.callId };
      },
      async (): Promise<Decision> => {
        const d = nextStep({ goal: input.goal, context: input.context, tools, relevance, steps: taken, observations }, planner);
        return d.kind === 'finish'
          ? { kind: 'finish', by: 'planner', reason: d.reason, thought: d.thought }
          : { kind: 'act', by: 'planner', tool: d.tool, name: toolId(d.tool), args: d.args, thought: d.thought };
      });
    const decision = ran.value;
    if (decision.kind === 'finish') {
      finish = decision;
      break;
    }
    const step: ReactStep = { step: n, by: decision.by, ...(decision.thought ? { thought: decision.thought } : {}), action: { tool: decision.tool ? toolId(decision.tool) : decision.name, args: decision.args } };
    steps.push(step);
    const observed = await act(decision, step, n, input.approvalTimeout, progress);
    if (observed.ok) observations.push(observed.result);
    if (decision.tool) taken.push({ tool: toolId(decision.tool), args: decision.args, outcome: observed.ok ? 'ok' : step.approval && step.approval.status !== 'approved' ? 'refused' : 'failed' });
    if (decision.by === 'llm') {
      turns.push({ callId: decision.callId ?? `call-${n}`, name: decision.name, arguments: JSON.stringify(decision.args), observation: observed.text });
    }
  }

  const stoppedBecause = finish?.reason ?? (strategy === 'direct' ? 'direct' : 'iteration_limit');
  const answer = finish?.answer ?? offlineAnswer(steps, finish?.thought);
  const result: ReactOrchestratorResult = {
    ...base,
    reasoner: reasoning.producedBy === 'primary' ? 'llm' : reasoning.producedBy === 'fallback' ? 'offline' : 'mixed',
    ...(model && reasoning.producedBy !== 'fallback' ? { model } : {}),
    ...(reasoning.failure ? { fallback: reasoning.failure } : {}),
    steps,
    answer,
    stoppedBecause,
  };
  const failedCalls = steps.filter((s) => s.observation && !s.observation.ok).length;
  progress.update({
    step: `${stoppedBecause.replace(/_/g, ' ')} after ${steps.length} step${steps.length === 1 ? '' : 's'} (${result.reasoner})`,
    done: steps.length,
    state: 'completed',
    outcome: steps.length > 0 && failedCalls === steps.length ? 'failed' : 'completed',
    details: { transcript: steps, reasoner: result.reasoner, fallback: result.fallback ?? null },
  });
  return result;
}

/** Acts on a decision: the approval a destructive tool needs, then the call; returns what the reasoner observes. */
async function act(decision: Extract<Decision, { kind: 'act' }>, step: ReactStep, n: number, approvalTimeout: Duration,
  progress: ProgressReporter): Promise<{ ok: true; result: unknown; text: string } | { ok: false; text: string }> {
  const refuse = (errorType: string, message: string) => {
    step.observation = { ok: false, errorType, message };
    return { ok: false as const, text: `error ${errorType}: ${message}` };
  };
  const tool = decision.tool;
  if (!tool) return refuse('ToolNotFound', `no tool named "${decision.name}" is available to this run`);
  if (decision.problem) return refuse('InvalidToolArguments', decision.problem);
  const call = { server: tool.server, tool: tool.name, args: decision.args };
  if (isDestructive(tool.annotations)) {
    const args = JSON.stringify(decision.args);
    const outcome = await new ApprovalGate(progress).request(
      `step ${n}: ${toolId(tool)} ${args.length > 300 ? `${args.slice(0, 299)}…` : args} (destructive)`, { timeout: approvalTimeout });
    step.approval = outcome.status === 'timed_out' ? { status: 'timed_out' } : { status: outcome.status, approver: outcome.record.approver };
    if (outcome.status !== 'approved') {
      return refuse('NotApproved', outcome.status === 'denied'
        ? `${outcome.record.approver} denied this destructive call${outcome.record.comment ? `: ${outcome.record.comment}` : ''}; it was not run`
        : 'nobody approved this destructive call in time; it was not run');
    }
  }
  progress.update({ step: `step ${n}: ${toolId(tool)}` });
  try {
    const readOnly = isReadOnly(tool.annotations);
    const result = await callTool({ ...call, ...(readOnly ? {} : { idempotencyKey: stepKey(`react-step-${n}`) }) },
      { summary: `step ${n}${decision.thought ? `: ${decision.thought.slice(0, 120)}` : ''}`, readOnly });
    const text = observationText(result);
    step.observation = { ok: true, preview: observationText(result, 300) };
    return { ok: true, result, text };
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
    const { type, message } = describeFailure(err);
    return refuse(type, message);
  }
}

/** The agents strategy: one task per subtask, run by dynamic agents (`agentTeam`, a child workflow). */
async function runAgents(input: ReturnType<typeof ReactOrchestratorInput.parse>, subtasks: ReturnType<typeof analyseTask>['subtasks'],
  progress: ProgressReporter): Promise<AgentTeamResult> {
  const tasks: AgentTeamInput['tasks'] = subtasks.filter((s) => s.capabilities.length > 0)
    .map((s) => ({ description: s.text, capabilities: s.capabilities, params: { ...input.context, ...(/\bcsv\b/i.test(s.text) ? { output_format: 'csv' } : {}) } }));
  progress.update({ step: `fanning out ${tasks.length} tasks to agents` });
  return executeChild('agentTeam', {
    workflowId: `${workflowInfo().workflowId}--agents`,
    ...childRouting(),
    args: [{ tasks, pool: input.agentPool } satisfies AgentTeamInput],
  }) as Promise<AgentTeamResult>;
}

function toOption(server: string, tool: ToolInfo): ToolOption {
  return {
    server,
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    inputSchema: tool.inputSchema as ToolOption['inputSchema'],
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  };
}

/** The offline planner's answer: what each call observed, and why it stopped. */
function offlineAnswer(steps: ReactStep[], why: string | undefined): string {
  const ok = steps.filter((s) => s.observation?.ok);
  const last = ok.at(-1);
  const lines = [`${ok.length} of ${steps.length} tool calls succeeded${why ? `; stopped: ${why}` : ''}.`];
  if (last?.observation?.ok) lines.push(`Last observation (${last.action?.tool}): ${last.observation.preview}`);
  return lines.join('\n');
}
