/**
 * Expressions in definitions, evaluated with JSONata (https://jsonata.org, the language AWS Step Functions uses).
 *
 * Deterministic inside the workflow sandbox: JSONata reads the clock only through `Date`, which the sandbox binds to
 * workflow time (so `$now()` and `$millis()` are the time of the workflow task, the same on replay); `$random()` and
 * `$shuffle()` are removed (a definition that needs chance should call an activity). No I/O is reachable from JSONata.
 *
 * Mappings: a string that is exactly `${ expr }` becomes the expression's value (any JSON type); a string with
 * `${ expr }` among text becomes that text with each value spliced in; everything else is kept as it is.
 */
import jsonata from 'jsonata';
import { JSONATA, planSimple, type Simple } from './simple-expressions.js';

/** An expression that did not parse or failed to evaluate; `where` names the step and field. */
export class ExpressionError extends Error {
  constructor(readonly where: string, readonly expression: string, reason: string) {
    super(`${where}: expression \`${expression}\` ${reason}`);
    this.name = 'ExpressionError';
  }
}

/** The functions a definition may not use, and why. */
const REMOVED = { random: 'is not available: it would not be deterministic', shuffle: 'is not available: it would not be deterministic' };
const bindings = Object.fromEntries(Object.entries(REMOVED).map(([name, why]) => [name, () => { throw new Error(`$${name}() ${why}`); }]));

const WHOLE = /^\s*\$\{([\s\S]*)\}\s*$/;
const EMBEDDED = /\$\{([^}]*)\}/g;

interface Compiled {
  expression: jsonata.Expression;
  /** Its synchronous evaluation when its shape is a simple one (./simple-expressions.ts). */
  simple?: Simple;
}

const compiled = new Map<string, Compiled>();

function compiledOf(expression: string, where: string): Compiled {
  let hit = compiled.get(expression);
  if (!hit) {
    let parsed: jsonata.Expression;
    try {
      parsed = jsonata(expression);
    } catch (err) {
      throw new ExpressionError(where, expression, `does not parse: ${(err as Error).message}`);
    }
    hit = { expression: parsed, simple: planSimple(parsed.ast()) };
    compiled.set(expression, hit);
  }
  return hit;
}

/** Parses an expression (cached); throws ExpressionError naming `where` on a syntax error. */
export function compile(expression: string, where: string): jsonata.Expression {
  return compiledOf(expression, where).expression;
}

/**
 * The value of a simple expression (a path, a literal, an array of those, `&` of text: ./simple-expressions.ts), at
 * once; JSONATA when JSONata must evaluate it (or simple expressions are off). Throws ExpressionError on a syntax error,
 * as `evaluate` does.
 */
export function evaluateNow(expression: string, context: object, where: string): unknown {
  if (!simpleExpressions) return JSONATA;
  const { simple } = compiledOf(expression, where);
  return simple ? simple(context) : JSONATA;
}

/**
 * Whether simple expressions are evaluated at once (the default). A workflow that interprets definitions sets it
 * from `patched(SIMPLE_EXPRESSIONS_PATCH)` at its start: evaluating at once changes how concurrent steps interleave,
 * so the order of their commands, and a run recorded before must replay with every expression through JSONata, its
 * promises made as they were then (the `…Recorded` functions below, the code of that time). Module state is the
 * run's own: each workflow run evaluates its imports afresh.
 */
let simpleExpressions = true;
export const SIMPLE_EXPRESSIONS_PATCH = 'engine-simple-expressions';
export function useSimpleExpressions(on: boolean): void {
  simpleExpressions = on;
}

/** Evaluates one expression over the context; an undefined result stays undefined. */
export function evaluate(expression: string, context: object, where: string): Promise<unknown> {
  // Not async itself: a caller awaits the very promise it awaited before, so a recorded run's timing is kept.
  return simpleExpressions ? evaluateSimpleFirst(expression, context, where) : evaluateRecorded(expression, context, where);
}

