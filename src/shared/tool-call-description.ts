/**
 * The one-line description the Web UI shows for an MCP tool call (`store.get_customer customer_id=cust-001`). Pure,
 * deterministic and free of zod: workflows import it for their summaries, and every module a workflow imports is
 * evaluated again in that workflow's first task (the SDK gives each workflow a fresh module cache), so the call's zod
 * schema (src/shared/tool-call.ts, for the activity and the client) stays out of a workflow's import graph.
 */
import type { ToolCall } from './tool-call.js';

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
