/**
 * The common expression shapes of definitions — a path of plain names (`input.orderId`, `steps.price`, `$.input.items.sku`),
 * a literal (`'USD'`, `5`, `true`, `null`), an array of those (`[input.items.sku]`), and `&` joining them when both
 * sides are text — evaluated synchronously,
 * with JSONata's own results. Everything else is left to JSONata (./expressions.ts).
 *
 * Why by hand: JSONata evaluates every node asynchronously, and inside the workflow sandbox each promise it makes costs a
 * captured stack (the SDK's stack-trace query records one per promise). A three-name path makes about a dozen promises;
 * a definition's dozens of paths were most of the engine's extra time in a workflow task (bench/FINDINGS.md). No library
 * offers a synchronous JSONata, so the few shapes above are ported here line for line from JSONata 2.x (evaluatePath,
 * evaluateStep, lookup, evaluate's sequence handling, the array constructor, evaluateStringConcat); test/simple-expressions.test.ts checks them
 * against JSONata itself over generated documents.
 *
 * The shape is read from JSONata's own syntax tree (so parsing and its errors stay JSONata's), accepting only nodes
 * whose every property is known: a name with a filter, a `[]`, a group or anything else is not a plain name. A shape
 * that can only be decided on the data (`&` of a number) answers `JSONATA` at run time, and JSONata evaluates it whole.
 */
import type jsonata from 'jsonata';

/** "Evaluate this with JSONata": the shape, or this value of it, is not one handled here. */
export const JSONATA: unique symbol = Symbol('jsonata');

/** A simple expression, ready to run over a context; JSONATA when the data leaves its shape. */
export type Simple = (context: unknown) => unknown;

type Node = { type: string; value?: unknown; [key: string]: unknown };

/** The plan for an expression's syntax tree: a function when its shape is simple, undefined when JSONata must run. */
export function planSimple(ast: jsonata.ExprNode): Simple | undefined {
  const node = ast as unknown as Node;
  if (isLiteral(node)) {
    const value = node.value;
    return () => value;
  }
  if (node.type === 'path' && hasOnly(node, ['type', 'steps']) && Array.isArray(node.steps)) {
    const steps = node.steps as Node[];
    // `$` (the context) or `$$` (the root) first: both are the context here, the run's context being an object.
    const rooted = steps[0] && steps[0].type === 'variable' && (steps[0].value === '' || steps[0].value === '$') && hasOnly(steps[0], ['type', 'value', 'position']);
    const names = rooted ? steps.slice(1) : steps;
    if (!names.length || !names.every(isName)) return undefined;
    const keys = names.map((n) => n.value as string);
    return (context) => (context !== null && typeof context === 'object' && !Array.isArray(context) ? evaluatePath(keys, context) : JSONATA);
  }
  if (node.type === 'unary' && node.value === '[' && hasOnly(node, ['type', 'value', 'position', 'expressions']) && Array.isArray(node.expressions)) {
    const items = node.expressions as Node[];
    const plans = items.map((item) => planSimple(item as unknown as jsonata.ExprNode));
    if (!plans.every((plan) => plan !== undefined)) return undefined;
    return (context) => { // evaluateUnary's array constructor: each item appended, an inner constructor kept whole
      let result: unknown[] = [];
      for (const [i, plan] of plans.entries()) {
        const value = plan(context);
        if (value === JSONATA) return JSONATA;
        if (value === undefined) continue;
        if (items[i].value === '[') result.push(value);
        else result = result.concat(Array.isArray(value) ? value : [value]);
      }
      return result;
    };
  }
  if (node.type === 'binary' && node.value === '&' && hasOnly(node, ['type', 'value', 'position', 'lhs', 'rhs'])) {
    const lhs = planSimple(node.lhs as jsonata.ExprNode);
    const rhs = lhs && planSimple(node.rhs as jsonata.ExprNode);
    if (!lhs || !rhs) return undefined;
    return (context) => {
      const l = lhs(context);
      if (l === JSONATA || (l !== undefined && typeof l !== 'string')) return JSONATA; // JSONata's $string() of the rest
      const r = rhs(context);
      if (r === JSONATA || (r !== undefined && typeof r !== 'string')) return JSONATA;
      return (l ?? '').concat(r ?? '');
    };
  }
  return undefined;
}

