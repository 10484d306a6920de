import type { z } from 'zod';
import { ReminderInput, ReminderResult, SnoozeRequest } from './reminder.js';

/** What a person can send a running workflow: an update (validated, answered) or a signal (fire-and-forget). */
export interface Interaction {
  kind: 'update' | 'signal';
  description: string;
  schema?: z.ZodType;
}

/** A workflow type as the client sees it: how to describe, validate, name and summarise a run. */
export interface WorkflowSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  description: string;
  input: I;
  output: O;
  /** A readable workflow id for a run, unique per start (e.g. `order-saga-<orderId>`). */
  workflowId(input: z.output<I>, unique: string): string;
  /** The one-line static summary shown in the Web UI. */
  summary(input: z.output<I>): string;
  interactions?: Record<string, Interaction>;
}

function spec<I extends z.ZodType, O extends z.ZodType>(s: WorkflowSpec<I, O>): WorkflowSpec<I, O> {
  return s;
}

/** Every workflow type the `orchestra` client can start, by workflow type name. */
export const catalog = {
  reminder: spec({
    description: 'Durable reminder: waits (a day by default) on a timer that survives restarts, then delivers once.',
    input: ReminderInput,
    output: ReminderResult,
    workflowId: (input, unique) => `reminder-${input.recipient.split('@')[0].replace(/[^A-Za-z0-9]/g, '')}-${unique}`,
    summary: (input) => `Remind ${input.recipient} in ${input.delay}`,
    interactions: {
      snooze: { kind: 'update', description: 'Postpone delivery by a duration', schema: SnoozeRequest },
      sendNow: { kind: 'update', description: 'Deliver now instead of waiting' },
    },
  }),
} satisfies Record<string, WorkflowSpec>;

export type WorkflowType = keyof typeof catalog;

export function isWorkflowType(name: string): name is WorkflowType {
  return Object.hasOwn(catalog, name);
}
