/**
 * callTools' input: what the workflow itself checks (parseInput) in its first task. Its own module, apart from the
 * result's schemas (./call-tools.ts, for the catalogue): a workflow's imports are evaluated again in each workflow's
 * first task (the SDK gives each workflow a fresh module cache), so a workflow imports only the schema it runs, in
 * zod/mini (src/shared/zod-mini.ts says why).
 */
import { z } from 'zod/mini';
import '../shared/zod-mini.js'; // English messages, as classic zod gives
import { ToolCall } from '../shared/tool-call.js';

export const CallToolsInput = z.object({
  /** Tool calls, run one after another; each is a durable activity. */
  calls: z.array(ToolCall).check(z.minLength(1, 'must list at least one tool call'), z.maxLength(100)),
  /** Stop at the first failed call (the run fails with its error), or record the failure and go on. */
  stopOnError: z._default(z.boolean(), true),
});
export type CallToolsInput = z.input<typeof CallToolsInput>;