function hasOnly(node: Node, keys: string[]): boolean {
  return Object.keys(node).every((k) => keys.includes(k));
}

function isLiteral(node: Node): boolean {
  return (node.type === 'string' || node.type === 'number' || node.type === 'value') && hasOnly(node, ['type', 'value', 'position']);
}

function isName(node: Node): boolean {
  return node.type === 'name' && typeof node.value === 'string' && hasOnly(node, ['type', 'value', 'position']);
}

// ---- Ported from JSONata 2.x (jsonata.js), for steps that are plain names; the names are JSONata's. ----

type Sequence = unknown[] & { sequence?: boolean; keepSingleton?: boolean; tupleStream?: boolean; cons?: boolean };

function createSequence(...items: unknown[]): Sequence {
  const sequence: Sequence = [];
  sequence.sequence = true;
  if (items.length === 1) sequence.push(items[0]);
  return sequence;
}

function isSequence(value: unknown): boolean {
  return (value as Sequence).sequence === true && Array.isArray(value);
}

function isFunction(arg: unknown): boolean {
  const a = arg as { _jsonata_function?: unknown; _jsonata_lambda?: unknown } | undefined;
  return Boolean(a && (a._jsonata_function === true || a._jsonata_lambda === true)) || typeof arg === 'function';
}

/** evaluatePath: a path whose first step is not a variable, over an input that is not an array. */
function evaluatePath(names: string[], input: object): unknown {
  let inputSequence: Sequence = createSequence(input);
  let resultSequence: Sequence | undefined;
  for (let ii = 0; ii < names.length; ii++) {
    resultSequence = evaluateStep(names[ii], inputSequence, ii === names.length - 1);
    if (resultSequence === undefined || resultSequence.length === 0) break;
    inputSequence = resultSequence;
  }
  return afterEvaluate(resultSequence);
}

/** evaluateStep for a name step (no stages). */
function evaluateStep(name: string, input: Sequence, lastStep: boolean): Sequence {
  const result = createSequence();
  for (let ii = 0; ii < input.length; ii++) {
    const res = afterEvaluate(lookup(input[ii], name));
    if (res !== undefined) result.push(res);
  }
  let resultSequence = createSequence();
  if (lastStep && result.length === 1 && Array.isArray(result[0]) && !isSequence(result[0])) {
    resultSequence = result[0] as Sequence;
  } else {
    Array.prototype.forEach.call(result, (res: unknown) => {
      if (!Array.isArray(res) || (res as Sequence).cons) resultSequence.push(res);
      else Array.prototype.forEach.call(res, (val: unknown) => resultSequence.push(val));
    });
  }
  return resultSequence;
}

/** lookup */
function lookup(input: unknown, key: string): unknown {
  let result: unknown;
  if (Array.isArray(input)) {
    const sequence = createSequence();
    for (let ii = 0; ii < input.length; ii++) {
      const res = lookup(input[ii], key);
      if (res !== undefined) {
        if (Array.isArray(res)) res.forEach((val) => sequence.push(val));
        else sequence.push(res);
      }
    }
    result = sequence;
  } else if (input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, key) && !isFunction(input)) {
    result = (input as Record<string, unknown>)[key];
  }
  return result;
}

/** The end of evaluate(): a sequence of one is its item, of none undefined. */
function afterEvaluate(result: unknown): unknown {
  if (result && isSequence(result) && !(result as Sequence).tupleStream) {
    const sequence = result as Sequence;
    if (sequence.length === 0) return undefined;
    if (sequence.length === 1) return sequence.keepSingleton ? sequence : sequence[0];
  }
  return result;
}
