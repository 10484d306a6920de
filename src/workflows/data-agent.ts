/**
 * One dynamic agent (seed 003 Part 2's instantiated agent) as a child workflow: it takes its units from the resource
 * pool, does its type's work with its specialisation parameters as real MCP tool calls (only the tools its template
 * allows), and gives the units back — in a non-cancellable scope, so a failed or cancelled agent never keeps them. The
 * release carries the outcome, which the pool counts in the type's success rate (a cancelled run counts neither way).
 *
 * The work follows the agent's capabilities (src/agents/work.ts): ingestion reads the source, validation judges the
 * records' quality against the threshold, transformation writes the records as JSON or CSV to the sandbox, and
 * coordination appends the team's outcomes to the store's event log.
 */
import { CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import { AgentWorkError, recordQuality, recordsOf, sourceCall, transformRecords, type DataRecord } from '../agents/work.js';
import { DataAgentInput, type AgentOutcome } from '../schemas/agent-team.js';
import { businessFailure } from '../shared/business-failure.js';
import { describeToolCall } from '../shared/tool-call-description.js';
import type { ToolCall } from '../shared/tool-call.js';
import { parseInput } from './support/input.js';
import { poolActivities, releaseGrant } from './support/pool.js';
import { ProgressReporter } from './support/progress.js';
import { callTool, stepKey } from './support/tools.js';

const READS = new Set(['store.query', 'filesystem.read_text_file']);

export async function dataAgent(raw: DataAgentInput): Promise<AgentOutcome> {
  const input = parseInput(DataAgentInput, raw);
  const { spec } = input;
  const progress = new ProgressReporter('dataAgent');
  const requestId = workflowInfo().workflowId;
  let outcome: AgentOutcome | undefined;
  try {
    progress.update({ step: `waiting for ${spec.units} unit${spec.units === 1 ? '' : 's'} of pool ${input.pool}`, state: 'waiting' });
    await poolActivities.acquireResources.executeWithOptions({ summary: `acquire ${spec.units} unit(s) from pool ${input.pool}` },
      [{ pool: input.pool, capacity: input.poolCapacity, request: { requestId, holder: requestId, units: spec.units, agentType: spec.agentType } }]);
    outcome = await work(input, progress);
    progress.update({ step: outcome.summary, state: 'completed', outcome: outcome.succeeded ? 'succeeded' : 'failed' });
    return outcome;
  } catch (err) {
    if (!isCancellation(err)) outcome = { agentId: spec.agentId, agentType: spec.agentType, workflowId: requestId, succeeded: false, summary: 'failed', calls: [] };
    throw err;
  } finally {
    await CancellationScope.nonCancellable(() => releaseGrant(input.pool, requestId, outcome && { agentType: spec.agentType, succeeded: outcome.succeeded }));
  }
}

async function work(input: ReturnType<typeof DataAgentInput.parse>, progress: ProgressReporter): Promise<AgentOutcome> {
  const { spec } = input;
  const p = spec.specialisation;
  const calls: string[] = [];
  const call = async (toolCall: ToolCall, purpose: string): Promise<unknown> => {
    const name = `${toolCall.server}.${toolCall.tool}`;
    if (!spec.tools.includes(name)) {
      throw businessFailure({ type: 'AgentToolNotAllowed', message: `${spec.agentType} may not call ${name} (its tools: ${spec.tools.join(', ')})` });
    }
    progress.update({ step: `${purpose}: ${describeToolCall(toolCall)}` });
    calls.push(describeToolCall(toolCall));
    const readOnly = READS.has(name);
    return callTool({ ...toolCall, ...(readOnly ? {} : { idempotencyKey: stepKey(`${spec.agentId}-${calls.length}`) }) },
      { summary: `${spec.agentId}: ${purpose}`, readOnly });
  };
  const done = (succeeded: boolean, summary: string): AgentOutcome =>
    ({ agentId: spec.agentId, agentType: spec.agentType, workflowId: workflowInfo().workflowId, succeeded, summary, calls });

  if (spec.capabilities.includes('pipeline_coordination')) {
    const ok = input.peers.filter((o) => o.succeeded).length;
    await call({ server: 'store', tool: 'append_event', args: {
      aggregate_id: `agent-team:${input.team}`,
      type: 'AgentTeamCoordinated',
      payload: { agents: input.peers.map((o) => ({ agentId: o.agentId, agentType: o.agentType, succeeded: o.succeeded, summary: o.summary })) },
    } }, `record the outcomes of ${input.peers.length} agents`);
    return done(true, `coordinated ${input.peers.length} agents: ${ok} succeeded`);
  }

  const source = String(p.ingestion_source ?? p.validation_source ?? p.transformation_source ?? 'user_data');
  let read: ToolCall;
  try {
    read = sourceCall(source, Number(p.batch_size ?? 100));
  } catch (err) {
    if (err instanceof AgentWorkError) throw businessFailure({ type: 'InvalidSource', message: err.message });
    throw err;
  }
  const records: DataRecord[] = recordsOf(await call(read, `read ${source}`));
  const notes = [`read ${records.length} records from ${source}`];
  let succeeded = records.length > 0;
  if (spec.capabilities.some((c) => c === 'data_validation' || c === 'quality_monitoring')) {
    const quality = recordQuality(records);
    const threshold = Number(p.quality_threshold ?? 0.8);
    succeeded &&= quality >= threshold;
    notes.push(`quality ${quality} ${quality >= threshold ? '≥' : '<'} ${threshold}`);
  }
  if (spec.capabilities.some((c) => c === 'data_transformation' || c === 'data_aggregation')) {
    const { content, extension } = transformRecords(records, String(p.transformation_type ?? 'json'));
    const folder = `agents/${input.team}`;
    const path = `${folder}/${spec.agentId}.${extension}`;
    await call({ server: 'filesystem', tool: 'create_directory', args: { path: folder } }, `create ${folder}`);
    await call({ server: 'filesystem', tool: 'write_file', args: { path, content } }, `write ${path}`);
    notes.push(`wrote ${path}`);
  }
  return done(succeeded, notes.join('; '));
}
