/**
 * Dynamic agent generation (seed 003 Part 2): from the work — tasks naming capabilities, or the seed's data batch queue
 * — the requirements (plus a coordinating agent when more than two agents are needed); for each, the factory scores the
 * registered templates (0.4 capability match + 0.4 success rate + 0.2 resource efficiency, src/agents/scoring.ts) with
 * the success rates the resource pool keeps, picks the best, specialises it, and runs it as a `dataAgent` child
 * workflow drawing on the pool. Specialists run side by side (as far as the pool allows); the coordinator runs last,
 * over their outcomes. A requirement no template can meet is recorded as failed (`NoSuitableAgent`), as in the seed.
 */
import { ActivityFailure, ChildWorkflowFailure, executeChild, isCancellation, workflowInfo } from '@temporalio/workflow';
import { requirementsFromBatches, specialisationParameters, withCoordinator, type Requirement } from '../agents/requirements.js';
import { scoreCandidates } from '../agents/scoring.js';
import { AgentTeamInput, type AgentOutcome, type AgentSpecification, type AgentTeamResult, type DataAgentInput } from '../schemas/agent-team.js';
import { describeFailure } from './support/failures.js';
import { parseInput } from './support/input.js';
import { poolActivities, releaseGrant } from './support/pool.js';
import { ProgressReporter } from './support/progress.js';
import { childRouting } from './support/queues.js';

export async function agentTeam(raw: AgentTeamInput): Promise<AgentTeamResult> {
  const input = parseInput(AgentTeamInput, raw);
  const progress = new ProgressReporter('agentTeam');
  const team = workflowInfo().workflowId;

  // 1. Requirements (the seed's analysis), a coordinator above two.
  const requirements = withCoordinator([
    ...input.tasks.map((t): Requirement => ({ description: t.description, capabilities: t.capabilities, params: t.params })),
    ...requirementsFromBatches(input.batches),
  ]);
  progress.update({ step: `${requirements.length} agents needed`, details: { requirements: requirements.map((r) => r.capabilities.join('+')) } });

  // 2. The factory: score, pick, specialise.
  // Bounded: a pool whose task queue no worker polls any more answers no query; the team fails instead of waiting.
  const status = await poolActivities.poolStatus.executeWithOptions(
    { summary: `read success rates from pool ${input.pool}`, startToCloseTimeout: '1 minute', retry: { maximumAttempts: 3 } },
    [{ pool: input.pool, capacity: input.poolCapacity }]);
  const rates = Object.fromEntries(Object.entries(status.successRates).map(([type, s]) => [type, s.rate]));
  const specs: AgentSpecification[] = [];
  const unmet: AgentOutcome[] = [];
  for (const [i, requirement] of requirements.entries()) {
    const candidates = scoreCandidates(requirement.capabilities, input.templates, rates);
    const best = candidates[0];
    const template = best && input.templates.find((t) => t.type === best.type);
    if (!template) {
      unmet.push({ agentId: `unmet_${i + 1}`, agentType: 'none', workflowId: '', succeeded: false, calls: [], errorType: 'NoSuitableAgent',
        summary: `no agent type has every capability of "${requirement.description}": ${requirement.capabilities.join(', ')}` });
      continue;
    }
    const agentId = `${template.type}_${i + 1}`;
    specs.push({ agentId, agentType: template.type, task: requirement.description, capabilities: template.capabilities, tools: template.tools,
      units: template.units, specialisation: specialisationParameters(template.type, requirement, agentId), candidates });
  }
  progress.update({ step: `agents chosen: ${specs.map((s) => s.agentType).join(', ')}`, details: { chosen: specs.map((s) => ({ agentId: s.agentId, score: s.candidates[0].score })) } });

  // 3. Specialists side by side, then the coordinator over their outcomes.
  const run = (spec: AgentSpecification, peers: AgentOutcome[]) => runAgent(input, team, spec, peers, progress);
  const coordinator = specs.find((s) => s.capabilities.includes('pipeline_coordination'));
  const outcomes = [...await Promise.all(specs.filter((s) => s !== coordinator).map((s) => run(s, []))), ...unmet];
  if (coordinator) outcomes.push(await run(coordinator, [...outcomes]));

  const succeeded = outcomes.filter((o) => o.succeeded).length;
  const summary = outcomes.map((o) => `${o.agentId}: ${o.summary}`).join('; ');
  progress.update({ step: `${succeeded} of ${outcomes.length} agents succeeded`, state: 'completed', outcome: succeeded === outcomes.length ? 'completed' : succeeded ? 'partial' : 'failed' });
  return { agents: outcomes, specifications: specs, coordinator: coordinator !== undefined, succeeded, failed: outcomes.length - succeeded, summary };
}

async function runAgent(input: ReturnType<typeof AgentTeamInput.parse>, team: string, spec: AgentSpecification, peers: AgentOutcome[],
  progress: ProgressReporter): Promise<AgentOutcome> {
  const workflowId = `${team}--${spec.agentId}`;
  try {
    return await executeChild('dataAgent', {
      workflowId,
      ...childRouting(),
      args: [{ spec, pool: input.pool, poolCapacity: input.poolCapacity, team, peers } satisfies DataAgentInput],
      staticSummary: `${spec.agentType}: ${spec.task}`,
    }) as AgentOutcome;
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ChildWorkflowFailure)) throw err;
    // The agent releases its own grant; a terminated or timed-out one could not, so the team does (a no-op otherwise).
    await releaseGrant(input.pool, workflowId);
    // The agent's own failure (a tool call's error reaches the team as child → activity → application failure).
    const { type, message } = describeFailure(err.cause instanceof ActivityFailure ? err.cause : err);
    progress.update({ step: `${spec.agentId} failed: ${type}` });
    return { agentId: spec.agentId, agentType: spec.agentType, workflowId, succeeded: false, summary: `failed: ${message}`, calls: [], errorType: type };
  }
}
