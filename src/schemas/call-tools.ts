import { z } from 'zod';
import { ToolCall } from '../shared/tool-call.js';

export const CallToolsInput = z.object({
  /** Tool calls, run one after another; each is a durable activity. */
  calls: z.array(ToolCall).min(1, 'must list at least one tool call').max(100),
  /** Stop at the first failed call (the run fails with its error), or record the failure and go on. */
  stopOnError: z.boolean().default(true),
});
export type CallToolsInput = z.input<typeof CallToolsInput>;

export const ToolCallOutcome = z.object({
  call: z.string(),
  ok: z.boolean(),
  /** The tool's result: its structured content, else its text (parsed when it is JSON). */
  result: z.unknown().optional(),
  error: z.object({ type: z.string(), message: z.string() }).optional(),
  /** A failed call's entry in the dead-letter queue (`orchestra dlq show <id>`). */
  deadLetterId: z.string().optional(),
});

export const CallToolsResult = z.object({
  outcomes: z.array(ToolCallOutcome),
  succeeded: z.number().int(),
  failed: z.number().int(),
});
export type CallToolsResult = z.infer<typeof CallToolsResult>;
