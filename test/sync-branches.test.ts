/**
 * syncBranches on the time-skipping server with the real filesystem and store MCP servers: the merge against seed 003's
 * formula when every branch is done, and the sync point's timers (≥ 75 % after the grace period; < 75 % waiting, then
 * the overall timeout → rebalance; rebalances exhausted → SyncTimedOut).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { branchWeight } from '../src/sync-branches/merge.js';
import { atSyncPoint, closed, closedResult, failureOf, file, REVENUE, store } from './helpers/sync-branches.js';
import { serverRunTimeMs, testDeps, timeSkippingEnv, useTemporal, withWorker, type TestDeps } from './helpers/temporal.js';

describe('syncBranches (time-skipping, real MCP servers)', () => {
  const t = useTemporal('time-skipping');

  const outputLines = (d: TestDeps, p: string) =>
    fs.readFileSync(path.join(d.home, 'files', p), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { item: string; branch: string; quality: number; fields: Record<string, unknown> });

  it('merges at once when every branch is done, weighting each by the seed\'s formula and keeping each record\'s branch', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('syncBranches', {
        title: 'all done',
        items: [
          file('gateway', 'logs/api-gateway.log', 'streaming'),
          file('auth', 'logs/auth-service.log', 'batch'),
          file('payments', 'logs/payments-service.log', 'realtime'),
          REVENUE,
        ],
        maxRecords: 20,
      }, { taskQueue });
      const result = await closedResult(orchestra, run.workflowId);

      assert.equal(result.outcome, 'quality_approved');
      assert.deepEqual([result.analysis.mode, result.analysis.maxBranches], ['adaptive', 3]);
      assert.deepEqual(result.branches.map((b) => [b.branch, b.lane, b.items, b.status, b.capability]), [
        ['alpha', 'alpha', ['gateway'], 'completed', 'analysis'], ['beta', 'beta', ['auth'], 'completed', 'analysis'],
        ['gamma', 'gamma', ['payments'], 'completed', 'analysis'], ['primary', 'primary', ['revenue'], 'completed', 'analysis'],
      ]);
      const last = result.syncPoints.at(-1)!;
      assert.deepEqual([last.progress, last.status, last.action], [1, 'completed', 'proceed_to_data_merge']);
      assert.deepEqual([result.rebalances, result.revisions, result.merge.unmerged], [0, 0, []]);

      // The merge, against 0.7 × quality + 0.3 × 1 / (1 + seconds / 60), from each branch's own time.
      for (const w of result.merge.weights) {
        const branch = result.branches.find((b) => b.branch === w.branch)!;
        assert.equal(w.seconds, branch.durationMs! / 1000);
        assert.equal(w.timeFactor, 1 / (1 + w.seconds / 60));
        assert.equal(w.weight, w.quality * 0.7 + w.timeFactor * 0.3);
        assert.equal(w.weight, branchWeight(w.quality, w.seconds).weight);
      }
      const total = result.merge.weights.reduce((n, w) => n + w.weight, 0);
      assert.ok(Math.abs(result.merge.totalWeight - total) < 1e-12);
      assert.ok(Math.abs(result.merge.qualityScore - result.merge.weights.reduce((n, w) => n + w.quality * w.weight, 0) / total) < 1e-12);
      assert.ok(Math.abs(Object.values(result.merge.sourceAttribution).reduce((a, b) => a + b, 0) - 1) < 1e-12);
      assert.equal(result.merge.qualityScore, 1, 'clean logs and complete rows pass every check');

      // The records really came from the store and the files, each keeping its branch, written as JSON lines.
      const records = outputLines(t.deps, result.output.path);
      assert.equal(result.output.path, `sync/${run.workflowId}.jsonl`);
      assert.equal(records.length, result.merge.records);
      assert.deepEqual([...new Set(records.map((r) => `${r.item}@${r.branch}`))], ['gateway@alpha', 'auth@beta', 'payments@gamma', 'revenue@primary']);
      assert.equal(records.filter((r) => r.item === 'gateway').length, 20);
      assert.deepEqual(records.find((r) => r.item === 'gateway')!.fields, {
        at: '2024-06-11T13:48:26.265Z', level: 'INFO', service: 'api-gateway',
        message: '[req_4bba07931d] POST /v1/payments status=201 duration_ms=486 merchant=mer_8830 upstream=payments-service',
        status: 201, duration_ms: 486, merchant: 'mer_8830', upstream: 'payments-service',
      });
      assert.deepEqual(Object.keys(records.find((r) => r.item === 'revenue')!.fields), ['month', 'category', 'revenue']);

      // Each branch is a child workflow on the parent's queue (the analysis capability's, until capability queues land).
      const child = await orchestra.handle(`${run.workflowId}-alpha`).describe();
      assert.equal(child.taskQueue, taskQueue);
      assert.equal(child.type, 'syncBranch');
    });
  });
});

describe('syncBranches sync point: timers (time-skipping; the tests move the clock)', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await timeSkippingEnv();
  });
  after(async () => {
    await env?.teardown();
  });

  /**
   * A worker over a store whose tools misbehave as `faults` says (STORE_FAULTS), closed afterwards. Its query time limit
   * is generous: it counts the start of the store's query processes, slow on a loaded machine, and a QueryTimeout is final.
   */
  async function withStoreFaults(faults: object, fn: Parameters<typeof withWorker>[2]): Promise<void> {
    const deps = await testDeps({ STORE_FAULTS: JSON.stringify(faults), STORE_QUERY_TIMEOUT_MS: '60000' });
    try {
      await withWorker(env, deps, fn);
    } finally {
      await deps.close();
    }
  }

  it('at 75% waits out the grace period, then merges what is done and stops the straggler (its item left unmerged)', async () => {
    // Every store query hangs until cancelled: the aggregation branch cannot finish.
    await withStoreFaults({ query: { hang: true } }, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('syncBranches', {
        items: [
          file('gateway', 'logs/api-gateway.log', 'streaming'), file('auth', 'logs/auth-service.log', 'batch'),
          file('payments', 'logs/payments-service.log', 'realtime'), REVENUE,
        ],
        maxRecords: 10,
        sync: { gracePeriod: '10s', overallTimeout: '1 hour' },
      }, { taskQueue });
      await atSyncPoint(orchestra, run.workflowId, 'waiting_final', 3);
      await env.sleep('10s');
      const result = await closedResult(orchestra, run.workflowId);

      assert.deepEqual(result.branches.map((b) => [b.branch, b.status]), [['alpha', 'completed'], ['beta', 'completed'], ['gamma', 'completed'], ['primary', 'stopped']]);
      assert.deepEqual(result.syncPoints.map((p) => [p.progress, p.status, p.action]).slice(-2), [
        [0.75, 'waiting_final', 'continue_waiting'], [0.75, 'waiting_final', 'conditional_proceed'],
      ]);
      assert.deepEqual(result.merge.unmerged, ['revenue']);
      assert.deepEqual(Object.keys(result.merge.sourceAttribution), ['alpha', 'beta', 'gamma']);
      assert.equal(result.merge.records, 30);
      assert.ok(await serverRunTimeMs(env, run.workflowId) >= 10_000, 'the grace period ran its 10 s');
      assert.equal((await orchestra.progress(`${run.workflowId}-primary`)).outcome, 'stopped');
    });
  });

  it('below 75% keeps waiting; past the overall timeout it stops the branches and rebalances their work, which then completes', async () => {
    // The first three store queries hang until cancelled; the rebalanced ones answer.
    await withStoreFaults({ query: { hang: 3 } }, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('syncBranches', {
        items: [
          file('gateway', 'logs/api-gateway.log', 'streaming'),
          store('orders', 'SELECT order_id, status, total FROM order_history ORDER BY order_id', 'batch'),
          REVENUE,
          store('tiers', 'SELECT tier, COUNT(*) AS customers FROM user_data GROUP BY tier ORDER BY tier', 'batch', { kind: 'aggregation' }),
        ],
        maxRecords: 10,
        // Short enough that the hung calls' own deadlines (a 20 s heartbeat timeout) do not pass first as the clock moves.
        sync: { gracePeriod: '5s', overallTimeout: '10s' },
      }, { taskQueue });
      await atSyncPoint(orchestra, run.workflowId, 'waiting', 1);
      // Still waiting 5 s later: below 75% is not enough to merge, however long it has been.
      await env.sleep('5s');
      await atSyncPoint(orchestra, run.workflowId, 'waiting', 1);
      await env.sleep('5s');
      const result = await closedResult(orchestra, run.workflowId);

      assert.equal(result.rebalances, 1);
      assert.deepEqual(result.branches.map((b) => [b.branch, b.status, b.items]), [
        ['alpha', 'completed', ['gateway']], ['beta', 'stopped', ['orders']], ['primary', 'stopped', ['revenue']], ['secondary', 'stopped', ['tiers']],
        ['rb1-b1', 'completed', ['orders']], ['rb1-b2', 'completed', ['revenue']], ['rb1-b3', 'completed', ['tiers']],
      ]);
      assert.deepEqual(result.syncPoints.map((p) => [p.attempt, p.progress, p.status, p.action]), [
        [0, 0, 'waiting', 'continue_waiting'], [0, 0.25, 'waiting', 'continue_waiting'], [0, 0.25, 'timed_out', 'timeout_recovery'],
        ...result.syncPoints.slice(3, -1).map((p) => [1, p.progress, p.status, 'continue_waiting']),
        [1, 1, 'completed', 'proceed_to_data_merge'],
      ]);
      assert.deepEqual(result.merge.unmerged, [], JSON.stringify(result.items));
      assert.deepEqual(result.items.map((i) => [i.item, i.branch, i.records]), [['gateway', 'alpha', 10], ['orders', 'rb1-b1', 10], ['revenue', 'rb1-b2', 10], ['tiers', 'rb1-b3', 2]]);
      assert.ok(await serverRunTimeMs(env, run.workflowId) >= 10_000);
    });
  });
  it('fails with SyncTimedOut when the sync point times out with no rebalance left, naming the unfinished items', async () => {
    await withStoreFaults({ query: { hang: true } }, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('syncBranches', {
        items: [file('gateway', 'logs/api-gateway.log', 'streaming'), REVENUE],
        sync: { gracePeriod: '5s', overallTimeout: '10s', maxRebalances: 0 },
      }, { taskQueue });
      await atSyncPoint(orchestra, run.workflowId, 'waiting', 1);
      await env.sleep('10s');
      await closed(orchestra, run.workflowId);
      const failure = await failureOf(orchestra.result(run.workflowId));
      assert.equal(failure.type, 'SyncTimedOut');
      assert.match(failure.message, /1 item\(s\) unfinished after 0 rebalance\(s\): revenue$/);
      assert.deepEqual((failure.details.branches as Array<{ branch: string; status: string }>).map((b) => [b.branch, b.status]),
        [['alpha', 'completed'], ['primary', 'stopped']]);
      assert.equal((await orchestra.progress(run.workflowId)).outcome, 'sync_timed_out');
    });
  });
});