async function evaluateSimpleFirst(expression: string, context: object, where: string): Promise<unknown> {
  const now = evaluateNow(expression, context, where);
  if (now !== JSONATA) return now;
  try {
    return await compile(expression, where).evaluate(context, bindings);
  } catch (err) {
    throw new ExpressionError(where, expression, `failed: ${(err as Error).message}`);
  }
}

/** A condition: a bare expression or `${ … }`; true when the value is truthy (JSONata's boolean cast). */
export async function test(condition: string, context: object, where: string): Promise<boolean> {
  const expression = WHOLE.exec(condition)?.[1] ?? condition;
  const value = await evaluate(`$boolean(${expression})`, context, where).catch((err: unknown) => {
    if (err instanceof ExpressionError) throw new ExpressionError(where, condition, err.message.slice(err.message.indexOf('` ') + 2));
    throw err;
  });
  return value === true;
}

/**
 * Resolves every `${ … }` inside a mapping (objects and arrays walked deeply). A mapping whose expressions are all
 * simple resolves at once, without a promise per expression; otherwise every expression is evaluated in order.
 */
export function resolve(mapping: unknown, context: object, where: string): Promise<unknown> {
  return simpleExpressions ? resolveSimpleFirst(mapping, context, where) : resolveRecorded(mapping, context, where);
}

async function resolveSimpleFirst(mapping: unknown, context: object, where: string): Promise<unknown> {
  const now = resolveNow(mapping, context, where);
  return now !== JSONATA ? now : resolveEach(mapping, context, where);
}

/** The mapping resolved when each of its expressions is simple; JSONATA at the first that is not. */
function resolveNow(mapping: unknown, context: object, where: string): unknown {
  if (typeof mapping === 'string') {
    const parts = partsOf(mapping);
    if (!parts) return mapping;
    const values: unknown[] = [];
    for (const part of parts.expressions) {
      const value = evaluateNow(part, context, where);
      if (value === JSONATA) return JSONATA;
      values.push(value);
    }
    return splice(mapping, parts, values);
  }
  if (Array.isArray(mapping)) {
    const out: unknown[] = [];
    for (const [i, item] of mapping.entries()) {
      const resolved = resolveNow(item, context, `${where}[${i}]`);
      if (resolved === JSONATA) return JSONATA;
      out.push(resolved);
    }
    return out;
  }
  if (mapping && typeof mapping === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(mapping)) {
      const resolved = resolveNow(value, context, `${where}.${key}`);
      if (resolved === JSONATA) return JSONATA;
      if (resolved !== undefined) out[key] = resolved;
    }
    return out;
  }
  return mapping;
}

async function resolveEach(mapping: unknown, context: object, where: string): Promise<unknown> {
  if (typeof mapping === 'string') {
    const parts = partsOf(mapping);
    if (!parts) return mapping;
    const values: unknown[] = [];
    for (const part of parts.expressions) values.push(await evaluate(part, context, where));
    return splice(mapping, parts, values);
  }
  if (Array.isArray(mapping)) {
    const out: unknown[] = [];
    for (const [i, item] of mapping.entries()) out.push(await resolve(item, context, `${where}[${i}]`));
    return out;
  }
  if (mapping && typeof mapping === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(mapping)) {
      const resolved = await resolve(value, context, `${where}.${key}`);
      if (resolved !== undefined) out[key] = resolved;
    }
    return out;
  }
  return mapping;
}

/** A string's expressions: the whole string (`whole`: its value is the expression's) or those among its text. */
interface Parts {
  whole: boolean;
  expressions: string[];
  /** Embedded only: where each `${ … }` starts and ends in the text. */
  spans: Array<[number, number]>;
}

