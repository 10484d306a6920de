import { z } from 'zod';

// The input (checked by the workflow) is in ./call-tools-input.ts; re-exported here for the catalogue and the client.
export { CallToolsInput } from './call-tools-input.js';

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
