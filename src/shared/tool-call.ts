/**
 * An MCP tool call as workflows write it: its schema, checked by the tool-call activity and the client. Workflows
 * import only its type; its description for the Web UI is in ./tool-call-description.ts (no zod in a workflow's graph).
 * In zod/mini: callTools' input (src/schemas/call-tools-input.ts) is built from it in each run's first task (see
 * ./zod-mini.ts).
 */
import { z } from 'zod/mini';
import './zod-mini.js'; // English messages, as classic zod gives
import { Duration } from '../schemas/common.js';
import { jsonDepth } from './json-depth.js';

/** How deeply a tool call's arguments may nest (deeper ones are refused before anything is serialised or sent). */
export const MAX_ARGUMENT_DEPTH = 100;

export const ToolCall = z.object({
  /** A server name from the `mcpServers` config, e.g. `filesystem` or `store`. */
  server: z.string().check(z.minLength(1, 'must name a configured MCP server')),
  tool: z.string().check(z.minLength(1, 'must name a tool')),
  /** The tool's arguments; checked against the tool's input JSON Schema before the call. */
  args: z._default(z.record(z.string(), z.unknown()), {}).check(z.refine((args) => jsonDepth(args, MAX_ARGUMENT_DEPTH) <= MAX_ARGUMENT_DEPTH, {
    message: `nest deeper than ${MAX_ARGUMENT_DEPTH} levels`,
  })),
  /**
   * Makes a retried write safe: passed to the tool as its `idempotency_key` argument when its schema has one, so the
   * server applies the call once however often it arrives. Derive it from the workflow id and the step.
   */
  idempotencyKey: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** A cap on the MCP request's own timeout, below what the activity's timeouts allow. */
  timeout: z.optional(Duration),
  /**
   * Lets the server ask a person during the call (MCP elicitation): each question becomes the run's pending question
   * (`orchestra answer`) and is declined when nobody answers within `timeout`. Without it the server cannot ask.
   */
  elicitation: z.optional(z.object({ timeout: Duration })),
});
export type ToolCall = z.input<typeof ToolCall>;
export type ParsedToolCall = z.output<typeof ToolCall>;

export { describeToolCall, keyArgument } from './tool-call-description.js';
