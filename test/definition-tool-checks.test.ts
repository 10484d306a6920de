/**
 * The live check of a definition's MCP tool calls (src/engine/tool-checks.ts, src/client/live-tools.ts): against the
 * real store server's tool list, and through the real `orchestra validate` (which starts the servers from
 * mcp.config.json, or skips them with --offline).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkDefinition, type Problem } from '../src/engine/checks.js';
import type { Definition } from '../src/engine/definition.js';
import { checkToolCalls, type ToolLists } from '../src/engine/tool-checks.js';
import { orchestraCli } from './helpers/cli.js';
import { storeSpec, tempDir, testPool } from './helpers/mcp.js';

function definition(steps: Record<string, unknown>): Definition {
  const checked = checkDefinition({ orchestra: 1, name: 'tools', steps }, { servers: ['store'] });
  assert.ok(checked.ok, JSON.stringify(checked));
  return checked.definition;
}

function has(found: Problem[], path: string, message: RegExp): void {
  assert.ok(found.some((p) => p.path === path && message.test(p.message)), `expected ${path}: ${message}, got ${JSON.stringify(found)}`);
}

describe('MCP tool checks against the real store server', () => {
  const pool = testPool([storeSpec(path.join(tempDir('tool-checks'), 'store.db'))]);
  let tools: ToolLists;
  before(async () => { tools = { store: await pool.listTools('store') as unknown as ToolLists[string] }; });
  after(() => pool.close());

  it('reports a tool the server does not have, with its path (nested too) and the close names', () => {
    const found = checkToolCalls(definition({
      who: { call: 'store.get_customers', input: { customer_id: 'c1' } },
      fan: { parallel: { branches: { one: { call: 'store.chrge_payment' } } } },
    }), tools);
    has(found, 'steps.who.call', /MCP server "store" has no tool "get_customers"; did you mean get_customer/);
    has(found, 'steps.fan.parallel.branches.one.call', /no tool "chrge_payment"/);
  });

  it('reports static arguments that do not satisfy the input schema, naming the field', () => {
    const found = checkToolCalls(definition({ look: { call: 'store.get_customer', input: { customer_id: 42, colour: 'red' }, readOnly: true } }), tools);
    has(found, 'steps.look.input.customer_id', /must be string/);
    has(found, 'steps.look.input.colour', /is not expected here/);
    has(checkToolCalls(definition({ look: { call: 'store.get_customer', readOnly: true } }), tools), 'steps.look.input.customer_id', /is required/);
  });

  it('checks only the static keys of arguments with expressions, and not the engine\'s idempotency key', () => {
    const steps = { charge: { call: 'store.charge_payment', input: { customer_id: '${ input.customer }', amount: 'lots' } } };
    const found = checkToolCalls(definition(steps), tools);
    has(found, 'steps.charge.input.amount', /must be integer/);
    assert.ok(!found.some((p) => /customer_id|idempotency_key/.test(p.path)), JSON.stringify(found));
    assert.deepEqual(checkToolCalls(definition({ charge: { call: 'store.charge_payment', input: '${ input.charge }' } }), tools), []);
  });

  it('passes a valid call, and leaves servers without a list unchecked', () => {
    assert.deepEqual(checkToolCalls(definition({ look: { call: 'store.get_customer', input: { customer_id: 'c1' }, readOnly: true } }), tools), []);
    assert.deepEqual(checkToolCalls(definition({ look: { call: 'store.nope' } }), {}), []);
  });
});

describe('orchestra validate: the live tool check', () => {
  const home = tempDir('validate-home');
  const bad = path.join(tempDir('validate'), 'bad-tools.yaml');
  fs.writeFileSync(bad, 'orchestra: 1\nname: bad-tools\nsteps:\n  look: { call: store.get_customers, input: { customer_id: 42 }, readOnly: true }\n');

  it('passes every example against the real servers', async () => {
    const files = fs.readdirSync('examples').filter((f) => f.endsWith('.yaml')).map((f) => `examples/${f}`);
    const { code, stdout, stderr } = await orchestraCli(['validate', ...files], { ORCHESTRA_HOME: home });
    assert.equal(code, 0, stderr);
    assert.equal(stdout.split('\n').filter((line) => line.startsWith('✓')).length, files.length);
    assert.equal(stderr, '');
  });

  it('reports an unknown tool with its path, and --offline skips the check', async () => {
    const live = await orchestraCli(['validate', bad], { ORCHESTRA_HOME: home });
    assert.equal(live.code, 2);
    assert.match(live.stderr, /steps\.look\.call: MCP server "store" has no tool "get_customers"; did you mean get_customer/);
    const offline = await orchestraCli(['validate', '--offline', bad], { ORCHESTRA_HOME: home });
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, /✓ .*bad-tools\.yaml: bad-tools v1, 1 steps/);
  });

  it('warns, and does not fail, when a server cannot be started', async () => {
    const config = path.join(tempDir('validate-config'), 'mcp.config.json');
    fs.writeFileSync(config, JSON.stringify({ mcpServers: { store: { command: path.join(home, 'no-such-server') } } }));
    const { code, stdout, stderr } = await orchestraCli(['validate', bad], { ORCHESTRA_HOME: home, ORCHESTRA_MCP_CONFIG: config });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^! MCP server "store" could not be listed, so its tools were not checked: /m);
    assert.match(stdout, /✓ .*bad-tools\.yaml/);
  });
});
