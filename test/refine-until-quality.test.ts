import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RefineUntilQualityResult } from '../src/schemas/refine-until-quality.js';
import { rejectsAsInvalidInput, useTemporal, withWorker } from './helpers/temporal.js';

describe('refineUntilQuality (time-skipping, real store search)', () => {
  const t = useTemporal('time-skipping');

  it('expands the query on the under-covered aspect and stops once the quality target is met', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const result = await orchestra.execute('refineUntilQuality', { query: 'workflow retries' }, { taskQueue }) as RefineUntilQualityResult;
      assert.equal(result.stopReason, 'quality_met');
      assert.ok(result.quality >= 0.8);
      const [first, ...rest] = result.iterations;
      assert.ok(rest.length >= 1, 'at least one refinement');
      assert.ok(result.quality > first.quality, `quality rose from ${first.quality} to ${result.quality}`);
      // The first search is dominated by "workflow" documents; the refinement brings in the retry documents.
      const [workflow, retries] = Object.keys(first.aspects);
      assert.ok(first.aspects[retries] < first.aspects[workflow]);
      assert.ok(result.iterations.at(-1)!.aspects[retries] > first.aspects[retries]);
      assert.notEqual(result.finalQuery, 'workflow retries');
      assert.ok(result.finalQuery.startsWith('workflow retries '));
      assert.equal(result.results.length, 5);
      assert.ok(result.results.filter((r) => r.matchedTerms.includes(retries)).length >= 3);
    });
  });

  it('continues as new between iterations, carrying its history, and stops at the iteration limit', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('refineUntilQuality',
        { query: 'workflow failures', targetQuality: 1, maxIterations: 4, iterationsPerRun: 1 }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as RefineUntilQualityResult;
      assert.equal(result.stopReason, 'max_iterations');
      assert.equal(result.iterations.length, 4);
      assert.equal(result.runs, 4, 'one run per iteration');
      assert.deepEqual(result.iterations.map((i) => i.iteration), [1, 2, 3, 4]);
      const first = await orchestra.client.workflow.getHandle(run.workflowId, run.runId).describe();
      assert.equal(first.status.name, 'CONTINUED_AS_NEW');
      // The progress query of the last run still knows every iteration (state carried across runs).
      const progress = await orchestra.progress(run.workflowId);
      assert.equal(progress.state, 'completed');
      assert.equal((progress.details?.iterations as unknown[]).length, 4);
      assert.equal(progress.details?.run, 4);
      // The result is the best iteration's (not the last one's): its quality, its query, its number.
      const best = Math.max(...result.iterations.map((i) => i.quality));
      const bestIteration = result.iterations.find((i) => i.quality === best)!;
      assert.equal(result.quality, best);
      assert.equal(result.bestIteration, bestIteration.iteration);
      assert.equal(result.finalQuery, bestIteration.query);
    });
  });

  it('rejects an empty or stop-word-only query with a non-retryable, field-level InvalidInput', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      for (const [query, pattern] of [['', /query: must be at least 3 characters/], ['the and of', /query: must contain a content word/]] as const) {
        const handle = await orchestra.client.workflow.start('refineUntilQuality', {
          taskQueue, workflowId: `bad-refine-${Math.random().toString(36).slice(2)}`, args: [{ query }],
        });
        await rejectsAsInvalidInput(handle.result(), pattern);
      }
    });
  });
});
