import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { InvalidInputError, type Orchestra } from '../src/client/api.js';
import type { Branch, ParallelAggregateInput, ParallelAggregateResult } from '../src/schemas/parallel-aggregate.js';
import { PATTERN } from '../src/shared/search-attributes.js';
import { analyzeSentiment, detectLanguage, extractKeywords, summarize } from '../src/text/index.js';
import { eventually } from './helpers/eventually.js';
import { readStore, testDeps, timeSkippingEnv, useTemporal, withWorker, type TestDeps } from './helpers/temporal.js';

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Orchestra['handle']>['fetchHistory']>>['events']>[number];

const REVIEW = 'The new dashboard is great and the support team was wonderful. Setup was quick, the reports are clear, ' +
  'and the team answered every question the same day. A great experience overall.';

const text = (id: string, analysis: 'sentiment' | 'keywords' | 'summary' | 'language', body = REVIEW): Branch =>
  ({ kind: 'text', id, analysis, text: body });
const customer = (id: string, customerId: string): Branch =>
  ({ kind: 'tool', id, server: 'store', tool: 'get_customer', args: { customer_id: customerId } });
/** A store tool that hangs until cancelled (STORE_FAULTS below). */
const slowReport = (id: string, timeout = '5 minutes'): Branch =>
  ({ kind: 'tool', id, server: 'store', tool: 'analytics_report', args: { steps: 3, step_ms: 10 }, timeout });

/** A report of about 9 kB in the filesystem sandbox (large/report.txt), for branches with large results. */
function writeLargeReport(home: string): void {
  fs.mkdirSync(path.join(home, 'files', 'large'), { recursive: true });
  fs.writeFileSync(path.join(home, 'files', 'large', 'report.txt'),
    Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')}: ${'quarterly figures '.repeat(4)}`).join('\n'));
}

async function historyOf(orchestra: Orchestra, workflowId: string): Promise<HistoryEvent[]> {
  return (await orchestra.handle(workflowId).fetchHistory()).events ?? [];
}

/** The most activities that were scheduled and not yet closed at any point, by history order. */
function peakInFlight(events: HistoryEvent[]): number {
  let inFlight = 0;
  let peak = 0;
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) peak = Math.max(peak, ++inFlight);
    if (e.activityTaskCompletedEventAttributes || e.activityTaskFailedEventAttributes
      || e.activityTaskTimedOutEventAttributes || e.activityTaskCanceledEventAttributes) inFlight -= 1;
  }
  return peak;
}

async function toleranceFailure(promise: Promise<unknown>): Promise<ParallelAggregateResult> {
  let aggregate: ParallelAggregateResult | undefined;
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof WorkflowFailedError);
    assert.ok(err.cause instanceof ApplicationFailure);
    assert.equal(err.cause.type, 'ToleranceNotMet');
    assert.equal(err.cause.nonRetryable, true);
    aggregate = err.cause.details?.[0] as ParallelAggregateResult;
    assert.equal(err.cause.message, aggregate.summary);
    return true;
  });
  return aggregate!;
}

