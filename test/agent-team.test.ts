import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { requirementsFromBatches, specialisationParameters, withCoordinator, type Requirement } from '../src/agents/requirements.js';
import { scoreCandidates } from '../src/agents/scoring.js';
import { DEFAULT_TEMPLATES } from '../src/agents/templates.js';
import { recordQuality, transformRecords } from '../src/agents/work.js';
import type { AgentOutcome, AgentTeamResult, DataAgentInput } from '../src/schemas/agent-team.js';
import type { ReactOrchestratorResult } from '../src/schemas/react-orchestrator.js';
import { POOL_ACQUIRE_UPDATE, POOL_QUERY, POOL_RELEASE_UPDATE, POOL_RETIRE_UPDATE, poolWorkflowId, type PoolState } from '../src/schemas/resource-pool.js';
import { eventually } from './helpers/eventually.js';
import { readStore, useTemporal, withWorker, type WorkerRun } from './helpers/temporal.js';

describe('agent factory: scoring, requirements, specialisation (seed 003 Part 2)', () => {
  it('scores candidates 0.4 × capability match + 0.4 × success rate + 0.2 × resource efficiency', () => {
    // Ingestion: the specialist (1 of 1 capabilities, 1 unit) against the generalist (1 of 4, 2 units).
    assert.deepEqual(scoreCandidates(['data_ingestion'], DEFAULT_TEMPLATES, {}), [
      { type: 'data_ingestion_specialist', capabilityMatch: 1, successRate: 1, resourceEfficiency: 1, score: 1 },
      { type: 'data_engineer', capabilityMatch: 0.25, successRate: 1, resourceEfficiency: 0.5, score: 0.6 },
    ]);
    // Validation: the specialist has 2 capabilities (0.5 match). At a 0.25 success rate it scores 0.2 + 0.1 + 0.2 = 0.5,
    // below the generalist's 0.1 + 0.4 + 0.1 = 0.6: the history of outcomes changes the choice.
    const [best, second] = scoreCandidates(['data_validation'], DEFAULT_TEMPLATES, { data_validation_specialist: 0.25 });
    assert.deepEqual(best, { type: 'data_engineer', capabilityMatch: 0.25, successRate: 1, resourceEfficiency: 0.5, score: 0.6 });
    assert.deepEqual(second, { type: 'data_validation_specialist', capabilityMatch: 0.5, successRate: 0.25, resourceEfficiency: 1, score: 0.5 });
    // Only templates with every required capability are candidates.
    assert.deepEqual(scoreCandidates(['data_ingestion', 'data_transformation'], DEFAULT_TEMPLATES, {}).map((c) => c.type), ['data_engineer']);
    assert.deepEqual(scoreCandidates(['pipeline_coordination', 'data_ingestion'], DEFAULT_TEMPLATES, {}), []);
  });

  it('analyses a batch queue by the seed\'s rules and adds a coordinator only above two agents', () => {
    const requirements = requirementsFromBatches([
      { type: 'streaming', complexity: 'high', source: 'user_data' },
      { type: 'streaming', complexity: 'medium', source: 'user_data' },
      { type: 'validation', source: 'customer_summary' },
    ]);
    assert.deepEqual(requirements.map((r) => r.capabilities), [['data_ingestion'], ['data_validation']]);
    assert.deepEqual(requirements[0].params, { data_source: 'user_data', batch_size: 1000, sla_seconds: 600 });
    assert.deepEqual(requirements[1].params, { data_source: 'customer_summary', rules: 'comprehensive', quality_required: 0.95, sla_seconds: 400 });
    assert.equal(withCoordinator(requirements).length, 2);
    const three: Requirement[] = [...requirements, { description: 'write', capabilities: ['data_transformation'], params: {} }];
    const coordinated = withCoordinator(three);
    assert.equal(coordinated.length, 4);
    assert.deepEqual(coordinated[3], { description: 'Coordinate multiple specialized data processing agents', capabilities: ['pipeline_coordination'],
      params: { agent_count: 3, coordination_complexity: 'high' } });
  });

  it('specialises each agent type with the seed\'s parameters and defaults', () => {
    const [ingest, validate] = requirementsFromBatches([{ type: 'streaming', complexity: 'high', source: 'user_data', size: 20 }, { type: 'validation', quality: 0.9 }]);
    assert.deepEqual(specialisationParameters('data_ingestion_specialist', ingest, 'a1'), {
      agent_id: 'a1', ingestion_source: 'user_data', batch_size: 20, data_format: ['json'], schema_validation: true,
      quality_threshold: 0.8, response_time_target: 600, iteration_limit: 3,
    });
    const v = specialisationParameters('data_validation_specialist', validate, 'v1');
    assert.equal(v.validation_rules, 'comprehensive');
    assert.equal(v.quality_threshold, 0.9);
    assert.equal(v.confidence_intervals, 0.95);
  });

  it('judges record quality as the share of complete records, and writes CSV with quoting', () => {
    assert.equal(recordQuality([{ a: 1, b: 'x' }, { a: null, b: 'y' }, { a: 2, b: '' }, { a: 3, b: 'z' }]), 0.5);
    assert.equal(recordQuality([]), 0);
    assert.deepEqual(transformRecords([{ name: 'Acme, Inc.', n: 1 }, { name: 'Say "hi"', n: 2 }], 'csv'),
      { content: 'name,n\n"Acme, Inc.",1\n"Say ""hi""",2\n', extension: 'csv' });
  });
});

