/**
 * What a user sees of runs through the `orchestra` CLI, against a local dev server and the real MCP servers: statuses
 * that agree with Temporal, outcomes to filter by, failures with their details, commands that say what happened,
 * history, terminate, reset and retry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalog } from '../../src/schemas/catalog.js';
import type { FailureDocument } from '../../src/client/failure.js';
import { orchestraCli } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { useTemporal, withWorker, type WorkerRun } from '../helpers/temporal.js';

interface Listed { workflowId: string; type: string; status: string; outcome: string | null }

describe('orchestra CLI: runs as Temporal sees them', () => {
  const t = useTemporal('local');
  const cliFor = (run: WorkerRun) => (args: string[]) => orchestraCli(args, {
    TEMPORAL_ADDRESS: t.env.connection.options.address, ORCHESTRA_TASK_QUEUE: run.taskQueue,
  });

  it('lists by Temporal status and by outcome, with a header and an outcome column; a closed run shows how it ended', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const cli = cliFor(run);
      const { orchestra, taskQueue } = run;
      // Waiting on its timer, so running. A compensated saga: COMPLETED, outcome compensated. A refinement that
      // continues as new once: its first run is closed, not running.
      await orchestra.start('reminder', { recipient: 'ada@example.com', message: 'later', delay: '1h' }, { taskQueue, workflowId: 'cli-list-reminder-with-a-rather-long-workflow-id-that-must-not-break-columns' });
      const saga = await cli(['run', 'orderSaga', '--id', 'cli-list-saga', '--json', '--input', JSON.stringify({
        orderId: 'ord-42', customer: { id: 'cust-012', name: 'Bluth Banana Stand', email: 'money@bluth.example' },
        items: [{ sku: 'WIDGET-001', quantity: 3 }],
        shippingAddress: { name: 'Bluth', street: '1 Pier', city: 'Newport Beach', postalCode: '92660', country: 'US' },
      })]);
      assert.equal(saga.code, 0, saga.stderr);
      assert.equal((JSON.parse(saga.stdout) as { status: string }).status, 'compensated');
      const refine = await cli(['run', 'refineUntilQuality', '--id', 'cli-list-refine', '--json', '--input',
        JSON.stringify({ query: 'workflow retries', targetQuality: 1, maxIterations: 2, iterationsPerRun: 1 })]);
      assert.equal(refine.code, 0, refine.stderr);

      const list = async (...args: string[]) => {
        const listed = await cli(['list', '--json', ...args]);
        assert.equal(listed.code, 0, listed.stderr);
        return JSON.parse(listed.stdout) as Listed[];
      };
      await eventually(async () => {
        const running = await list('--status', 'running');
        assert.deepEqual(running.map((r) => r.workflowId), ['cli-list-reminder-with-a-rather-long-workflow-id-that-must-not-break-columns']);
        const compensated = await list('--outcome', 'compensated');
        assert.deepEqual(compensated.map((r) => [r.workflowId, r.status, r.outcome]), [['cli-list-saga', 'COMPLETED', 'compensated']]);
        const refined = await list('--pattern', 'refineUntilQuality');
        assert.deepEqual(refined.map((r) => r.status).sort(), ['COMPLETED', 'CONTINUED_AS_NEW']);
        assert.deepEqual((await list('--status', 'waiting')).map((r) => r.type), ['reminder']);
      });

      const table = await cli(['list']);
      const [header, ...rows] = table.stdout.trimEnd().split('\n');
      assert.match(header, /^WORKFLOW ID\s+TYPE\s+STATUS\s+OUTCOME\s+STARTED$/);
      const typeColumn = header.indexOf('TYPE');
      for (const row of rows) assert.match(row.slice(typeColumn), /^(reminder|orderSaga|refineUntilQuality)\s/, row);
      assert.ok(rows.some((row) => /orderSaga\s+COMPLETED\s+compensated\s/.test(row)));

      const bad = await cli(['list', '--status', 'compensated']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--status: must be one of running, waiting, completed/);

      const status = await cli(['status', 'cli-list-saga']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^cli-list-saga {2}orderSaga {2}COMPLETED — outcome: compensated$/m);
      assert.doesNotMatch(status.stdout, /details|running —|completed: completed/);
    });
  });

  it('prints why a run failed: the failure document with its details, on stdout, and exits 1', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const cli = cliFor(run);
      const input = { title: 'all fail', branches: [
        { kind: 'tool', id: 'weather', server: 'weather', tool: 'forecast', args: {} },
        { kind: 'tool', id: 'radar', server: 'weather', tool: 'radar', args: {} },
      ] };
      const failed = await cli(['run', 'parallelAggregate', '--id', 'cli-fail-all', '--json', '--input', JSON.stringify(input)]);
      assert.equal(failed.code, 1);
      const doc = JSON.parse(failed.stdout) as FailureDocument & { failure: { details: { failed: Array<{ id: string; type: string }>; completed: string[] } } };
      assert.equal(doc.status, 'FAILED');
      assert.equal(doc.failure.type, 'ToleranceNotMet');
      assert.match(doc.failure.message, /^failed: 0 of 2 branches completed/);
      assert.deepEqual(doc.failure.details.failed.map((f) => [f.id, f.type]), [['weather', 'ToolNotFound'], ['radar', 'ToolNotFound']]);
      assert.match(failed.stderr, /workflow failed — ToleranceNotMet: failed: 0 of 2/);

      const result = await cli(['result', 'cli-fail-all']);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /"type": "ToleranceNotMet"/);
      assert.match(result.stdout, /"id": "weather"/);

      // A business failure carries its type and message, not this machine's stack trace.
      const events = (await run.orchestra.history('cli-fail-all')).events ?? [];
      const activityFailure = events.find((e) => e.activityTaskFailedEventAttributes)!.activityTaskFailedEventAttributes!.failure!;
      assert.equal(activityFailure.applicationFailureInfo?.type, 'ToolNotFound');
      assert.equal(activityFailure.stackTrace, '');
      const runFailure = events.find((e) => e.workflowExecutionFailedEventAttributes)!.workflowExecutionFailedEventAttributes!.failure!;
      assert.equal(runFailure.stackTrace, '');

      // retry: the same run again from its start (a reset to its first workflow task), same id and input.
      const retried = await cli(['retry', 'cli-fail-all']);
      assert.equal(retried.code, 0, retried.stderr);
      assert.match(retried.stdout, /^reset cli-fail-all to event 4: new run \S+/);
      const again = await cli(['result', 'cli-fail-all', '--json']);
      assert.equal(again.code, 1);
      assert.equal((JSON.parse(again.stdout) as FailureDocument).failure.type, 'ToleranceNotMet');
    });
  });

  it('keeps what a cancelled fan-out finished: result shows the aggregate as the failure\'s details', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const cli = cliFor(run);
      await run.orchestra.start('parallelAggregate', { title: 'cancel me', branches: [
        { kind: 'text', id: 'mood', analysis: 'sentiment', text: 'A great, quick setup.' },
        { kind: 'tool', id: 'report', server: 'store', tool: 'analytics_report', args: { steps: 50, step_ms: 10_000 }, readOnly: true, timeout: '15 minutes' },
      ] }, { taskQueue: run.taskQueue, workflowId: 'cli-cancel-fan-out' });
      await eventually(async () => assert.equal((await run.orchestra.progress('cli-cancel-fan-out')).done, 1));
      assert.equal((await cli(['cancel', 'cli-cancel-fan-out'])).code, 0);
      const result = await cli(['result', 'cli-cancel-fan-out', '--json']);
      assert.equal(result.code, 1);
      const doc = JSON.parse(result.stdout) as FailureDocument & { failure: { details: { completed: string[]; cancelled: string[] } } };
      assert.equal(doc.status, 'CANCELLED');
      assert.deepEqual([doc.failure.details.completed, doc.failure.details.cancelled], [['mood'], ['report']]);
      await eventually(async () => {
        const listed = JSON.parse((await cli(['list', '--outcome', 'cancelled', '--json'])).stdout) as Listed[];
        assert.deepEqual(listed.map((r) => [r.workflowId, r.status]), [['cli-cancel-fan-out', 'CANCELLED']]);
      });
    });
  });

  it('says what really happened: nothing to cancel, no such signal, no such run — with non-zero exits', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const cli = cliFor(run);
      await run.orchestra.start('reminder', { recipient: 'bob@example.com', message: 'soon', delay: '1h' }, { taskQueue: run.taskQueue, workflowId: 'cli-truth' });
      await eventually(async () => assert.equal((await run.orchestra.progress('cli-truth')).state, 'waiting'));

      const bogus = await cli(['signal', 'cli-truth', 'bogus']);
      assert.equal(bogus.code, 2);
      assert.match(bogus.stderr, /cli-truth has no signal "bogus" \(it handles: no signals\); nothing was sent/);
      const unknownUpdate = await cli(['update', 'cli-truth', 'bogus']);
      assert.equal(unknownUpdate.code, 2);
      assert.match(unknownUpdate.stderr, /bogus rejected by cli-truth, nothing was recorded/);

      const cancelled = await cli(['cancel', 'cli-truth']);
      assert.equal(cancelled.code, 0, cancelled.stderr);
      const ended = await cli(['result', 'cli-truth', '--json']);
      assert.equal(ended.code, 1);
      assert.equal((JSON.parse(ended.stdout) as FailureDocument).status, 'CANCELLED');

      const twice = await cli(['cancel', 'cli-truth']);
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /cli-truth has already finished \(CANCELLED\): nothing to cancel/);
      const late = await cli(['signal', 'cli-truth', 'anything']);
      assert.equal(late.code, 1);
      const missing = await cli(['status', 'no-such-run']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no run with id "no-such-run" in namespace "default"/);

      await run.orchestra.start('reminder', { recipient: 'bob@example.com', message: 'never', delay: '1h' }, { taskQueue: run.taskQueue, workflowId: 'cli-terminate' });
      const terminated = await cli(['terminate', 'cli-terminate', '--reason', 'test over']);
      assert.equal(terminated.code, 0, terminated.stderr);
      assert.match(terminated.stdout, /terminated cli-terminate: test over/);
      const status = await cli(['status', 'cli-terminate', '--json']);
      assert.equal((JSON.parse(status.stdout) as { status: string }).status, 'TERMINATED');
      assert.equal((await cli(['terminate', 'cli-terminate'])).code, 1);
    });
  });

  it('shows a run\'s history in words and resets it to a named step', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const cli = cliFor(run);
      const done = await cli(['run', 'orderSaga', '--id', 'cli-history-saga', '--input', JSON.stringify(catalog.orderSaga.example)]);
      assert.equal(done.code, 0, done.stderr);

      const history = await cli(['history', 'cli-history-saga']);
      assert.equal(history.code, 0, history.stderr);
      const lines = history.stdout.split('\n');
      assert.match(lines[0], /^#\s+TIME\s+EVENT\s+STEP\s+ATTEMPT\s+OUTCOME$/);
      assert.ok(lines.some((l) => /ActivityTaskCompleted\s+store\.charge_payment — charge \$\S+ to cust-001\s+1\s+completed$/.test(l)), history.stdout);
      assert.ok(lines.some((l) => /WorkflowExecutionCompleted\s+run completed$/.test(l)));
      assert.doesNotMatch(history.stdout, /WorkflowTask/);

      const nowhere = await cli(['reset', 'cli-history-saga', '--to', 'store.nothing']);
      assert.equal(nowhere.code, 2);
      assert.match(nowhere.stderr, /no step "store.nothing" in this run; its steps: .*store\.charge_payment/);

      const reset = await cli(['reset', 'cli-history-saga', '--to', 'store.send_notification']);
      assert.equal(reset.code, 0, reset.stderr);
      const result = await cli(['result', 'cli-history-saga', '--json']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { status: string }).status, 'completed');
      // The new run kept the steps before the notification and ran it and what follows again.
      const rows = JSON.parse((await cli(['history', 'cli-history-saga', '--json'])).stdout) as Array<{ event: string; step: string }>;
      const scheduled = rows.filter((r) => r.event === 'ActivityTaskScheduled').map((r) => r.step.split(' ')[0]);
      assert.deepEqual(scheduled.filter((s) => s === 'store.send_notification').length, 1);
      assert.ok(scheduled.includes('store.create_shipping_label'));
    });
  });

  it('describes each workflow type with an example that validates, and lists them as a table', async () => {
    const workflows = await orchestraCli(['workflows']);
    assert.equal(workflows.code, 0, workflows.stderr);
    const [header, ...rows] = workflows.stdout.split('\n');
    assert.match(header, /^TYPE\s+DESCRIPTION\s+EXAMPLE$/);
    for (const name of Object.keys(catalog)) assert.ok(rows.some((r) => r.startsWith(`${name} `)), name);
    assert.doesNotMatch(workflows.stdout, /"\$schema"/);

    const described = await orchestraCli(['describe', 'accessRequest']);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /orchestra run accessRequest --input '\{"request":"Admin access to the payouts dashboard"/);
    assert.match(described.stdout, /Updates:\n {2}decide — /);
    assert.match(described.stdout, /Queries:\n {2}progress — .*\n {2}approval — /);
    const unknown = await orchestraCli(['describe', 'nope']);
    assert.equal(unknown.code, 2);
  });
});