describe('parallelAggregate (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  let deps: TestDeps;
  before(async () => {
    env = await timeSkippingEnv();
    // analytics_report hangs until cancelled; the first list_customers call fails with a retryable fault;
    // search_documents takes 65 s (longer than an activity's default minute).
    deps = await testDeps({ STORE_FAULTS: JSON.stringify({
      analytics_report: { hang: true }, list_customers: { fail: 1 }, search_documents: { delayMs: 65_000 },
    }) });
    writeLargeReport(deps.home);
  });
  after(async () => {
    await deps?.close();
    await env?.teardown();
  });

  const cancelledReports = () => readStore(deps, (db) =>
    (db.prepare(`SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'analytics_report' AND kind = 'cancelled'`).get() as { n: number }).n);

  it('aggregates tool calls and text analyses side by side, each retried on its own policy', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('parallelAggregate', {
        title: 'premium customers and refund files',
        branches: [
          { kind: 'tool', id: 'user_data', server: 'store', tool: 'query', args: { sql: 'SELECT customer_id, tier FROM user_data ORDER BY customer_id' } },
          { kind: 'tool', id: 'files_for_refund', server: 'filesystem', tool: 'search_files', args: { path: '.', pattern: '**/*refund*' }, readOnly: true },
          // Its first call fails with a retryable fault: the branch's own retry policy brings it home.
          { kind: 'tool', id: 'premium', server: 'store', tool: 'list_customers', args: { tier: 'premium' }, retry: { initialInterval: '100ms', maximumAttempts: 3 } },
          text('sentiment', 'sentiment'), text('keywords', 'keywords'), text('summary', 'summary'), text('language', 'language'),
        ],
      }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as ParallelAggregateResult;

      assert.equal(result.status, 'succeeded');
      assert.equal(result.title, 'premium customers and refund files');
      assert.deepEqual(result.completed, ['user_data', 'files_for_refund', 'premium', 'sentiment', 'keywords', 'summary', 'language']);
      assert.deepEqual([result.failed, result.timedOut, result.cancelled], [[], [], []]);
      assert.equal(result.required, 4); // half of 7, rounded up
      assert.equal((result.results.user_data as { row_count: number }).row_count, 12);
      assert.match((result.results.files_for_refund as { content: string }).content, /documents\/refund-policy\.md/);
      assert.equal((result.results.premium as { count: number }).count, 5);
      assert.equal((result.results.sentiment as { label: string }).label, 'positive');
      assert.equal((result.results.language as { code: string }).code, 'eng');
      // Each analysis branch returns what the analysis itself says of the text.
      assert.deepEqual(result.results.sentiment, analyzeSentiment(REVIEW));
      assert.deepEqual(result.results.keywords, extractKeywords(REVIEW));
      assert.deepEqual(result.results.summary, summarize(REVIEW));
      assert.deepEqual(result.results.language, detectLanguage(REVIEW));
      assert.equal(result.partitions, 0);
      assert.ok(result.branches.every((b) => b.status === 'completed' && b.startMs !== undefined && b.durationMs > 0), 'every branch took time');
      assert.match(result.summary, /^succeeded: 7 of 7 branches completed, 4 needed, in [\d.]+ s$/);

      const events = await historyOf(orchestra, run.workflowId);
      const summaries = events.filter((e) => e.activityTaskScheduledEventAttributes)
        .map((e) => defaultPayloadConverter.fromPayload(e.userMetadata!.summary!) as string);
      assert.ok(summaries.includes('store.query sql="SELECT customer_id, tier FROM user_data ORDER BY customer_id" — branch user_data'), summaries.join('\n'));
      assert.ok(summaries.some((s) => s.startsWith('sentiment of "The new dashboard')), summaries.join('\n'));
      const progress = await orchestra.progress(run.workflowId);
      assert.deepEqual([progress.state, progress.done, progress.total], ['completed', 7, 7]);
      assert.equal((await orchestra.describe(run.workflowId)).typedSearchAttributes.get(PATTERN), 'parallelAggregate');
    });
  });

  it('is partial at the tolerance and fails with ToleranceNotMet, carrying the partial results, just below it', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const four = (bad: number): Branch[] => [0, 1, 2, 3].map((i) =>
        customer(`c${i + 1}`, i < 4 - bad ? `cust-00${i + 1}` : `cust-99${i}`));
      const run = (input: ParallelAggregateInput) => orchestra.execute('parallelAggregate', input, { taskQueue });
      // One after another: concurrent result waits slow the time-skipping server down.
      const atHalf = await run({ branches: four(2) }); // 2 of 4 ≥ the default 0.5
      const atThreeQuarters = await run({ branches: four(1), minSuccessRatio: 0.75 }); // 3 of 4 = 0.75
      const below = await toleranceFailure(run({ branches: four(3) })); // 1 of 4 < 0.5
      const short = await toleranceFailure(run({ branches: four(2), minSuccesses: 3 })); // 2 < 3

      assert.equal(atHalf.status, 'partial');
      assert.deepEqual(atHalf.completed, ['c1', 'c2']);
      assert.deepEqual(atHalf.failed.map((f) => [f.id, f.type]), [['c3', 'UnknownCustomer'], ['c4', 'UnknownCustomer']]);
      assert.match(atHalf.failed[0].message, /cust-992/);
      assert.equal((atHalf.results.c2 as { customer: { id: string } }).customer.id, 'cust-002');
      assert.match(atHalf.summary, /^partial: 2 of 4 branches completed \(2 failed\), 2 needed/);

      assert.equal(atThreeQuarters.status, 'partial');
      assert.equal(atThreeQuarters.required, 3);

      assert.equal(below.status, 'failed');
      assert.deepEqual(below.completed, ['c1']);
      assert.deepEqual(Object.keys(below.results), ['c1']);
      assert.equal(below.failed.length, 3);
      assert.match(below.summary, /^failed: 1 of 4 branches completed \(3 failed\), 2 needed/);

      assert.deepEqual([short.required, short.completed.length], [3, 2]);
    });
  });

  it('reports a branch that outlives its timeout as timed out and keeps the others\' results', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const result = await orchestra.execute('parallelAggregate', {
        branches: [customer('ada', 'cust-001'), slowReport('report', '2s'), text('mood', 'sentiment')],
      }, { taskQueue });
      assert.equal(result.status, 'partial');
      assert.deepEqual(result.completed, ['ada', 'mood']);
      assert.deepEqual(result.timedOut, ['report']);
      assert.deepEqual(result.failed, []);
      const report = result.branches.find((b) => b.id === 'report')!;
      assert.equal(report.status, 'timed_out');
      // The MCP request ends just before the branch's deadline (ToolTimeout), or Temporal times the activity out.
      assert.ok(['ToolTimeout', 'Timeout'].includes(report.error!.type), report.error!.type);
      assert.ok(report.durationMs >= 2_000, `ran until its 2 s timeout (${report.durationMs} ms)`);
      assert.deepEqual(Object.keys(result.results).sort(), ['ada', 'mood']);
      assert.equal((result.results.ada as { customer: { id: string } }).customer.id, 'cust-001');
      assert.deepEqual(result.results.mood, analyzeSentiment(REVIEW));
      assert.match(result.summary, /\(1 timed out\)/);
    });
  });

  it('lets a branch run longer than a minute when its timeout allows: the branch timeout governs each attempt', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('parallelAggregate', {
        branches: [{
          kind: 'tool', id: 'slow-search', server: 'store', tool: 'search_documents', args: { query: 'retries' }, readOnly: true,
          timeout: '90s', retry: { maximumAttempts: 1 },
        }],
      }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as ParallelAggregateResult;
      assert.equal(result.status, 'succeeded', result.summary);
      assert.ok((result.results['slow-search'] as { results: unknown[] }).results.length > 0);
      const scheduled = (await historyOf(orchestra, run.workflowId)).find((e) => e.activityTaskScheduledEventAttributes)!
        .activityTaskScheduledEventAttributes!;
      assert.equal(Number(scheduled.scheduleToCloseTimeout?.seconds), 90);
      assert.equal(Number(scheduled.startToCloseTimeout?.seconds), 90);
    });
  });

  it('by default runs 10 branches at a time and gives each 1 minute, retries included', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('parallelAggregate', {
        branches: [customer('ada', 'cust-001'), ...Array.from({ length: 11 }, (_, i) => text(`p${i + 1}`, 'sentiment', `a good day ${i}`))],
      }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as ParallelAggregateResult;
      assert.equal(result.completed.length, 12);
      const events = await historyOf(orchestra, run.workflowId);
      assert.equal(peakInFlight(events), 10);
      // The minute bounds each branch as a whole, every attempt included: its schedule-to-close timeout.
      const scheduled = events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
      assert.equal(scheduled.length, 12);
      for (const s of scheduled) assert.equal(Number(s.scheduleToCloseTimeout?.seconds), 60, s.activityType?.name ?? '');
    });
  });

  it('never runs more than maxConcurrency branches at once', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const phrases = ['good', 'bad', 'great', 'terrible', 'fine', 'awful', 'nice', 'poor', 'happy', 'sad', 'calm', 'angry'];
      const run = await orchestra.start('parallelAggregate', {
        branches: phrases.map((word, i) => text(`p${i + 1}`, 'sentiment', `a ${word} day`)),
        maxConcurrency: 3,
      }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as ParallelAggregateResult;
      assert.equal(result.status, 'succeeded');
      const events = await historyOf(orchestra, run.workflowId);
      assert.equal(events.filter((e) => e.activityTaskScheduledEventAttributes).length, 12);
      assert.equal(peakInFlight(events), 3);
    });
  });

  it('cancels the branches still running or waiting once the tolerance is met', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const cancelledBefore = cancelledReports();
      const run = await orchestra.start('parallelAggregate', {
        // Three at a time: quick-1, slow-1, slow-2 start; quick-2 takes quick-1's place; slow-3 is still waiting.
        branches: [customer('quick-1', 'cust-001'), slowReport('slow-1'), slowReport('slow-2'), customer('quick-2', 'cust-002'), slowReport('slow-3')],
        maxConcurrency: 3,
        minSuccesses: 2,
        cancelWhenDecided: true,
      }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as ParallelAggregateResult;
      assert.equal(result.status, 'partial');
      assert.deepEqual(result.completed, ['quick-1', 'quick-2']);
      assert.deepEqual(result.cancelled, ['slow-1', 'slow-2', 'slow-3']);
      const slow3 = result.branches.find((b) => b.id === 'slow-3')!;
      assert.equal(slow3.startMs, undefined);
      assert.match(slow3.error!.message, /tolerance was met.*before it started/);
      assert.match(result.branches.find((b) => b.id === 'slow-1')!.error!.message, /tolerance was met/);

      const events = await historyOf(orchestra, run.workflowId);
      assert.equal(events.filter((e) => e.activityTaskScheduledEventAttributes).length, 4, 'slow-3 never started');
      assert.equal(events.filter((e) => e.activityTaskCancelRequestedEventAttributes).length, 2);
      // The store server itself saw both running requests cancelled.
      await eventually(() => cancelledReports() - cancelledBefore >= 2, { what: 'the store to log two cancelled reports' });
    });
  });

  it('stops early with ToleranceNotMet once the tolerance is out of reach', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const aggregate = await toleranceFailure(orchestra.execute('parallelAggregate', {
        branches: [customer('x1', 'cust-991'), customer('x2', 'cust-992'), slowReport('slow-a'), slowReport('slow-b')],
        minSuccesses: 3,
        cancelWhenDecided: true,
      }, { taskQueue }));
      assert.deepEqual(aggregate.failed.map((f) => f.id), ['x1', 'x2']);
      assert.deepEqual(aggregate.cancelled, ['slow-a', 'slow-b']);
      assert.match(aggregate.branches[2].error!.message, /can no longer be met/);
    });
  });

  it('a person can stop the fan-out and get what has finished', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('parallelAggregate', {
        branches: [customer('a', 'cust-001'), customer('b', 'cust-002'), slowReport('slow')],
      }, { taskQueue });
      await eventually(async () => (await orchestra.progress(run.workflowId)).done === 2, { what: 'the two quick branches to finish' });
      await assert.rejects(orchestra.update(run.workflowId, 'stop', [{ reason: '' }]), (err: unknown) => {
        assert.ok(err instanceof WorkflowUpdateFailedError);
        assert.match(String(err.cause?.message), /reason: /);
        return true;
      });
      const answer = await orchestra.update(run.workflowId, 'stop', [{ reason: 'enough for the report' }]);
      assert.deepEqual(answer, { completed: 2, failed: 0, timedOut: 0, cancelled: 0, required: 2, pending: 1 });
      const result = await orchestra.result(run.workflowId) as ParallelAggregateResult;
      assert.equal(result.status, 'partial');
      assert.deepEqual(result.cancelled, ['slow']);
      assert.match(result.branches[2].error!.message, /stopped by a person: enough for the report/);
    });
  });

  it('cancelling the run cancels its branches and ends it cancelled', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('parallelAggregate', { branches: [slowReport('slow-x'), slowReport('slow-y')] }, { taskQueue });
      await eventually(async () => (await historyOf(orchestra, run.workflowId)).filter((e) => e.activityTaskScheduledEventAttributes).length === 2,
        { what: 'both branches to start' });
      await orchestra.cancel(run.workflowId);
      await assert.rejects(orchestra.result(run.workflowId), (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError);
        assert.ok(err.cause instanceof CancelledFailure, String(err.cause));
        return true;
      });
      const events = await historyOf(orchestra, run.workflowId);
      assert.equal(events.filter((e) => e.activityTaskCancelRequestedEventAttributes).length, 2);
      const progress = await orchestra.progress(run.workflowId);
      assert.equal(progress.step, 'cancelled');
      // A cancelled run carries no result: what its branches did stays readable (orchestra result shows it).
      assert.deepEqual((progress.details?.aggregate as { cancelled: string[] }).cancelled, ['slow-x', 'slow-y']);
    });
  });

  it('rejects bad input with field-level errors before anything runs', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const rejects = (input: unknown, ...patterns: RegExp[]) => assert.throws(
        () => orchestra.validate('parallelAggregate', input),
        (err: unknown) => {
          assert.ok(err instanceof InvalidInputError);
          for (const pattern of patterns) assert.match(err.issues, pattern);
          return true;
        });
      rejects({ branches: [] }, /branches: must list at least one branch/);
      rejects({
        branches: [
          { kind: 'text', analysis: 'mood', text: ' ' },
          { kind: 'tool', server: '', tool: 'query', timout: '1s' },
          { kind: 'email' },
        ],
        maxConcurrency: 0,
      },
      /branches\[0\]\.analysis: must be one of sentiment, keywords, summary, language/,
      /branches\[0\]\.text: must not be empty/,
      /branches\[1\]\.server: must name a configured MCP server/,
      /branches\[1\].*timout/,
      /branches\[2\]\.kind: must be "tool"/,
      /maxConcurrency: /);
      rejects({
        branches: [customer('a', 'cust-001'), customer('a', 'cust-002'), { kind: 'text', analysis: 'summary', text: 'x', timeout: 'soon' }],
        minSuccesses: 4,
        minSuccessRatio: 0.5,
      }, /branches\[2\]\.timeout: must be a positive duration/);
      rejects({
        branches: [customer('a', 'cust-001'), customer('a', 'cust-002')],
        minSuccesses: 4,
        minSuccessRatio: 0.5,
      }, /branches\[1\]\.id: duplicate id "a" \(also branches\[0\]\)/, /minSuccesses: give minSuccesses or minSuccessRatio, not both/,
      /minSuccesses: must be at most the number of branches \(2\)/);
      await assert.rejects(orchestra.start('parallelAggregate', { branches: [] }, { taskQueue }), InvalidInputError);

      // A client that skips validation: the workflow itself refuses, before any branch runs.
      const handle = await orchestra.client.workflow.start('parallelAggregate', {
        taskQueue, workflowId: `bad-parallel-${Date.now()}`, args: [{ branches: [customer('a', 'cust-001')], minSuccesses: 2 }],
      });
      await assert.rejects(handle.result(), (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError);
        assert.ok(err.cause instanceof ApplicationFailure);
        assert.equal(err.cause.type, 'InvalidInput');
        assert.equal(err.cause.nonRetryable, true);
        assert.match(err.cause.message, /minSuccesses: must be at most the number of branches \(1\)/);
        return true;
      });
      const events = await historyOf(orchestra, handle.workflowId);
      assert.equal(events.filter((e) => e.activityTaskScheduledEventAttributes).length, 0);
    });
  });

  it('stops the other partitions of a large fan-out once the tolerance is met', async () => {
    // 1,001 branches: two partitions. The second holds three reports that hang until cancelled; 501 completed branches
    // meet the tolerance, so the parent tells the partitions still running to stop.
    const branches: Branch[] = Array.from({ length: 998 }, (_, i) => text(`t${i + 1}`, 'sentiment', `a good day ${i}`));
    branches.push(slowReport('slow-1'), slowReport('slow-2'), slowReport('slow-3'));
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const result = await orchestra.execute('parallelAggregate', {
        branches, maxConcurrency: 100, minSuccesses: 501, cancelWhenDecided: true,
      }, { taskQueue });
      assert.equal(result.partitions, 2);
      assert.equal(result.status, 'partial');
      assert.ok(result.completed.length >= 501, result.summary);
      assert.equal(result.completed.length + result.cancelled.length, 1001, result.summary);
      assert.deepEqual(result.cancelled.slice(-3), ['slow-1', 'slow-2', 'slow-3']);
      assert.match(result.branches[999].error!.message, /tolerance was met/);
    }, { worker: { maxConcurrentActivityTaskExecutions: 100 } });
  });

  it('decides a partitioned fan-out as branches settle, not when a partition ends: partitions report their counts', async () => {
    // 1,002 branches in two partitions of 501, each with three reports that hang until cancelled: neither partition can
    // end on its own, but 900 completed branches decide the outcome, so the parent stops both.
    const branches: Branch[] = Array.from({ length: 1002 }, (_, i) => text(`t${i + 1}`, 'sentiment', `a good day ${i}`));
    for (const at of [0, 1, 2, 501, 502, 503]) branches[at] = slowReport(`slow-${at}`);
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('parallelAggregate', { branches, maxConcurrency: 100, minSuccesses: 900, cancelWhenDecided: true }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as ParallelAggregateResult;
      assert.equal(result.partitions, 2);
      assert.equal(result.status, 'partial', result.summary);
      assert.ok(result.completed.length >= 900, result.summary);
      for (const at of [0, 1, 2, 501, 502, 503]) {
        const slow = result.branches[at];
        assert.equal(slow.status, 'cancelled', `${slow.id}: ${slow.status}`);
        assert.match(slow.error!.message, /tolerance was met/);
      }
      const events = await historyOf(orchestra, run.workflowId);
      assert.ok(events.some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'partitionProgress'));
      // Each partition runs under an execution timeout derived from its branches' own.
      const child = await orchestra.describe(`${run.workflowId}-part-1-of-2`);
      assert.ok(Number(child.raw.executionConfig?.workflowExecutionTimeout?.seconds) > 0);
    }, { worker: { maxConcurrentActivityTaskExecutions: 100 } });
  });

  it('keeps a partitioned fan-out\'s large results within the budget: each partition keeps its share', { timeout: 600_000 }, async () => {
    const branches: Branch[] = Array.from({ length: 1001 }, (_, i) =>
      ({ kind: 'tool', id: `r${i + 1}`, server: 'filesystem', tool: 'read_text_file', args: { path: 'large/report.txt' }, readOnly: true }));
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const result = await orchestra.execute('parallelAggregate', { branches, maxConcurrency: 100, resultBudgetBytes: 400_000 }, { taskQueue });
      assert.equal(result.partitions, 2);
      assert.equal(result.status, 'succeeded', result.summary);
      const kept = Object.keys(result.results);
      assert.equal(kept.length + result.omittedResults.length, 1001);
      assert.ok(kept.length > 10 && kept.length < 60, `${kept.length} kept`);
      assert.ok(kept.includes('r1') && kept.includes('r502'), 'both partitions kept their first results');
      assert.ok(JSON.stringify(result.results).length <= 400_000);
    }, { worker: { maxConcurrentActivityTaskExecutions: 100 } });
  });

  it('runs more than 2,000 branches by partitioning them into child workflows', async () => {
    const words = ['good', 'fine', 'great', 'calm', 'bad', 'nice', 'sad'];
    const branches: Branch[] = Array.from({ length: 2100 }, (_, i) => text(`t${i + 1}`, 'sentiment', `a ${words[i % words.length]} day ${i}`));
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('parallelAggregate', { title: 'large fan-out', branches, maxConcurrency: 150 }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as ParallelAggregateResult;
      assert.equal(result.status, 'succeeded', result.summary);
      assert.equal(result.total, 2100);
      assert.equal(result.completed.length, 2100);
      assert.equal(result.partitions, 3);
      assert.deepEqual(result.completed.slice(0, 2), ['t1', 't2']);
      assert.equal((result.results.t3 as { label: string }).label, 'positive');
      assert.equal((result.results.t5 as { label: string }).label, 'negative');
      assert.ok(result.branches.every((b) => b.startMs !== undefined && b.startMs >= 0));

      // The parent ran no activity itself: three child workflows of 700 branches did, each under its own history.
      const events = await historyOf(orchestra, run.workflowId);
      assert.equal(events.filter((e) => e.activityTaskScheduledEventAttributes).length, 0);
      assert.equal(events.filter((e) => e.childWorkflowExecutionCompletedEventAttributes).length, 3);
      const child = `${run.workflowId}-part-2-of-3`;
      const childEvents = await historyOf(orchestra, child);
      assert.equal(childEvents.filter((e) => e.activityTaskScheduledEventAttributes).length, 700);
      assert.equal(peakInFlight(childEvents), 50, 'the partitions share the concurrency limit: 150 / 3 each');
      assert.equal((await orchestra.describe(child)).typedSearchAttributes.get(PATTERN), 'parallelAggregatePartition');
    }, { worker: { maxConcurrentActivityTaskExecutions: 150 } });
  });
});

