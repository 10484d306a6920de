import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ReminderResult } from '../src/schemas/reminder.js';
import { eventually } from './helpers/eventually.js';
import { readStore, rejectsAsInvalidInput, serverRunTimeMs, useTemporal, withWorker } from './helpers/temporal.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

describe('reminder (time-skipping)', () => {
  const t = useTemporal('time-skipping');

  it('waits a full day on a durable timer, then delivers exactly once', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('reminder', { recipient: 'ada@example.com', message: 'Ship it' }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as ReminderResult;
      assert.ok(await serverRunTimeMs(t.env, run.workflowId) >= DAY, 'the server clock advanced by the full day');
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
      const result = await orchestra.result(run.workflowId) as { snoozes: number; dueAt: string; notificationId: string };
      assert.equal(result.snoozes, 1);
      assert.equal(result.dueAt, answer.dueAt);
      // The timer really moved: delivery waited for the 2 h delay plus the 1 h snooze on the server's clock.
      assert.ok(await serverRunTimeMs(t.env, run.workflowId) >= 3 * HOUR, 'delivered no earlier than delay + snooze');
      const sent = readStore(t.deps, (db) => db.prepare(`SELECT id FROM notifications WHERE recipient = ?`).all('bob@example.com'));
      assert.deepEqual(sent, [{ id: result.notificationId }]);
    });
  });

  it('sendNow ends the wait and delivers at once', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('reminder', { recipient: 'cy@example.com', message: 'Now', delay: '7 days' }, { taskQueue });
      const handle = orchestra.handle(run.workflowId);
      await handle.executeUpdate('sendNow');
      const result = await orchestra.result(run.workflowId) as { sentEarly: boolean; notificationId: string };
      assert.equal(result.sentEarly, true);
      // The 7-day timer did not run out (time skipping would have jumped to it): delivered within the hour.
      assert.ok(await serverRunTimeMs(t.env, run.workflowId) < HOUR, 'delivered before the timer');
      const sent = readStore(t.deps, (db) => db.prepare(`SELECT id, body FROM notifications WHERE recipient = ?`).all('cy@example.com'));
      assert.deepEqual(sent, [{ id: result.notificationId, body: 'Now' }]);
      const progress = await orchestra.progress(run.workflowId);
      assert.equal(progress.state, 'completed');
    });
  });

  it('survives a worker restart while its timer is pending, and delivers once when it is due', async () => {
    const taskQueue = `reminder-restart-${randomUUID()}`;
    // The first worker starts the run and stops once the day-long timer is set.
    const workflowId = await withWorker(t.env, t.deps, async ({ orchestra }) => {
      const run = await orchestra.start('reminder', { recipient: 'dan@example.com', message: 'Restarted' }, { taskQueue });
      await eventually(async () => (await orchestra.progress(run.workflowId)).state === 'waiting', { what: 'the timer to be set' });
      return run.workflowId;
    }, { worker: { taskQueue, maxCachedWorkflows: 0 } }); // no sticky queue: its tasks go back to the shared queue
    assert.equal((await t.env.client.workflow.getHandle(workflowId).describe()).status.name, 'RUNNING');
    // A new worker (nothing cached) rebuilds the run from its history and finishes it.
    await withWorker(t.env, t.deps, async ({ orchestra }) => {
      const result = await orchestra.result(workflowId) as ReminderResult;
      assert.ok(await serverRunTimeMs(t.env, workflowId) >= DAY, 'the timer kept its full day across the restart');
      const sent = readStore(t.deps, (db) => db.prepare(`SELECT id FROM notifications WHERE recipient = ?`).all('dan@example.com'));
      assert.deepEqual(sent, [{ id: result.notificationId }]);
    }, { worker: { taskQueue } });
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
