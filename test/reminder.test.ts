import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { readStore, rejectsAsInvalidInput, useTemporal, withWorker } from './helpers/temporal.js';

const DAY = 24 * 60 * 60 * 1000;

describe('reminder (time-skipping)', () => {
  const t = useTemporal('time-skipping');

  it('waits a full day on a durable timer, then delivers exactly once', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const startedAt = await t.env.currentTimeMs();
      const result = await orchestra.execute('reminder', { recipient: 'ada@example.com', message: 'Ship it' }, { taskQueue });
      assert.ok((await t.env.currentTimeMs()) - startedAt >= DAY, 'the server clock advanced by the full day');
      assert.equal(result.snoozes, 0);
      assert.equal(result.sentEarly, false);
      const sent = readStore(t.deps, (db) => db.prepare(`SELECT id, recipient, body FROM notifications WHERE recipient = ?`).all('ada@example.com'));
      assert.deepEqual(sent, [{ id: result.notificationId, recipient: 'ada@example.com', body: 'Ship it' }]);
    });
  });

  it('a snooze moves the due time; an invalid snooze is rejected and changes nothing', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('reminder', { recipient: 'bob@example.com', message: 'Call back', delay: '2h' }, { taskQueue });
      const handle = orchestra.handle(run.workflowId);
      await assert.rejects(handle.executeUpdate('snooze', { args: [{ by: 'soon' }] }), (err: unknown) => {
        assert.ok(err instanceof WorkflowUpdateFailedError);
        assert.match(String(err.cause?.message), /by: must be a positive duration/);
        return true;
      });
      const before = (await orchestra.progress(run.workflowId)).details as { dueAt: string; snoozes: number };
      assert.equal(before.snoozes, 0);
      const answer = await handle.executeUpdate('snooze', { args: [{ by: '1h' }] }) as { dueAt: string };
      assert.equal(Date.parse(answer.dueAt) - Date.parse(before.dueAt), 60 * 60 * 1000);
      const result = await orchestra.result(run.workflowId) as { snoozes: number; dueAt: string };
      assert.equal(result.snoozes, 1);
      assert.equal(result.dueAt, answer.dueAt);
    });
  });

  it('sendNow ends the wait and delivers at once', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('reminder', { recipient: 'cy@example.com', message: 'Now', delay: '7 days' }, { taskQueue });
      const handle = orchestra.handle(run.workflowId);
      await handle.executeUpdate('sendNow');
      const result = await orchestra.result(run.workflowId) as { sentEarly: boolean };
      assert.equal(result.sentEarly, true);
      const progress = await orchestra.progress(run.workflowId);
      assert.equal(progress.state, 'completed');
    });
  });

  it('rejects invalid input inside the workflow with a non-retryable, field-level InvalidInput failure', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const handle = await orchestra.client.workflow.start('reminder', {
        taskQueue, workflowId: `bad-${Date.now()}`, args: [{ recipient: 'not-an-email', message: '' }],
      });
      await rejectsAsInvalidInput(handle.result(), /recipient: must be an email address/, /message: must not be empty/);
    });
  });
});
