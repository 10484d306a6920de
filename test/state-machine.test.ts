/**
 * stateMachine: the definition checks and the xstate-backed transition logic without a server, then the seed's
 * deployment pipeline on the time-skipping server (a 24-hour approval window and a 30-minute deploy timeout take
 * milliseconds) with the real store MCP server: every path, the `send` validator, guards, wildcard rollback.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import { InvalidInputError, validateInput, type Orchestra } from '../src/client/api.js';
import { catalog } from '../src/schemas/catalog.js';
import type { MachineState, SendResult } from '../src/schemas/state-machine.js';
import { DECIDE_UPDATE } from '../src/shared/approval.js';
import { MACHINE_QUERY, SEND_UPDATE } from '../src/shared/state-machine.js';
import { deploymentPipeline } from '../src/state-machine/deployment-pipeline.js';
import { MachineDefinition, type MachineDefinitionInput } from '../src/state-machine/definition.js';
import { guardFailure, Machine } from '../src/state-machine/machine.js';
import { eventually } from './helpers/eventually.js';
import { readStore, serverRunTimeMs, useTemporal, withWorker } from './helpers/temporal.js';

const DAY = 24 * 60 * 60 * 1000;

function problemsOf(definition: MachineDefinitionInput): string {
  try {
    validateInput('stateMachine', { definition });
  } catch (err) {
    assert.ok(err instanceof InvalidInputError);
    return err.issues;
  }
  assert.fail('the definition was accepted');
}

const small = (patch: Partial<MachineDefinitionInput>): MachineDefinitionInput => ({
  name: 'small', initial: 'a',
  states: { a: {}, b: {}, done: { terminal: true } },
  transitions: [{ from: ['a'], to: 'b', event: 'go' }, { from: ['b'], to: 'done', event: 'finish' }],
  ...patch,
});

describe('stateMachine: definition checks and transitions (no server)', () => {
  it('accepts the deployment pipeline (the catalog example)', () => {
    assert.equal(catalog.stateMachine.example.definition, deploymentPipeline);
    validateInput('stateMachine', catalog.stateMachine.example);
    // The README starts it from the sample file: the same definition.
    assert.deepEqual(JSON.parse(fs.readFileSync('samples/deployment-pipeline.json', 'utf8')), { definition: deploymentPipeline });
  });

  it('names unknown states, unreachable states and terminal states with exits by field', () => {
    const issues = problemsOf(small({
      initial: 'start',
      states: { a: {}, b: {}, done: { terminal: true }, island: {} },
      transitions: [{ from: ['a', 'nowhere'], to: 'b', event: 'go' }, { from: ['done'], to: 'a', event: 'again' }, { from: ['b'], to: 'gone', event: 'x' }],
    }));
    assert.match(issues, /initial: unknown state "start" \(states: "a", "b", "done", "island"\)/);
    assert.match(issues, /transitions\[0\]\.from\[1\]: unknown state "nowhere"/);
    assert.match(issues, /transitions\[1\]\.from\[0\]: "done" is terminal and cannot have exits/);
    assert.match(issues, /transitions\[2\]\.to: unknown state "gone"/);
    const unreachable = problemsOf(small({ states: { a: {}, b: {}, done: { terminal: true }, island: {} } }));
    assert.match(unreachable, /^definition\.states\.island: unreachable: no transitions lead to "island" from "a"$/);
    // A name a person typed is quoted short and escaped: it cannot run on into the next problem or fill the screen.
    const garbled = `x; "y"\n${'z'.repeat(500)}`;
    const quoted = problemsOf(small({ initial: garbled }));
    assert.match(quoted, /; definition\.initial: unknown state "x; \\"y\\"\\nz{57}…" \(507 characters\) \(states: "a", "b", "done"\)$/);
  });

  it('rejects ambiguous transitions: an unguarded one shadowing a later one for the same state and event', () => {
    const issues = problemsOf(small({
      transitions: [
        { from: ['a'], to: 'b', event: 'go' },
        { from: ['a'], to: 'done', event: 'go', guard: [{ path: 'data.fast', op: 'truthy' }] },
        { from: ['b'], to: 'done', event: 'finish' },
        { from: '*', to: 'done', event: 'finish' },
      ],
    }));
    assert.match(issues, /transitions\[0\]: ambiguous: in "a", "go" is taken by this unguarded transition, so transitions\[1\] can never be/);
    assert.match(issues, /transitions\[2\]: ambiguous: in "b", "finish" .* transitions\[3\] can never be/);
    // Guarded first, unguarded last: a fallback, not ambiguous.
    MachineDefinition.parse(small({
      transitions: [
        { from: ['a'], to: 'done', event: 'go', guard: [{ path: 'data.fast', op: 'truthy' }] },
        { from: ['a'], to: 'b', event: 'go' },
        { from: ['b'], to: 'done', event: 'finish' },
      ],
    }));
  });

  it('rejects timeouts and approvals firing events their state cannot take, on terminal states too, and a machine that cannot end', () => {
    const issues = problemsOf(small({
      states: { a: { timeout: { after: '1h', event: 'late' } }, b: {}, done: { terminal: true, timeout: { after: '1h', event: 'go' } } },
    }));
    assert.match(issues, /states\.a\.timeout: fires "late", but no transition leaves "a" on it/);
    assert.match(issues, /states\.done\.timeout: "done" is terminal: it cannot fire events/);
    assert.match(problemsOf(small({ states: { a: {}, b: {}, done: {} } })), /states: no state is terminal/);
    assert.match(problemsOf(small({ transitions: [{ from: ['a'], to: 'b', event: 'go', guard: [{ path: 'coverage', op: 'gte', value: 1 }] }] })),
      /transitions\[0\]\.guard\[0\]\.path: must be context\.<field> or data\.<field>/);
  });

  it('takes the first transition whose guard holds, says why a guard did not, and expands wildcards to non-terminal states', () => {
    const machine = new Machine(MachineDefinition.parse(deploymentPipeline));
    let snapshot = machine.start();
    assert.equal(snapshot.value, 'idle');
    assert.deepEqual(machine.eventsFrom('idle'), ['start', 'rollback']);
    assert.deepEqual(machine.eventsFrom('live'), []);
    for (const type of ['start', 'build_complete']) {
      const step = machine.take(snapshot, { type, data: {} });
      assert.ok(step.taken);
      snapshot = step.next;
    }
    assert.deepEqual(machine.take(snapshot, { type: 'tests_passed', data: { coverage: 61 } }),
      { taken: false, reason: 'guard not met (to awaiting_approval: data.coverage is 61, must be ≥ 80)' });
    const passed = machine.take(snapshot, { type: 'tests_passed', data: { coverage: 93 } });
    assert.ok(passed.taken);
    assert.equal(passed.next.value, 'awaiting_approval');
    assert.deepEqual(passed.next.context, { coverage: 93 });
    assert.equal(guardFailure([{ path: 'context.env', op: 'in', value: ['prod'] }], {}, {}), 'context.env is missing, must be one of "prod"');
  });
});

describe('stateMachine: the deployment pipeline (time-skipping, real store)', () => {
  const t = useTemporal('time-skipping');

  const machineOf = (orchestra: Orchestra, id: string) => orchestra.handle(id).query<MachineState>(MACHINE_QUERY);
  const send = (orchestra: Orchestra, id: string, event: string, data: object = {}, sender = 'ci-bot') =>
    orchestra.handle(id).executeUpdate(SEND_UPDATE, { args: [{ event, data, sender }] }) as Promise<SendResult>;
  const deploymentEvents = (id: string) => readStore(t.deps, (db) => (db.prepare(
    'SELECT type FROM events WHERE aggregate_id = ? ORDER BY seq').all(`deployment:${id}`) as { type: string }[]).map((e) => e.type));

  /** Starts the pipeline and sends events in order, each of which must be taken. */
  async function pipelineAt(orchestra: Orchestra, taskQueue: string, events: [string, object?][]) {
    const run = await orchestra.start('stateMachine', { definition: deploymentPipeline }, { taskQueue });
    for (const [event, data] of events) assert.equal((await send(orchestra, run.workflowId, event, data)).taken, true, event);
    return run.workflowId;
  }
  const untilPendingApproval = (orchestra: Orchestra, id: string) => eventually(async () => {
    assert.ok((await orchestra.progress(id)).details?.pendingApproval, 'approval pending');
  }, { what: 'the approval to be asked' });

  it('runs build → test → approval → deploy → verify to live, recording who sent what, with the deploy action in the store', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const id = await pipelineAt(orchestra, taskQueue, [['start'], ['build_complete'], ['tests_passed', { coverage: 91 }]]);
      await untilPendingApproval(orchestra, id);
      const waiting = await machineOf(orchestra, id);
      assert.equal(waiting.state, 'awaiting_approval');
      assert.deepEqual(waiting.acceptedEvents, ['rollback'], 'the approval events are the gate\'s, not send\'s');
      await orchestra.handle(id).executeUpdate(DECIDE_UPDATE, { args: [{ decision: 'approved', approver: 'Grace Hopper' }] });
      // Sent at once: while the approved transition's action runs, `deployed` is judged against deploying, and waits.
      assert.deepEqual(await send(orchestra, id, 'deployed'), { taken: true, event: 'deployed', from: 'deploying', state: 'verifying', acceptedEvents: ['verified', 'verify_failed', 'rollback'] });
      await send(orchestra, id, 'verified', {}, 'smoke-tests');
      const result = await orchestra.result(id) as MachineState;
      assert.equal(result.state, 'live');
      assert.equal(result.terminal, true);
      assert.deepEqual(result.history.map((h) => [h.from, h.event, h.state, h.sender]), [
        ['idle', '(start)', 'idle', 'workflow'],
        ['idle', 'start', 'building', 'ci-bot'],
        ['building', 'build_complete', 'testing', 'ci-bot'],
        ['testing', 'tests_passed', 'awaiting_approval', 'ci-bot'],
        ['awaiting_approval', 'approved', 'deploying', 'Grace Hopper'],
        ['deploying', 'deployed', 'verifying', 'ci-bot'],
        ['verifying', 'verified', 'live', 'smoke-tests'],
      ]);
      assert.deepEqual(result.context, { coverage: 91, approver: 'Grace Hopper' });
      assert.deepEqual(deploymentEvents(id), ['DeploymentStarted']);
      const description = await orchestra.handle(id).describe();
      assert.equal(description.searchAttributes.OrchestraOutcome?.[0], 'live');
    });
  });

  it('rejects in the validator an event the state cannot take, listing what it can, and records nothing', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const id = await pipelineAt(orchestra, taskQueue, [['start']]);
      const before = await machineOf(orchestra, id);
      const rejected = async (event: string, data: object, message: RegExp) => {
        await assert.rejects(send(orchestra, id, event, data), (err: unknown) => {
          assert.ok(err instanceof WorkflowUpdateFailedError);
          assert.ok(err.cause instanceof ApplicationFailure);
          assert.equal(err.cause.type, 'InvalidUpdate');
          assert.match(err.cause.message, message);
          return true;
        });
      };
      await rejected('verified', {}, /^"building" does not take "verified"; it takes: build_complete, build_failed, rollback$/);
      await rejected('bad event!', {}, /^event: use 1–64 letters/);
      assert.deepEqual(await machineOf(orchestra, id), before);
      const history = await orchestra.handle(id).fetchHistory();
      assert.equal((history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length, 1, 'only `start` was accepted');
      await orchestra.handle(id).cancel();
      // The run closes while this worker still polls: work it scheduled on its way out, left on a queue no worker polls,
      // kept the time-skipping server from skipping time for the later tests (they hung now and then).
      await orchestra.handle(id).result().catch(() => undefined);
      assert.notEqual((await orchestra.describe(id)).status.name, 'RUNNING');
    });
  });

  it('answers "not taken" when a guard does not hold, records it, and stays', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const id = await pipelineAt(orchestra, taskQueue, [['start'], ['build_complete']]);
      const answer = await send(orchestra, id, 'tests_passed', { coverage: 55 });
      assert.deepEqual(answer, {
        taken: false, event: 'tests_passed', from: 'testing', state: 'testing',
        reason: 'guard not met (to awaiting_approval: data.coverage is 55, must be ≥ 80)', acceptedEvents: ['tests_passed', 'tests_failed', 'rollback'],
      });
      const state = await machineOf(orchestra, id);
      assert.equal(state.state, 'testing');
      assert.deepEqual(state.history.at(-1), { ...state.history.at(-1), from: 'testing', state: 'testing', event: 'tests_passed', taken: false, reason: answer.reason });
      await send(orchestra, id, 'tests_failed');
      const result = await orchestra.result(id) as MachineState;
      assert.equal(result.state, 'failed');
      assert.deepEqual(deploymentEvents(id), [], 'nothing was deployed');
    });
  });

  it('rolls back when the approval expires after 24 hours (time skipping)', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const id = await pipelineAt(orchestra, taskQueue, [['start'], ['build_complete'], ['tests_passed', { coverage: 80 }]]);
      const result = await orchestra.result(id) as MachineState;
      assert.equal(result.state, 'rolled_back');
      assert.deepEqual(result.history.at(-1), { ...result.history.at(-1), from: 'awaiting_approval', event: 'approval_expired', sender: 'timer', taken: true });
      assert.ok(await serverRunTimeMs(t.env, id) >= DAY, 'the server clock advanced by the full day');
    });
  });

  it('ends as cancelled when the deployment is denied', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const id = await pipelineAt(orchestra, taskQueue, [['start'], ['build_complete'], ['tests_passed', { coverage: 99 }]]);
      await untilPendingApproval(orchestra, id);
      await orchestra.handle(id).executeUpdate(DECIDE_UPDATE, { args: [{ decision: 'denied', approver: 'ops-lead', comment: 'freeze week' }] });
      const result = await orchestra.result(id) as MachineState;
      assert.equal(result.state, 'cancelled');
      assert.deepEqual(result.context, { coverage: 99, approver: 'ops-lead', comment: 'freeze week' });
    });
  });

  it('rolls back on a failed verification, a deploy timeout (30 minutes, time skipping) and a wildcard rollback, running the rollback action', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const approved = async () => {
        const id = await pipelineAt(orchestra, taskQueue, [['start'], ['build_complete'], ['tests_passed', { coverage: 85 }]]);
        await untilPendingApproval(orchestra, id);
        await orchestra.handle(id).executeUpdate(DECIDE_UPDATE, { args: [{ decision: 'approved', approver: 'Ada' }] });
        return id;
      };
      const verifyFailed = await approved();
      await eventually(async () => assert.equal((await machineOf(orchestra, verifyFailed)).state, 'deploying'), { what: 'deploying' });
      await send(orchestra, verifyFailed, 'deployed');
      await send(orchestra, verifyFailed, 'verify_failed', { errorRate: 0.3 });
      assert.equal((await orchestra.result(verifyFailed) as MachineState).state, 'rolled_back');
      assert.deepEqual(deploymentEvents(verifyFailed), ['DeploymentStarted', 'RolledBack']);

      const timedOut = await approved();
      const late = await orchestra.result(timedOut) as MachineState;
      assert.deepEqual(late.history.slice(-1).map((h) => [h.from, h.event, h.state, h.sender]), [['deploying', 'deploy_timed_out', 'rolled_back', 'timer']]);

      // `rollback` comes from `*`: any non-terminal state, including one waiting for approval (the question lapses).
      const waiting = await pipelineAt(orchestra, taskQueue, [['start'], ['build_complete'], ['tests_passed', { coverage: 90 }]]);
      await untilPendingApproval(orchestra, waiting);
      const answer = await send(orchestra, waiting, 'rollback', {}, 'release-manager');
      assert.deepEqual([answer.from, answer.state, answer.acceptedEvents], ['awaiting_approval', 'rolled_back', []]);
      const result = await orchestra.result(waiting) as MachineState;
      assert.equal(result.history.at(-1)?.sender, 'release-manager');
      assert.deepEqual(deploymentEvents(waiting), ['RolledBack']);
    });
  });
});
