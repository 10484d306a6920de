/**
 * The definition commands of the real `orchestra` CLI: validate, graph, schema, and `run <name>` refusing bad input
 * before it connects anywhere.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { orchestraCli } from '../helpers/cli.js';
import { useTemporal, withWorker } from '../helpers/temporal.js';

function scratch(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchestra-def-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('orchestra definition commands', () => {
  it('validates the examples', async () => {
    const { code, stdout } = await orchestraCli(['validate', 'examples/order-saga.yaml', 'examples/routing.yaml']);
    assert.equal(code, 0);
    assert.match(stdout, /✓ examples\/order-saga\.yaml: order-saga v1, 6 steps/);
  });

  it('lists every problem of a bad definition with its path, and exits 2', async () => {
    const file = scratch('bad.yaml', [
      'orchestra: 1', 'name: bad', 'steps:',
      '  charge: { call: store.charge_payment, retry: { maximumAttempts: 0 } }',
      '  ship: { call: weather.now, dependsOn: [chrge] }',
    ].join('\n'));
    const { code, stderr } = await orchestraCli(['validate', file]);
    assert.equal(code, 2);
    assert.match(stderr, /steps\.charge\.retry\.maximumAttempts: /);
    const again = scratch('bad2.yaml', 'orchestra: 1\nname: bad\nsteps:\n  ship: { call: weather.now, dependsOn: [chrge] }\n');
    const second = await orchestraCli(['validate', again]);
    assert.match(second.stderr, /steps\.ship\.dependsOn\[0\]: unknown step "chrge"/);
    assert.match(second.stderr, /steps\.ship\.call: unknown MCP server "weather"; configured: filesystem, store/);
  });

  it('reports a YAML syntax error with its line', async () => {
    const { code, stderr } = await orchestraCli(['validate', scratch('broken.yaml', 'orchestra: 1\nsteps: [\n')]);
    assert.equal(code, 2);
    assert.match(stderr, /\(syntax\): .*line/i);
  });

  it('draws a definition as Mermaid', async () => {
    const { code, stdout } = await orchestraCli(['graph', 'examples/data-pipeline.yaml']);
    assert.equal(code, 0);
    assert.match(stdout, /^flowchart TD/);
    assert.match(stdout, /transform --> save_db/);
    assert.match(stdout, /transform --> save_cache/);
  });

  it('prints the JSON Schema that examples/definition.schema.json holds', async () => {
    const { code, stdout } = await orchestraCli(['schema']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), JSON.parse(fs.readFileSync('examples/definition.schema.json', 'utf8')));
  });

  it('runs a registered definition by name, checking its input before anything starts', async () => {
    const { code, stderr } = await orchestraCli(['run', 'hello', '--input', '{}'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(code, 2);
    assert.match(stderr, /invalid input for hello — nothing was started/);
    assert.match(stderr, /name: is required/);
  });
});

describe('orchestra run FILE on a server', () => {
  const t = useTemporal('local');

  it('runs a definition file and a definition by name, with the definition named in the run summary', async () => {
    await withWorker(t.env, t.deps, async ({ taskQueue, orchestra }) => {
      const env = { TEMPORAL_ADDRESS: t.env.connection.options.address, ORCHESTRA_TASK_QUEUE: taskQueue };
      const byName = await orchestraCli(['run', 'hello', '--input', '{"name":"Ada"}', '--json', '--id', 'cli-hello-ada'], env);
      assert.equal(byName.code, 0, byName.stderr);
      const result = JSON.parse(byName.stdout) as { name: string; output: { greeting: string; tone: string } };
      assert.equal(result.name, 'hello');
      assert.deepEqual(result.output, { greeting: 'Hello, Ada! Lovely to see you.', tone: 'positive' });
      const described = await orchestra.describe('cli-hello-ada');
      assert.equal(described.type, 'definitionRun');
      assert.match(await described.staticSummary() ?? '', /^hello v1: greets someone/);

      const started = await orchestraCli(['start', 'examples/routing.yaml', '--input', '{"request":"The app shows an error when I log in"}', '--id', 'cli-routing'], env);
      assert.equal(started.code, 0, started.stderr);
      const routed = await orchestra.result('cli-routing') as { output: { type: string } };
      assert.equal(routed.output.type, 'technical');
    });
  });
});