/** The input of one agent, as the factory would build it (for starting an agent on its own). */
function agentInput(type: string, agentId: string, pool: string, source: string, capacity = 2): DataAgentInput {
  const template = DEFAULT_TEMPLATES.find((t) => t.type === type)!;
  const requirement: Requirement = { description: `${type} on ${source}`, capabilities: template.capabilities, params: { data_source: source, batch_size: 5 } };
  return {
    spec: { agentId, agentType: type, task: requirement.description, capabilities: template.capabilities, tools: template.tools, units: template.units,
      specialisation: specialisationParameters(type, requirement, agentId), candidates: [] },
    pool, poolCapacity: capacity, team: `team-${pool}`,
  };
}

async function poolState(run: WorkerRun, pool: string): Promise<PoolState> {
  return run.orchestra.client.workflow.getHandle(poolWorkflowId(pool)).query<PoolState>(POOL_QUERY);
}

// On a local dev server: the pool is a long-lived entity with no timer of its own, and the time-skipping server would
// skip its clock past the pool's default run timeout whenever a client waits on a result.
describe('agentTeam and its resource pool (local dev server, real store and filesystem servers)', () => {
  const t = useTemporal('local');

  it('runs the seed\'s batch queue as four agents (a coordinator above two) doing real tool calls, and frees the pool', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const started = await run.orchestra.start('agentTeam', {
        pool: 'team-a',
        batches: [
          { type: 'streaming', complexity: 'high', source: 'user_data', size: 20 },
          { type: 'validation', source: 'customer_summary', quality: 0.9 },
          { type: 'transformation', source: 'historical_data', output_format: 'csv' },
        ],
      }, { taskQueue: run.taskQueue });
      const result = await run.orchestra.result(started.workflowId) as AgentTeamResult;
      assert.equal(result.coordinator, true);
      assert.deepEqual(result.specifications.map((s) => [s.agentType, s.candidates[0].score]),
        [['data_ingestion_specialist', 1], ['data_validation_specialist', 0.8], ['data_transformation_specialist', 0.7], ['pipeline_coordinator', 1]]);
      assert.equal(result.failed, 0, result.summary);
      assert.match(result.agents[0].summary, /read 12 records from user_data/);
      // Real effects: the CSV in the sandbox and the coordinator's event in the store.
      const csv = fs.readFileSync(path.join(t.deps.home, 'files', 'agents', started.workflowId, 'data_transformation_specialist_3.csv'), 'utf8');
      assert.match(csv.split('\n')[0], /^month,category,orders/);
      const event = readStore(t.deps, (db) => db.prepare('SELECT type, payload FROM events WHERE aggregate_id = ?').get(`agent-team:${started.workflowId}`) as { type: string; payload: string });
      assert.equal(event.type, 'AgentTeamCoordinated');
      assert.equal((JSON.parse(event.payload) as { agents: unknown[] }).agents.length, 3);
      const pool = await poolState(run, 'team-a');
      assert.equal(pool.inUse, 0);
      assert.deepEqual(pool.successRates.data_transformation_specialist, { runs: 1, successes: 1, rate: 1 });
    });
  });

  it('is what reactOrchestrator fans a goal out to when its subtasks ask for different capabilities', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const fanned = await orchestra.execute('reactOrchestrator', {
        goal: 'Load user_data, validate it and then write it as CSV', context: { data_source: 'user_data' }, agentPool: 'react-test',
      }, { taskQueue }) as ReactOrchestratorResult;
      assert.equal(fanned.strategy, 'agents');
      assert.deepEqual(fanned.analysis.capabilities, ['data_ingestion', 'data_validation', 'data_transformation']);
      assert.equal(fanned.stoppedBecause, 'agents');
      assert.equal(fanned.reasoner, 'none');
      const team = fanned.agents as AgentTeamResult;
      assert.equal(team.coordinator, true);
      assert.deepEqual(team.agents.map((a) => a.agentType),
        ['data_ingestion_specialist', 'data_validation_specialist', 'data_transformation_specialist', 'pipeline_coordinator']);
      assert.ok(team.agents.every((a) => a.succeeded), JSON.stringify(team.agents));
      // "write it as CSV": the transformation agent wrote CSV.
      assert.match(team.agents[2].summary, /wrote agents\/.+\/data_transformation_specialist_3\.csv/);
    });
  });

  it('releases a failed agent\'s units, counts the failure, and the next team\'s factory scores with it', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const first = await run.orchestra.execute('agentTeam', {
        pool: 'team-b',
        tasks: [{ description: 'validate a missing table', capabilities: ['data_validation'], params: { data_source: 'no_such_table' } }],
      }, { taskQueue: run.taskQueue }) as AgentTeamResult;
      assert.equal(first.failed, 1);
      assert.equal(first.agents[0].errorType, 'QueryRejected');
      const pool = await poolState(run, 'team-b');
      assert.equal(pool.inUse, 0);
      assert.deepEqual(pool.successRates.data_validation_specialist, { runs: 1, successes: 0, rate: 0 });
      // Persisted in the pool: the next team reads a 0 success rate, and the generalist now wins validation work.
      const secondRun = await run.orchestra.start('agentTeam', {
        pool: 'team-b',
        tasks: [{ description: 'validate users', capabilities: ['data_validation'], params: { data_source: 'user_data' } }],
      }, { taskQueue: run.taskQueue });
      const second = await run.orchestra.result(secondRun.workflowId) as AgentTeamResult;
      assert.equal(second.specifications[0].agentType, 'data_engineer', JSON.stringify(second.specifications[0]));
      assert.deepEqual(second.specifications[0].candidates.map((c) => [c.type, c.successRate, c.score]), [['data_engineer', 1, 0.6], ['data_validation_specialist', 0, 0.4]]);
      assert.equal(second.failed, 0, second.summary);
    });
  });

  it('rejects a request for more units than the pool has, continues as new keeping grants and success rates, and retires', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const handle = await run.orchestra.client.workflow.start('resourcePool', {
        workflowId: poolWorkflowId('team-c'), taskQueue: run.taskQueue, args: [{ name: 'team-c', capacity: 3, continueAsNewAfterEvents: 40 }],
      });
      await assert.rejects(handle.executeUpdate(POOL_ACQUIRE_UPDATE, { args: [{ requestId: 'big', holder: 'test', units: 4 }] }),
        (err: Error) => /units: asks for 4; the pool has 3 in all/.test(String((err.cause as Error | undefined)?.message ?? err.message)));
      await handle.executeUpdate(POOL_ACQUIRE_UPDATE, { args: [{ requestId: 'held', holder: 'test', units: 1 }] });
      for (let i = 0; i < 12; i += 1) {
        const requestId = `r${i}`;
        await handle.executeUpdate(POOL_ACQUIRE_UPDATE, { args: [{ requestId, holder: 'test', units: 2, agentType: 'x' }] });
        await handle.executeUpdate(POOL_RELEASE_UPDATE, { args: [{ requestId, outcome: { agentType: 'x', succeeded: i % 3 !== 0 } }] });
      }
      const latest = await eventually(async () => {
        const d = await run.orchestra.client.workflow.getHandle(poolWorkflowId('team-c')).describe();
        assert.notEqual(d.runId, handle.firstExecutionRunId);
        return d;
      }, { what: 'the pool to continue as new' });
      assert.equal(latest.status.name, 'RUNNING');
      const state = await poolState(run, 'team-c');
      assert.deepEqual(state.grants.map((g) => g.requestId), ['held']);
      assert.deepEqual(state.successRates.x, { runs: 12, successes: 8, rate: 8 / 12 });
      // Retiring: no new requests; the run ends once the last grant is back, answering the success rates.
      const latestHandle = run.orchestra.client.workflow.getHandle(poolWorkflowId('team-c'));
      await latestHandle.executeUpdate(POOL_RETIRE_UPDATE);
      await assert.rejects(latestHandle.executeUpdate(POOL_ACQUIRE_UPDATE, { args: [{ requestId: 'late', holder: 'test', units: 1 }] }),
        (err: Error) => /is retiring and takes no new requests/.test(String((err.cause as Error | undefined)?.message ?? err.message)));
      await latestHandle.executeUpdate(POOL_RELEASE_UPDATE, { args: [{ requestId: 'held' }] });
      assert.deepEqual(await latestHandle.result(), { name: 'team-c', retired: true, successRates: { x: { runs: 12, successes: 8, rate: 8 / 12 } } });
    });
  });
});

