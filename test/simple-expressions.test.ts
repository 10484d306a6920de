/**
 * The synchronous evaluation of simple expressions (src/engine/simple-expressions.ts) against JSONata itself: the same
 * value — sequences, singletons, missing fields, arrays mapped and flattened, inherited names — for generated documents,
 * for every expression of the definitions in definitions/ and examples/, and through `resolve`, whose errors still name
 * the step and field. Pure: no server.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import jsonata from 'jsonata';
import { conditionExpression, evaluate, evaluateNow, ExpressionError, expressionsIn, resolve, useSimpleExpressions } from '../src/engine/expressions.js';
import { parseDefinitionText } from '../src/engine/load.js';
import { JSONATA, planSimple } from '../src/engine/simple-expressions.js';
import { projectRoot } from '../src/runtime/paths.js';

/** JSON documents over a few names, with what makes paths tricky: arrays (nested, empty, of one), nulls, names JSONata treats apart. */
function documents(names: string[]): fc.Arbitrary<Record<string, unknown>> {
  const keys = [...new Set([...names, 'sequence', 'constructor', '_jsonata_function', 'cons'])];
  const { object } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', maxDepth: 5 },
      fc.constantFrom(null, true, false, 0, 1, 2.5, '', 'text'), tie('array'), tie('object'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 3 }),
    object: fc.dictionary(fc.constantFrom(...keys), tie('value'), { maxKeys: 4 }),
  }));
  return object as fc.Arbitrary<Record<string, unknown>>;
}

/** JSONata's own answer (the oracle), with a sequence's marks kept so they are compared too. */
function byJsonata(expression: string, context: object): Promise<unknown> {
  return jsonata(expression).evaluate(context);
}

/** Checks one expression over generated documents; returns how many the simple evaluation answered itself. */
async function agrees(expression: string, runs = 150): Promise<number> {
  const simple = planSimple(jsonata(expression).ast());
  assert.ok(simple, `\`${expression}\` should be a simple shape`);
  const names = [...expression.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]);
  let answered = 0;
  await fc.assert(fc.asyncProperty(documents(names), async (context) => {
    const fast = simple(context);
    if (fast === JSONATA) return;
    answered += 1;
    assert.deepStrictEqual(fast, await byJsonata(expression, context), `\`${expression}\` over ${JSON.stringify(context)}`);
  }), { numRuns: runs });
  return answered;
}

const PATHS = ['a', 'a.b', 'a.b.c', 'a.b.c.a', '$.a.b', '$$.a.b', 'a.sequence', 'a.constructor', 'a._jsonata_function.b', 'a.cons.b'];

