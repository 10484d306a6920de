/**
 * Workflows route around an open breaker instead of waiting for it: a fan-out counts the branch as failed within its
 * tolerance, and routeRequest's handler takes its fallback response — each after one attempt, no retries spent.
 * Time-skipping server, real store and filesystem servers; the store's breaker is opened on a scratch board.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { createActivities } from '../src/activities/index.js';
import type { Orchestra } from '../src/client/api.js';
import { BreakerBoard } from '../src/mcp/breaker/board.js';
import { Breakers } from '../src/mcp/breaker/breakers.js';
import { breakerSettings, BreakerSettingsInput } from '../src/mcp/breaker/settings.js';
import type { DefinitionRunResult } from '../src/schemas/definition-run.js';
import type { ParallelAggregateResult } from '../src/schemas/parallel-aggregate.js';
import type { RouteRequestResult } from '../src/schemas/route-request.js';
import { useTemporal, withWorker } from './helpers/temporal.js';

/** The attempts each activity took, by its Web UI summary. */
async function attemptsBySummary(orchestra: Orchestra, workflowId: string): Promise<Record<string, number>> {
  const summaries = new Map<string, string>();
  const attempts: Record<string, number> = {};
  for (const event of (await orchestra.handle(workflowId).fetchHistory()).events ?? []) {
    if (event.activityTaskScheduledEventAttributes && event.userMetadata?.summary) {
      summaries.set(String(event.eventId), defaultPayloadConverter.fromPayload<string>(event.userMetadata.summary));
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) attempts[summaries.get(String(started.scheduledEventId)) ?? '?'] = started.attempt ?? 0;
  }
  return attempts;
}

describe('routing around an open breaker', () => {
  const t = useTemporal('time-skipping');
  const settings = breakerSettings(BreakerSettingsInput.parse({ failureThreshold: 1, cooldown: '1h' }));

  function withOpenStoreBreaker<T>(fn: Parameters<typeof withWorker<T>>[2]): Promise<T> {
    const board = new BreakerBoard(path.join(t.deps.home, `breakers-${Date.now()}.db`));
    board.recordFailure('store', settings, { type: 'ServerUnavailable', message: 'store down (test)' }, 'test');
    const breakers = new Breakers(board, (server) => (server === 'store' ? settings : undefined), { log: () => {} });
    return withWorker(t.env, t.deps, fn, { activities: createActivities({ ...t.deps, breakers }) }).finally(() => board.close());
  }

  it('parallelAggregate counts the branch as failed within its tolerance, after one attempt', async () => {
    await withOpenStoreBreaker(async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('parallelAggregate', {
        branches: [
          { kind: 'tool', id: 'orders', server: 'store', tool: 'query', args: { sql: 'SELECT COUNT(*) AS n FROM orders' }, readOnly: true },
          { kind: 'text', id: 'mood', analysis: 'sentiment', text: 'A great, quick setup.' },
        ],
      }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as ParallelAggregateResult;
      assert.equal(result.status, 'partial');
      assert.deepEqual(result.failed.map((f) => [f.id, f.type]), [['orders', 'BreakerOpen']]);
      const attempts = await attemptsBySummary(orchestra, run.workflowId);
      assert.equal(Object.entries(attempts).find(([summary]) => summary.includes('branch orders'))?.[1], 1, 'no retry waited for the breaker');
    });
  });

  it('routeRequest takes the fallback response at once', async () => {
    await withOpenStoreBreaker(async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('routeRequest', { request: 'Please analyze the quarterly sales data and report the trend' }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as RouteRequestResult;
      assert.equal(result.route, 'data_analysis');
      const handled = result.handlerResult as unknown as { action: string; error: { type: string } };
      assert.equal(handled.action, 'Fallback response');
      assert.equal(handled.error.type, 'BreakerOpen');
      const attempts = await attemptsBySummary(orchestra, run.workflowId);
      assert.equal(attempts['store.query historical_data by month'], 1);
    });
  });

  it("a definition step with a catch takes it at once", async () => {
    await withOpenStoreBreaker(async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('definitionRun', { definition: { orchestra: 1, name: 'breaker-catch', steps: {
        count: { call: 'store.query', readOnly: true, input: { sql: 'SELECT COUNT(*) AS n FROM user_data' }, output: '${ result.rows[0].n }',
          catch: { set: 'fallback after ${ error.type }' } },
      } }, input: {} }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as DefinitionRunResult;
      assert.deepEqual(result.output, { count: 'fallback after BreakerOpen' });
      const attempts = await attemptsBySummary(orchestra, run.workflowId);
      assert.deepEqual(Object.values(attempts), [1], `one activity, one attempt: ${JSON.stringify(attempts)}`);
    });
  });
});