describe('resource pool under contention (local dev server; the store\'s first query hangs)', () => {
  const t = useTemporal('local', { STORE_FAULTS: JSON.stringify({ query: { hang: 1 } }) });

  it('queues an agent while the pool is full, and hands the units on when the holder is cancelled', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const client = run.orchestra.client;
      const holder = await client.workflow.start('dataAgent', { workflowId: 'agent-holder', taskQueue: run.taskQueue,
        args: [agentInput('data_transformation_specialist', 'holder', 'tight', 'user_data')] });
      await eventually(async () => assert.deepEqual((await poolState(run, 'tight')).grants.map((g) => g.requestId), ['agent-holder']), { what: 'the holder\'s grant' });
      const waiter = await client.workflow.start('dataAgent', { workflowId: 'agent-waiter', taskQueue: run.taskQueue,
        args: [agentInput('data_ingestion_specialist', 'waiter', 'tight', 'user_data')] });
      const full = await eventually(async () => {
        const s = await poolState(run, 'tight');
        assert.deepEqual(s.queue.map((q) => q.requestId), ['agent-waiter']);
        return s;
      }, { what: 'the waiter to queue' });
      assert.equal(full.inUse, 2);
      assert.equal(full.available, 0);

      // The holder hangs on its first query; cancelling it releases its 2 units, and the waiter gets them.
      await holder.cancel();
      await assert.rejects(holder.result(), (err: unknown) => err instanceof WorkflowFailedError);
      const outcome = await waiter.result() as AgentOutcome;
      assert.equal(outcome.succeeded, true);
      const after = await poolState(run, 'tight');
      assert.equal(after.inUse, 0);
      assert.deepEqual(after.queue, []);
      // The cancelled run counts neither way; the waiter's success is counted.
      assert.deepEqual(after.successRates, { data_ingestion_specialist: { runs: 1, successes: 1, rate: 1 } });
    });
  });

  it('withdraws a queued request when the waiting agent is cancelled', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const client = run.orchestra.client;
      await client.workflow.start('resourcePool', { workflowId: poolWorkflowId('queue'), taskQueue: run.taskQueue, args: [{ name: 'queue', capacity: 1 }] });
      await client.workflow.getHandle(poolWorkflowId('queue')).executeUpdate(POOL_ACQUIRE_UPDATE, { args: [{ requestId: 'someone', holder: 'test', units: 1 }] });
      const waiter = await client.workflow.start('dataAgent', { workflowId: 'agent-queued', taskQueue: run.taskQueue,
        args: [agentInput('data_ingestion_specialist', 'queued', 'queue', 'user_data', 1)] });
      await eventually(async () => assert.deepEqual((await poolState(run, 'queue')).queue.map((q) => q.requestId), ['agent-queued']), { what: 'the request to queue' });
      await waiter.cancel();
      await assert.rejects(waiter.result(), (err: unknown) => err instanceof WorkflowFailedError);
      const state = await poolState(run, 'queue');
      assert.deepEqual(state.queue, []);
      assert.deepEqual(state.grants.map((g) => g.requestId), ['someone']);
    });
  });
});
