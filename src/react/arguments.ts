/**
 * The offline planner's argument filling: values for a tool's input schema from what the run knows, without a model.
 * Pure and deterministic. For each argument of the schema (required ones must be found; optional ones are sent only
 * when found), the first of:
 *
 *  1. the run's `context` (the input's named values): the key equal to the argument's name;
 *  2. the observations, latest first: the first scalar under a key equal to the argument's name, searched depth-first
 *     (a search result's `results[0].id` fills a later `id`), so tools chain on what earlier tools returned;
 *  3. the goal's text, by the argument's kind:
 *     - an enum: the first of its values the goal mentions as a word;
 *     - an identifier (`id`, `…_id`, `…Id`): a token like `cust-001` whose prefix starts a word of the argument's name
 *       or of the tool's name (`cust` → `customer_id`, `doc` → `get_document`); `sku`: a token like `CAM-009`;
 *     - a path (`path`, `source`, `file`, …): a token with a `/` or a file extension;
 *     - a free text (`query`, `text`, `question`, `topic`, …): the goal's first quoted phrase (`find "refund policy"`),
 *       else the goal itself.
 *
 * A required argument nothing fills makes the tool unusable for now (a later observation may fill it).
 */
import type { InputSchema, PropertySchema, ToolOption } from './tools.js';

export type Arguments = Record<string, unknown>;

export type Filled = { ok: true; args: Arguments } | { ok: false; missing: string[] };

const PATH_ARGUMENTS = /^(path|source|destination|file|filename|dir|directory)$/i;
const TEXT_ARGUMENTS = /^(query|q|text|question|topic|prompt|search|keywords?)$/i;
const ID_ARGUMENT = /^id$|_id$|Id$/;
const ID_TOKEN = /\b([A-Za-z]{2,})-(\d+)\b/g;
const SKU_TOKEN = /\b[A-Z]{2,}-\d{2,}\b/;
const QUOTED = /["“']([^"”']{2,200})["”']/;
const PATH_TOKEN = /(?:^|\s)["'`]?((?:[\w.-]+\/)+[\w.-]*|[\w-]+\.(?:md|txt|json|csv|xml|ya?ml|log|html))\b/;

/** Arguments the engine supplies itself (an idempotency key), never filled here. */
const SUPPLIED = new Set(['idempotency_key']);

export function fillArguments(tool: ToolOption, goal: string, context: Arguments, observations: readonly unknown[]): Filled {
  const schema: InputSchema = tool.inputSchema;
  const required = new Set(schema.required ?? []);
  const args: Arguments = {};
  const missing: string[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (SUPPLIED.has(name)) continue;
    const value = fromContext(name, context) ?? fromObservations(name, observations) ?? fromGoal(name, property, tool, goal);
    if (value !== undefined) args[name] = value;
    else if (required.has(name)) missing.push(name);
  }
  return missing.length ? { ok: false, missing } : { ok: true, args };
}

function fromContext(name: string, context: Arguments): unknown {
  return Object.hasOwn(context, name) ? context[name] : undefined;
}

function fromObservations(name: string, observations: readonly unknown[]): unknown {
  for (let i = observations.length - 1; i >= 0; i -= 1) {
    const found = findScalar(observations[i], name, 0);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The first scalar (string, number, boolean) under `key`, depth-first, at most 6 levels down. */
function findScalar(value: unknown, key: string, depth: number): unknown {
  if (depth > 6 || typeof value !== 'object' || value === null) return undefined;
  if (!Array.isArray(value)) {
    const own = (value as Record<string, unknown>)[key];
    if (Object.hasOwn(value, key) && isScalar(own)) return own;
  }
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    const found = findScalar(child, key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function fromGoal(name: string, property: PropertySchema, tool: ToolOption, goal: string): unknown {
  if (property.enum) {
    const words = new Set(goal.toLowerCase().match(/[\p{L}\p{N}_-]+/gu) ?? []);
    return property.enum.find((v) => typeof v === 'string' && words.has(v.toLowerCase()));
  }
  if (!accepts(property, 'string')) return undefined;
  if (name === 'sku') return SKU_TOKEN.exec(goal)?.[0];
  if (ID_ARGUMENT.test(name)) return idToken(goal, [...nameWords(name), ...nameWords(tool.name)]);
  if (PATH_ARGUMENTS.test(name)) return PATH_TOKEN.exec(goal)?.[1];
  if (TEXT_ARGUMENTS.test(name)) return QUOTED.exec(goal)?.[1] ?? goal;
  return undefined;
}

function accepts(property: PropertySchema, type: string): boolean {
  return property.type === undefined || property.type === type || (Array.isArray(property.type) && property.type.includes(type));
}

function nameWords(name: string): string[] {
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase().split(/[_\s-]+/).filter((w) => w.length > 2 && w !== 'get' && w !== 'id');
}

/** The first `prefix-123` token of the goal whose prefix starts one of `words`. */
function idToken(goal: string, words: string[]): string | undefined {
  for (const match of goal.matchAll(ID_TOKEN)) {
    const prefix = match[1].toLowerCase();
    if (words.some((word) => word.startsWith(prefix))) return match[0];
  }
  return undefined;
}
