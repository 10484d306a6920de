/**
 * The static checks of definitions (src/engine/checks.ts), each named by what it catches, and the format's JSON
 * Schema. Pure: no server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDefinition, type Problem } from '../src/engine/checks.js';
import { definitionJsonSchema } from '../src/engine/definition.js';
import { evaluate, resolve } from '../src/engine/expressions.js';
import { toMermaid } from '../src/engine/mermaid.js';

function problems(steps: Record<string, unknown>, extra: Record<string, unknown> = {}, context = {}): Problem[] {
  const checked = checkDefinition({ orchestra: 1, name: 'checked', steps, ...extra }, context);
  assert.equal(checked.ok, false, 'the definition should have been refused');
  return checked.ok ? [] : checked.problems;
}

function has(found: Problem[], path: string, message: RegExp): void {
  assert.ok(found.some((p) => p.path === path && message.test(p.message)), `expected ${path}: ${message}, got ${JSON.stringify(found)}`);
}

describe('definition checks', () => {
  it('accepts a good definition and applies the defaults', () => {
    const checked = checkDefinition({ orchestra: 1, name: 'ok', steps: { a: { set: 1 }, b: { set: '${ steps.a }', dependsOn: 'a' } } });
    assert.ok(checked.ok);
    assert.equal(checked.definition.maxParallel, 10);
    assert.equal(checked.definition.version, '1');
    assert.deepEqual(checked.definition.steps.b.dependsOn, ['a']);
  });

  it('reports schema errors with their path', () => {
    const found = problems({ charge: { call: 'store.charge_payment', retry: { maximumAttempts: 0 } }, both: { set: 1, wait: '1s' }, none: {} });
    has(found, 'steps.charge.retry.maximumAttempts', /expected number to be >=1/);
    has(found, 'steps.both', /a step does one thing: choose one of set, wait/);
    has(found, 'steps.none', /a step needs one action/);
    has(problems({ a: { set: 1, retyr: {} } }), 'steps.a', /retyr/);
    const version = checkDefinition({ orchestra: 2, name: 'x', steps: { a: { set: 1 } } });
    assert.ok(!version.ok && version.problems[0].path === 'orchestra');
  });

  it('reports unknown step references in dependsOn and switches', () => {
    const found = problems({ a: { set: 1, dependsOn: ['nope'] }, s: { switch: { cases: [{ when: 'true', then: 'gone' }] } } });
    has(found, 'steps.a.dependsOn[0]', /unknown step "nope"/);
    has(found, 'steps.s.switch.cases[0].then', /unknown step "gone"/);
  });

  it('names the cycle', () => {
    has(problems({ a: { set: 1, dependsOn: ['c'] }, b: { set: 1, dependsOn: ['a'] }, c: { set: 1, dependsOn: ['b'] } }), 'steps', /cycle: (a → b → c → a|b → c → a → b|c → a → b → c)/);
    has(problems({ a: { set: 1, dependsOn: ['a'] } }), 'steps.a.dependsOn[0]', /cannot depend on itself/);
  });

  it('reports unreachable steps: after a step that always fails, behind an always-true case, under a false condition', () => {
    has(problems({ stop: { fail: { message: 'no' } }, after: { set: 1, dependsOn: ['stop'] } }), 'steps.after', /unreachable: it runs after "stop", which always fails/);
    has(problems({ s: { switch: { cases: [{ when: 'true', then: 'a' }, { when: 'input.x', then: 'b' }] } }, a: { set: 1 }, b: { set: 2 } }), 'steps.b', /unreachable: switch "s" always takes case 0/);
    has(problems({ never: { if: 'false', set: 1 } }), 'steps.never.if', /always false/);
  });

  it('reports expressions that read steps which are not upstream, or do not parse', () => {
    const found = problems({ a: { set: 1 }, b: { set: '${ steps.a + 1 }' }, c: { set: 'x ${ 1 + }' }, d: { if: 'steps.zz', set: 1 } });
    has(found, 'steps.b.set', /reads steps\.a, which is not upstream of this step: add "a" to dependsOn/);
    has(found, 'steps.c.set', /does not parse/);
    has(found, 'steps.d.if', /reads steps\.zz/);
    // inside a loop, the body's steps and the loop's own upstream are visible; siblings of the loop are not
    has(problems({ out: { set: 1 }, l: { loop: { steps: { x: { set: '${ steps.out }' } }, until: 'steps.x', maxIterations: 2 } } }), 'steps.l.loop.steps.x.set', /reads steps\.out/);
  });

  it('reports unknown activities, MCP servers, definitions and workflow types', () => {
    const found = problems({
      a: { call: 'sentiment' }, b: { call: 'weather.today' }, c: { workflow: { definition: 'nowhere' } }, d: { workflow: { type: 'noSuchFlow' } },
    }, {}, { servers: ['store', 'filesystem'], definitions: ['other'], workflowTypes: ['orderSaga'] });
    has(found, 'steps.a.call', /unknown activity "sentiment"/);
    has(found, 'steps.b.call', /unknown MCP server "weather"; configured: store, filesystem/);
    has(found, 'steps.c.workflow.definition', /unknown definition "nowhere"; known: other/);
    has(found, 'steps.d.workflow.type', /unknown workflow type "noSuchFlow"/);
  });

  it('reports a quorum larger than the branches, dependsOn where it means nothing, and undos in a continued loop', () => {
    has(problems({ p: { parallel: { join: { quorum: 3 }, branches: { a: { set: 1 }, b: { set: 2 } } } } }), 'steps.p.parallel.join.quorum', /3 of 2/);
    has(problems({ a: { set: 1 }, p: { parallel: { branches: { x: { set: 1, dependsOn: ['a'] } } } } }), 'steps.p.parallel.branches.x.dependsOn', /no meaning here/);
    has(problems({ l: { loop: { steps: { x: { call: 'store.charge_payment', compensate: { call: 'store.refund_payment' } } }, until: 'true', maxIterations: 50, iterationsPerRun: 10 } } }),
      'steps.l.loop.iterationsPerRun', /cannot hold steps with compensate/);
    has(problems({ m: { map: { items: 'input.list', partitionSize: 10, step: { call: 'store.charge_payment', compensate: { call: 'store.refund_payment' } } } } }),
      'steps.m.map.partitionSize', /cannot hold steps with compensate/);
  });

  it('exports a JSON Schema of the format, with the recursive step', () => {
    const schema = definitionJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    assert.deepEqual(schema.required.sort(), ['name', 'orchestra', 'steps']);
    assert.match(JSON.stringify(schema), /"maximumAttempts"/);
    assert.match(JSON.stringify(schema), /"toleratedFailurePercentage"/);
  });

  it('evaluates expressions deterministically: no $random, whole values, templates', async () => {
    await assert.rejects(evaluate('$random()', {}, 'steps.r.set'), /steps\.r\.set: expression `\$random\(\)` failed: .*not available/);
    assert.deepEqual(await resolve({ n: '${ input.a * 2 }', s: 'a=${ input.a }', list: ['${ input.a }'] }, { input: { a: 3 } }, 'x'), { n: 6, s: 'a=3', list: [3] });
  });

  it('draws a definition as a Mermaid flowchart', () => {
    const checked = checkDefinition({ orchestra: 1, name: 'drawn', steps: {
      s: { switch: { cases: [{ when: 'input.vip', then: 'vip' }], default: 'std' } }, vip: { set: 1 }, std: { set: 2 },
      done: { set: 3, dependsOn: ['vip', 'std'] },
    } });
    assert.ok(checked.ok);
    const chart = toMermaid(checked.definition);
    assert.match(chart, /^flowchart TD/);
    assert.match(chart, /s -- "input\.vip" --> vip/);
    assert.match(chart, /s -- "otherwise" --> std/);
    assert.match(chart, /vip --> done/);
  });
});
