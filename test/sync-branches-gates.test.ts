/**
 * syncBranches' quality validator and human gates on the time-skipping server with the real MCP servers: the revision
 * loop and its bound, critical failure, gates before the sync point and the validator (approved, denied), and a run
 * resumed on a fresh worker that never processes a finished branch again.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { approve, closed, closedResult, eventsOf, failureOf, file, GOOD, pendingGate } from './helpers/sync-branches.js';
import { eventually } from './helpers/eventually.js';
import { useTemporal, withWorker } from './helpers/temporal.js';

describe('syncBranches validator and gates (time-skipping, real MCP servers)', () => {
  const t = useTemporal('time-skipping');
  const writeSandbox = (p: string, lines: string[]) => {
    fs.mkdirSync(path.dirname(path.join(t.deps.home, 'files', p)), { recursive: true });
    fs.writeFileSync(path.join(t.deps.home, 'files', p), `${lines.join('\n')}\n`);
  };

  it('sends poor work back through the branches at most maxRevisions times, then fails with QualityNotMet', async () => {
    writeSandbox('data/mixed.log', [...GOOD, 'garbage', 'more garbage']); // 3 of 5 records pass: quality 0.6
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('syncBranches', { items: [file('mixed', 'data/mixed.log', 'streaming')] }, { taskQueue });
      await closed(orchestra, run.workflowId);
      const failure = await failureOf(orchestra.result(run.workflowId));
      assert.equal(failure.type, 'QualityNotMet');
      assert.match(failure.message, /quality 60\.0% still < 80\.0% after 2 revisions/);
      assert.equal(failure.details.revisions, 2);
      assert.deepEqual((failure.details.branches as Array<{ branch: string; revision: number }>).map((b) => [b.branch, b.revision]),
        [['alpha', 0], ['rev1-alpha', 1], ['rev2-alpha', 2]]);
      // Three passes, each one child workflow that read the file once.
      const children = (await eventsOf(orchestra, run.workflowId)).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
      assert.equal(children.length, 3);
      assert.equal((await orchestra.progress(run.workflowId)).outcome, 'critical_failure');
    });
  });

  it('fails critically at once, without revising, when the merged quality is below 0.5', async () => {
    writeSandbox('data/garbage.log', ['garbage', '%%%']);
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('syncBranches', { items: [file('junk', 'data/garbage.log', 'batch')] }, { taskQueue });
      await closed(orchestra, run.workflowId);
      const failure = await failureOf(orchestra.result(run.workflowId));
      assert.equal(failure.type, 'QualityCritical');
      assert.match(failure.message, /quality 0\.0% < 50\.0%: too poor to revise/);
      assert.deepEqual((failure.details.branches as Array<{ branch: string }>).map((b) => b.branch), ['beta']);
    });
  });

  it('asks a person before each sync point and each validation; a fix made meanwhile passes on revision', async () => {
    writeSandbox('data/fixable.log', [...GOOD, 'garbage', 'more garbage']);
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('syncBranches', {
        items: [file('fixable', 'data/fixable.log', 'streaming')], gates: { beforeSync: true, beforeValidator: true },
      }, { taskQueue });
      const id = run.workflowId;
      await pendingGate(orchestra, id, /^proceed to the sync point of 1 branch\(es\) \(alpha\)$/);
      await approve(orchestra, id);
      await pendingGate(orchestra, id, /^validate 5 merged records \(quality 60%\)$/);
      // The person repairs the file before letting the validator run: the revision reads it again.
      writeSandbox('data/fixable.log', [...GOOD, ...GOOD.slice(0, 2)]);
      await approve(orchestra, id);
      await pendingGate(orchestra, id, /^proceed to the sync point of 1 branch\(es\) \(rev1-alpha\), revision 1$/);
      await approve(orchestra, id);
      await pendingGate(orchestra, id, /^validate 5 merged records \(quality 100%, revision 1\)$/);
      await approve(orchestra, id);
      const result = await closedResult(orchestra, id);

      assert.equal(result.revisions, 1);
      assert.equal(result.approvals.length, 4);
      assert.ok(result.approvals.every((a) => a.approver === 'Grace Hopper' && a.decision === 'approved'));
      assert.deepEqual(result.validation.verdict, 'quality_approved');
      assert.deepEqual(result.items, [{ item: 'fixable', branch: 'rev1-alpha', records: 5, quality: 1 }]);
      assert.deepEqual(Object.keys(result.merge.sourceAttribution), ['rev1-alpha']);
    });
  });

  it('stops with ApprovalDenied when the person denies the sync point', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('syncBranches', {
        items: [file('gateway', 'logs/api-gateway.log', 'streaming')], gates: { beforeSync: true },
      }, { taskQueue });
      await pendingGate(orchestra, run.workflowId, /^proceed to the sync point/);
      await approve(orchestra, run.workflowId, 'denied');
      await closed(orchestra, run.workflowId);
      const failure = await failureOf(orchestra.result(run.workflowId));
      assert.equal(failure.type, 'ApprovalDenied');
      assert.match(failure.message, /denied by Grace Hopper$/);
    });
  });

  it('resumes on a fresh worker after the gate without processing a finished branch again', async () => {
    const items = [
      file('gateway', 'logs/api-gateway.log', 'streaming'), file('auth', 'logs/auth-service.log', 'batch'),
      file('payments', 'logs/payments-service.log', 'realtime'), file('worker', 'logs/worker.log', 'streaming', { kind: 'aggregation', priority: 'high' }),
    ];
    const branches = ['alpha', 'beta', 'gamma', 'primary'];
    const { workflowId, taskQueue, runIds } = await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('syncBranches', { items, maxRecords: 10, gates: { beforeSync: true } }, { taskQueue });
      await pendingGate(orchestra, run.workflowId, /^proceed to the sync point of 4 branch\(es\)/);
      // Every branch finishes while the gate waits; then this worker goes away.
      const runIds = await eventually(async () => Promise.all(branches.map(async (b) => {
        const d = await orchestra.handle(`${run.workflowId}-${b}`).describe();
        assert.equal(d.status.name, 'COMPLETED');
        return d.runId;
      })), { what: 'every branch to complete', timeoutMs: 60_000 });
      return { workflowId: run.workflowId, taskQueue, runIds };
    }, { worker: { maxCachedWorkflows: 0 } }); // no sticky cache: the run's next task goes to the shared queue, to the next worker

    // A new worker on the same queue, with nothing cached: it replays the run from its history.
    await withWorker(t.env, t.deps, async ({ orchestra }) => {
      await approve(orchestra, workflowId);
      const result = await closedResult(orchestra, workflowId);
      assert.deepEqual(result.branches.map((b) => [b.branch, b.status]), branches.map((b) => [b, 'completed']));
      assert.equal(result.merge.records, 40);

      const started = (await eventsOf(orchestra, workflowId)).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
      assert.equal(started.length, 4, 'each branch was started once');
      for (const [i, b] of branches.entries()) {
        const child = orchestra.handle(`${workflowId}-${b}`);
        assert.equal((await child.describe()).runId, runIds[i], `${b} kept its one run`);
        const reads = (await eventsOf(orchestra, `${workflowId}-${b}`)).filter((e) => e.activityTaskScheduledEventAttributes);
        assert.equal(reads.length, 1, `${b} read its item once`);
      }
    }, { worker: { taskQueue } });
  });
});
