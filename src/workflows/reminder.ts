import { condition, defineUpdate, setHandler } from '@temporalio/workflow';
import { toMs } from '../schemas/common.js';
import { ReminderInput, type ReminderResult, SnoozeRequest } from '../schemas/reminder.js';
import { validate } from '../shared/validation.js';
import { parseInput, rejectedUpdate } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { stepKey, store } from './support/tools.js';

export const snoozeUpdate = defineUpdate<{ dueAt: string }, [SnoozeRequest]>('snooze');
export const sendNowUpdate = defineUpdate<{ dueAt: string }, []>('sendNow');

/**
 * A durable reminder: holds a timer (a day by default) that survives worker and server restarts, can be snoozed or
 * sent early by a person through validated updates, then delivers the message exactly once.
 */
export async function reminder(raw: ReminderInput): Promise<ReminderResult> {
  const input = parseInput(ReminderInput, raw);
  const progress = new ProgressReporter('reminder');
  let dueAt = Date.now() + toMs(input.delay)!;
  let snoozes = 0;
  let sentEarly = false;
  let delivering = false;

  const whenDue = () => ({ dueAt: new Date(dueAt).toISOString() });
  const notDelivered = () => {
    if (delivering) throw rejectedUpdate('the reminder has already been delivered');
  };
  setHandler(snoozeUpdate, (request) => {
    dueAt += toMs(SnoozeRequest.parse(request).by)!;
    snoozes += 1;
    return whenDue();
  }, {
    validator: (request) => {
      notDelivered();
      const parsed = validate(SnoozeRequest, request);
      if (!parsed.ok) throw rejectedUpdate(parsed.message);
    },
  });
  setHandler(sendNowUpdate, () => {
    sentEarly = true;
    return whenDue();
  }, { validator: notDelivered });

  // Wait for the due time; a snooze moves it (the loop waits again), "send now" ends the wait.
  for (;;) {
    const waitingFor = dueAt;
    progress.update({ step: `waiting until ${new Date(dueAt).toISOString()}`, state: 'waiting', details: { ...whenDue(), snoozes } });
    const interrupted = await condition(() => sentEarly || dueAt !== waitingFor, Math.max(1, dueAt - Date.now()));
    if (!interrupted || sentEarly) break;
  }

  delivering = true;
  progress.update({ step: `delivering to ${input.recipient}` });
  // Through the store's notification tool, with an idempotency key: a retried delivery sends one message.
  const delivery = await store<{ notification_id: string }>('send_notification',
    { recipient: input.recipient, subject: 'Reminder', body: input.message, channel: 'email' },
    { idempotencyKey: stepKey('deliver'), summary: `deliver reminder to ${input.recipient}` });
  progress.update({ step: 'delivered', state: 'completed', outcome: sentEarly ? 'sent_early' : 'delivered' });
  return {
    recipient: input.recipient,
    notificationId: delivery.notification_id,
    ...whenDue(),
    deliveredAt: new Date(Date.now()).toISOString(),
    snoozes,
    sentEarly,
  };
}
