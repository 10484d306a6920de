import { z } from 'zod';
import { Duration } from './common.js';

export const ReminderInput = z.object({
  recipient: z.email('must be an email address'),
  message: z.string().trim().min(1, 'must not be empty').max(2000),
  /** How long to wait before delivering; the default is a full day, held by a durable timer. */
  delay: z._default(Duration, '1 day'),
});
export type ReminderInput = z.input<typeof ReminderInput>;

export const SnoozeRequest = z.object({ by: Duration });
export type SnoozeRequest = z.input<typeof SnoozeRequest>;

export const ReminderResult = z.object({
  recipient: z.string(),
  notificationId: z.string(),
  dueAt: z.string(),
  deliveredAt: z.string(),
  snoozes: z.number().int(),
  sentEarly: z.boolean(),
});
export type ReminderResult = z.infer<typeof ReminderResult>;
