/**
 * An MCP tool call as workflows write it, and the one-line description the Web UI shows for it. Pure and
 * deterministic: workflows import this module (`executeWithOptions({ summary: describeToolCall(call) }, …)`).
 */
import { z } from 'zod';
import { Duration } from '../schemas/common.js';
import { jsonDepth } from './json-depth.js';

/** How deeply a tool call's arguments may nest (deeper ones are refused before anything is serialised or sent). */
export const MAX_ARGUMENT_DEPTH = 100;

export const ToolCall = z.object({
  /** A server name from the `mcpServers` config, e.g. `filesystem` or `store`. */
  server: z.string().min(1, 'must name a configured MCP server'),
  tool: z.string().min(1, 'must name a tool'),
  /** The tool's arguments; checked against the tool's input JSON Schema before the call. */
  args: z.record(z.string(), z.unknown()).default({}).refine((args) => jsonDepth(args, MAX_ARGUMENT_DEPTH) <= MAX_ARGUMENT_DEPTH, {
    message: `nest deeper than ${MAX_ARGUMENT_DEPTH} levels`,
  }),
  /**
   * Makes a retried write safe: passed to the tool as its `idempotency_key` argument when its schema has one, so the
   * server applies the call once however often it arrives. Derive it from the workflow id and the step.
   */
  idempotencyKey: z.string().min(1).max(200).optional(),
  /** A cap on the MCP request's own timeout, below what the activity's timeouts allow. */
  timeout: Duration.optional(),
  /**
   * Lets the server ask a person during the call (MCP elicitation): each question becomes the run's pending question
   * (`orchestra answer`) and is declined when nobody answers within `timeout`. Without it the server cannot ask.
   */
  elicitation: z.object({ timeout: Duration }).optional(),
});
export type ToolCall = z.input<typeof ToolCall>;
export type ParsedToolCall = z.output<typeof ToolCall>;

/** Argument names that identify what a call is about: these first, then any `id` / `…_id` / `…Id` (in argument order), then these, then the first string. */
const KEY_ARGUMENTS = ['path', 'source', 'query', 'uri', 'url'];
const LATER_KEY_ARGUMENTS = ['sku', 'key', 'name', 'pattern'];
const MAX_VALUE = 60;

/** The argument a person would use to tell this call from others: `[name, value]`, or undefined. */
export function keyArgument(args: Record<string, unknown> | undefined): [string, string] | undefined {
  if (!args) return undefined;
  const shown = (name: string): [string, string] | undefined => {
    const value = args[name];
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? [name, String(value)] : undefined;
  };
  for (const name of KEY_ARGUMENTS) {
    const hit = shown(name);
    if (hit) return hit;
  }
  const names = Object.keys(args).filter((name) => name !== 'idempotency_key');
  for (const name of [...names.filter((n) => /^id$|(_id|Id)$/.test(n)), ...LATER_KEY_ARGUMENTS]) {
    const hit = shown(name);
    if (hit) return hit;
  }
  const firstString = names.find((name) => typeof args[name] === 'string');
  return firstString ? shown(firstString) : undefined;
}

/** `store.charge_payment customer_id=cust-001`, `filesystem.read_text_file path="documents/q3 report.md"`. */
export function describeToolCall(call: Pick<ToolCall, 'server' | 'tool' | 'args'>): string {
  const head = `${call.server}.${call.tool}`;
  const key = keyArgument(call.args);
  if (!key) return head;
  let value = key[1].replace(/\s+/g, ' ');
  if (value.length > MAX_VALUE) value = `${value.slice(0, MAX_VALUE - 1)}…`;
  return `${head} ${key[0]}=${/[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value}`;
}
