import { z } from 'zod';
import { ToolCall } from '../shared/tool-call.js';

/** A redrive run: one dead letter's tool call run again, possibly with corrected arguments (`orchestra dlq redrive`). */
export const RedriveInput = z.object({
  deadLetterId: z.string().min(1).max(200),
  /** The call to run: the dead letter's, with the person's corrections applied. */
  call: ToolCall,
  /** The run and step the dead letter came from. */
  original: z.object({
    workflowId: z.string().min(1),
    runId: z.string().min(1),
    workflowType: z.string().min(1),
    step: z.string().min(1),
  }),
  /** Who asked for the redrive (the CLI's user, or --by). */
  requestedBy: z.string().min(1).max(200),
  /** What the person changed in the arguments (empty: the same call again). */
  changes: z.array(z.object({ path: z.string(), before: z.unknown().optional(), after: z.unknown().optional() })).default([]),
});
export type RedriveInput = z.input<typeof RedriveInput>;

export const RedriveResult = z.object({
  deadLetterId: z.string(),
  outcome: z.literal('completed'),
  result: z.unknown(),
});
export type RedriveResult = z.infer<typeof RedriveResult>;