describe('simple expressions', () => {
  it('evaluates paths of names as JSONata does over generated documents (missing fields, arrays mapped, singletons)', async () => {
    for (const expression of PATHS) assert.ok(await agrees(expression) > 0, `${expression}: every document was left to JSONata`);
  });

  it('evaluates literals, arrays of simple items and `&` of text as JSONata does, and leaves `&` of anything else to JSONata', async () => {
    for (const expression of ["'USD'", '42', '-1.5', 'true', 'false', 'null', "a.b & '/' & c", "'id-' & a", 'a & b', '[a.b]', "[a, '[', [b.c], c]", '[]', '[[a]]']) {
      assert.ok(await agrees(expression) > 0, `${expression}: every document was left to JSONata`);
    }
    const concat = planSimple(jsonata('a & b').ast())!;
    assert.equal(concat({ a: 1, b: 'x' }), JSONATA); // $string(1): JSONata's number formatting
    assert.equal(concat({ a: 'x', b: { c: 1 } }), JSONATA);
    assert.equal(concat({ a: 'x' }), 'x');
  });

  it('leaves every other shape to JSONata', () => {
    for (const expression of ['a[0]', 'a.b[]', 'a.*', 'a.(b)', '$sum(a)', 'a.b = 1', '**.a', '$x.a', 'a.b^(c)', 'a{b: c}', '$', 'a.b#$i', "a & $string(b)", '[a].b', '[a[0]]', '[1..3]']) {
      assert.equal(planSimple(jsonata(expression).ast()), undefined, expression);
    }
  });

  it('agrees with JSONata on every expression of the definitions in definitions/ and examples/ that is simple', async () => {
    const found: string[] = [];
    for (const dir of ['definitions', 'examples']) {
      for (const file of fs.readdirSync(path.join(projectRoot, dir)).filter((f) => f.endsWith('.yaml'))) {
        const text = fs.readFileSync(path.join(projectRoot, dir, file), 'utf8');
        found.push(...expressionsOfDefinition(parseDefinitionText(text, file)));
      }
    }
    const simple = [...new Set(found)].filter((e) => planSimple(jsonata(e).ast()));
    assert.ok(simple.length >= 20, `only ${simple.length} simple expressions found in ${found.length}`);
    for (const expression of simple) await agrees(expression, 40);
    // The bench's and order-saga.yaml's own shapes are among them.
    for (const shape of ['input.orderId', 'result.payment_id', 'item.sku', 'input.items', 'steps.price']) assert.ok(simple.includes(shape), shape);
  });

  it('resolves mappings to what JSONata alone gives, and a failing expression still names its step and field', async () => {
    const context = { input: { orderId: 'o-1', customer: { id: 'c-9', name: 'Ada' }, items: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }] }, steps: { price: 700 } };
    const mapping = {
      user_key: "${ input.customer.id & '/' & input.orderId }",
      skus: '${ input.items.sku }',
      first: '${ input.items[0].sku }',
      total: '${ $sum(input.items.quantity) }',
      missing: '${ input.nothing }',
      body: 'Hello ${ input.customer.name }, order ${ input.orderId } costs ${ steps.price } (${ input.items.sku })',
      list: ['${ steps.price }', 'USD'],
    };
    const expected = { user_key: 'c-9/o-1', skus: ['A', 'B'], first: 'A', total: 3, body: 'Hello Ada, order o-1 costs 700 (["A","B"])', list: [700, 'USD'] };
    assert.deepStrictEqual(await resolve(mapping, context, 'steps.charge.input'), expected);
    assert.deepStrictEqual(await resolveByJsonata(mapping, context, 'steps.charge.input'), expected);
    // All simple: resolved at once, with the same result.
    const simpleOnly = { id: '${ input.customer.id }', skus: '${ input.items.sku }', note: 'order ${ input.orderId }' };
    assert.deepStrictEqual(await resolve(simpleOnly, context, 'x'), await resolveByJsonata(simpleOnly, context, 'x'));

    const failing = { ok: '${ input.orderId }', bad: ['${ input.orderId }', '${ $number(input.customer.name) }'] };
    await assert.rejects(resolve(failing, context, 'steps.charge.input'), (err: unknown) => {
      assert.ok(err instanceof ExpressionError);
      assert.equal(err.where, 'steps.charge.input.bad[1]');
      assert.match(err.message, /^steps\.charge\.input\.bad\[1\]: expression ` ?\$number\(input\.customer\.name\) ?` failed: Unable to cast value to a number/);
      return true;
    });
    await assert.rejects(evaluate('input.(', context, 'steps.x.map.items'), /^ExpressionError: steps\.x\.map\.items: expression `input\.\(` does not parse/);
    assert.deepStrictEqual(await evaluate('input.items', context, 'm'), context.input.items); // the array itself, as JSONata
    assert.equal(await evaluate('input.nothing.deeper', context, 'm'), undefined);
  });

  it('evaluates everything through JSONata when simple expressions are off (a run recorded before them), with the same results', async () => {
    const context = { input: { orderId: 'o-1', items: [{ sku: 'A' }, { sku: 'B' }] } };
    const mapping = { id: '${ input.orderId }', skus: '${ [input.items.sku] }', note: 'order ${ input.orderId }' };
    const simple = await resolve(mapping, context, 'x');
    assert.notEqual(evaluateNow('input.orderId', context, 'x'), JSONATA);
    useSimpleExpressions(false);
    try {
      assert.equal(evaluateNow('input.orderId', context, 'x'), JSONATA);
      assert.deepStrictEqual(await resolve(mapping, context, 'x'), simple);
      assert.deepStrictEqual(simple, { id: 'o-1', skus: ['A', 'B'], note: 'order o-1' });
    } finally {
      useSimpleExpressions(true);
    }
  });
});

/** Every expression a definition holds: `${ … }` in mappings, and the bare ones (`items`, `if`, `until`, `when`). */
function expressionsOfDefinition(data: unknown): string[] {
  const out: string[] = [];
  const visit = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      if (['items', 'if', 'until', 'when'].includes(key)) out.push(conditionExpression(value).trim());
      else out.push(...expressionsIn(value, key).map((e) => e.expression));
    } else if (Array.isArray(value)) value.forEach((v) => visit(v, key));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (k !== 'input' || typeof v !== 'object' || !('type' in (v as object))) visit(v, k);
    }
  };
  visit(data, '');
  return out;
}

/** The resolution before simple expressions (kept for runs recorded then): every expression through JSONata, the oracle. */
async function resolveByJsonata(mapping: unknown, context: object, where: string): Promise<unknown> {
  useSimpleExpressions(false);
  try {
    return await resolve(mapping, context, where);
  } finally {
    useSimpleExpressions(true);
  }
}