function partsOf(text: string): Parts | undefined {
  const whole = WHOLE.exec(text);
  if (whole && !whole[1].includes('${')) return { whole: true, expressions: [whole[1]], spans: [] };
  const matches = [...text.matchAll(EMBEDDED)];
  if (!matches.length) return undefined;
  return { whole: false, expressions: matches.map((m) => m[1]), spans: matches.map((m) => [m.index, m.index + m[0].length]) };
}

/** The string's value from its expressions' values: the whole one's (as JSON), or the text with each spliced in. */
function splice(text: string, parts: Parts, values: unknown[]): unknown {
  if (parts.whole) return jsonSafe(values[0]);
  let out = '';
  let last = 0;
  parts.spans.forEach(([start, end], i) => {
    const value = values[i];
    out += text.slice(last, start) + (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));
    last = end;
  });
  return out + text.slice(last);
}

// ---- Runs recorded before simple expressions: the evaluation of that time, promise for promise. ----

async function evaluateRecorded(expression: string, context: object, where: string): Promise<unknown> {
  const expr = compile(expression, where);
  try {
    return await expr.evaluate(context, bindings);
  } catch (err) {
    throw new ExpressionError(where, expression, `failed: ${(err as Error).message}`);
  }
}

async function resolveRecorded(mapping: unknown, context: object, where: string): Promise<unknown> {
  if (typeof mapping === 'string') return resolveStringRecorded(mapping, context, where);
  if (Array.isArray(mapping)) {
    const out: unknown[] = [];
    for (const [i, item] of mapping.entries()) out.push(await resolveRecorded(item, context, `${where}[${i}]`));
    return out;
  }
  if (mapping && typeof mapping === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(mapping)) {
      const resolved = await resolveRecorded(value, context, `${where}.${key}`);
      if (resolved !== undefined) out[key] = resolved;
    }
    return out;
  }
  return mapping;
}

async function resolveStringRecorded(text: string, context: object, where: string): Promise<unknown> {
  const whole = WHOLE.exec(text);
  if (whole && !whole[1].includes('${')) return jsonSafe(await evaluateRecorded(whole[1], context, where));
  let out = '';
  let last = 0;
  for (const match of text.matchAll(EMBEDDED)) {
    const value = await evaluateRecorded(match[1], context, where);
    out += text.slice(last, match.index) + (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));
    last = match.index + match[0].length;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** JSONata marks its sequences with extra properties; a plain copy keeps history and outputs to JSON. */
function jsonSafe(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value)) as unknown;
}

/** Every expression inside a mapping, with where it sits (for static checks). */
export function expressionsIn(mapping: unknown, where: string): Array<{ expression: string; where: string }> {
  if (typeof mapping === 'string') {
    const whole = WHOLE.exec(mapping);
    if (whole && !whole[1].includes('${')) return [{ expression: whole[1].trim(), where }];
    return [...mapping.matchAll(EMBEDDED)].map((m) => ({ expression: m[1].trim(), where }));
  }
  if (Array.isArray(mapping)) return mapping.flatMap((item, i) => expressionsIn(item, `${where}[${i}]`));
  if (mapping && typeof mapping === 'object') return Object.entries(mapping).flatMap(([k, v]) => expressionsIn(v, `${where}.${k}`));
  return [];
}

/** A condition's expression text (without `${ }`). */
export function conditionExpression(condition: string): string {
  return WHOLE.exec(condition)?.[1] ?? condition;
}

/**
 * The step ids an expression reads (`steps.<id>…`), from its syntax tree rather than its text, so a string literal
 * that happens to contain "steps.x" is not a reference.
 */
export function stepReferences(expression: string, where: string): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as { type?: string; steps?: Array<{ type?: string; value?: unknown }> };
    if (n.type === 'path' && n.steps && n.steps[0]?.type === 'name' && n.steps[0].value === 'steps' && n.steps[1]?.type === 'name') {
      found.add(String(n.steps[1].value));
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(compile(expression, where).ast());
  return [...found];
}