describe('parallelAggregate under the payload limit (local dev server: it enforces the 2 MB limit, the time-skipping server does not)', () => {
  const t = useTemporal('local');
  before(() => writeLargeReport(t.deps.home));

  it('keeps large branch results within the result budget, listing the ones it left out, so the run completes', { timeout: 600_000 }, async () => {
    // 300 reads of an 8 kB file: 2.4 MB of results, more than Temporal takes in one payload.
    const branches: Branch[] = Array.from({ length: 300 }, (_, i) =>
      ({ kind: 'tool', id: `r${i + 1}`, server: 'filesystem', tool: 'read_text_file', args: { path: 'large/report.txt' }, readOnly: true }));
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const result = await orchestra.execute('parallelAggregate', { branches, maxConcurrency: 50 }, { taskQueue });
      assert.equal(result.status, 'succeeded', result.summary);
      assert.equal(result.completed.length, 300);
      const kept = Object.keys(result.results);
      assert.ok(kept.length > 50 && result.omittedResults.length > 100, `${kept.length} kept, ${result.omittedResults.length} omitted`);
      assert.equal(kept.length + result.omittedResults.length, 300);
      assert.deepEqual(kept, branches.slice(0, kept.length).map((b) => b.id), 'the first results in branch order are kept');
      assert.ok(result.omittedResults.every((o) => o.bytes > 8_000));
      assert.ok(JSON.stringify(result.results).length <= 1_000_000);
      assert.match(result.summary, new RegExp(`; ${result.omittedResults.length} results left out over the 1.00 MB result budget`));
    }, { worker: { maxConcurrentActivityTaskExecutions: 50 } });
  });
});
