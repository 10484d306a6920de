import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { OUTCOME, PATTERN, STATUS } from '../src/shared/search-attributes.js';
import { eventually } from './helpers/eventually.js';
import { useTemporal, withWorker } from './helpers/temporal.js';

describe('what a person sees in the Web UI (local dev server)', () => {
  const t = useTemporal('local');

  it('a run carries a readable id, a summary, search attributes and named activity summaries', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('reminder', { recipient: 'grace@example.com', message: 'Stand-up', delay: '1s' }, { taskQueue });
      assert.match(run.workflowId, /^reminder-grace-/);
      await orchestra.result(run.workflowId);

      const description = await orchestra.describe(run.workflowId);
      assert.equal(await description.staticSummary(), 'Remind grace@example.com in 1s');
      assert.equal(description.typedSearchAttributes.get(PATTERN), 'reminder');
      assert.equal(description.typedSearchAttributes.get(STATUS), 'completed');
      assert.equal(description.typedSearchAttributes.get(OUTCOME), 'delivered');

      const history = await orchestra.handle(run.workflowId).fetchHistory();
      const summaries = (history.events ?? [])
        .filter((e) => e.activityTaskScheduledEventAttributes)
        .map((e) => defaultPayloadConverter.fromPayload(e.userMetadata!.summary!));
      assert.deepEqual(summaries, ['store.send_notification — deliver reminder to grace@example.com']);
      // One clean result per tool call: the store's structured answer, not content blocks + structured + text.
      const completed = (history.events ?? []).find((e) => e.activityTaskCompletedEventAttributes)!;
      const stored = defaultPayloadConverter.fromPayload<Record<string, unknown>>(completed.activityTaskCompletedEventAttributes!.result!.payloads![0]);
      assert.equal(typeof stored.notification_id, 'string');
      assert.deepEqual(Object.keys(stored).filter((k) => ['content', 'structuredContent', 'text'].includes(k)), []);
      // The "current details" pane: the SDK's built-in metadata query answers what the workflow last set.
      const metadata = await orchestra.handle(run.workflowId).query<{ currentDetails: string }>('__temporal_workflow_metadata');
      assert.match(metadata.currentDetails, /^\*\*delivered\*\* — delivered$/);

      // The visibility store lags completion a little: poll it (with a deadline).
      await eventually(async () => (await orchestra.list(`OrchestraPattern = "reminder" AND OrchestraStatus = "completed"`))
        .some((r) => r.workflowId === run.workflowId), { what: 'the run to be listed as completed' });
    });
  });
});
