/**
 * `npm start -- --once` (src/main.ts), against a configured cluster — the local test server given as TEMPORAL_ADDRESS,
 * so it starts no dev server of its own and needs none of the fixed ports 7233/8233 — with a scratch ORCHESTRA_HOME:
 * what it prints and its exit codes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../../src/runtime/paths.js';
import { catalog } from '../../src/schemas/catalog.js';
import { runProcess, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/mcp.js';
import { useTemporal } from '../helpers/temporal.js';

/** Runs `npm start -- --once` as npm does (`tsx src/main.ts --once`) with extra environment. */
function startOnce(env: Record<string, string>): Promise<CliResult> {
  return runProcess(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/main.ts'), '--once'], env);
}

/** The printed runs: one block per run, starting with ✔ or ✘. */
const printedRuns = (stdout: string) => stdout.split(/^(?=[✔✘] )/m).slice(1);

describe('npm start -- --once', () => {
  const t = useTemporal('local');
  const env = (extra: Record<string, string> = {}) => ({
    TEMPORAL_ADDRESS: t.env.connection.options.address,
    ORCHESTRA_HOME: tempDir('start'),
    ORCHESTRA_TASK_QUEUE: `start-${randomUUID()}`,
    ORCHESTRA_UI_URL: 'https://temporal.example.test',
    ...extra,
  });

  it('runs every demo, prints each run\'s id, status and Web UI link, logs JSON lines, and exits 0', async () => {
    const settings = env();
    const { code, stdout, stderr } = await startOnce(settings);
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, new RegExp(`using the Temporal cluster at ${settings.TEMPORAL_ADDRESS} \\(namespace default\\)`));
    const runs = printedRuns(stdout);
    const types = new Set<string>();
    for (const run of runs) {
      assert.match(run, /^✔ /, run);
      const id = /workflow id {2}(\S+)/.exec(run)?.[1];
      assert.ok(id, run);
      assert.match(run, /status {7}COMPLETED/);
      assert.ok(run.includes(`Web UI       https://temporal.example.test/namespaces/default/workflows/${id}`), run);
      const description = await t.env.client.workflow.getHandle(id).describe();
      assert.equal(description.status.name, 'COMPLETED');
      types.add(description.type);
    }
    assert.deepEqual([...types].sort(), Object.keys(catalog).sort(), 'one demo (or more) per pattern');
    const log = fs.readFileSync(path.join(settings.ORCHESTRA_HOME, 'logs', 'worker.jsonl'), 'utf8').trim().split('\n');
    assert.ok(log.length > 0 && log.every((line) => typeof (JSON.parse(line) as { message: unknown }).message === 'string'));
  });

  it('exits 1 when a demo run fails, naming the failure', async () => {
    // No filesystem server configured: every run that reads or writes files fails with ToolNotFound.
    const home = tempDir('start-no-files');
    const config = JSON.parse(fs.readFileSync(path.join(projectRoot, 'mcp.config.json'), 'utf8')) as { mcpServers: Record<string, unknown> };
    delete config.mcpServers.filesystem;
    fs.writeFileSync(path.join(home, 'mcp.json'), JSON.stringify(config));
    const { code, stdout, stderr } = await startOnce(env({ ORCHESTRA_HOME: home, ORCHESTRA_MCP_CONFIG: path.join(home, 'mcp.json') }));
    assert.equal(code, 1, `${stdout}\n${stderr}`);
    const failed = printedRuns(stdout).filter((run) => run.startsWith('✘ '));
    assert.ok(failed.length > 0, stdout);
    for (const run of failed) assert.match(run, /status {7}FAILED — .*ToolNotFound/, run);
    assert.ok(printedRuns(stdout).some((run) => run.startsWith('✔ ')), 'the other runs still completed');
  });

  it('exits 2 on a bad MCP config and 3 when the configured cluster is unreachable, before running anything', async () => {
    const home = tempDir('start-bad');
    const config = path.join(home, 'mcp.json');
    fs.writeFileSync(config, JSON.stringify({ mcpServers: { filesystem: { args: ['x'] } } }));
    const bad = await startOnce(env({ ORCHESTRA_HOME: home, ORCHESTRA_MCP_CONFIG: config }));
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^orchestra: Invalid MCP config .*mcp\.json: mcpServers\.filesystem/m);
    const unreachable = await startOnce(env({ TEMPORAL_ADDRESS: '127.0.0.1:1' }));
    assert.equal(unreachable.code, 3, unreachable.stderr);
    assert.match(unreachable.stderr, /cannot reach Temporal at 127\.0\.0\.1:1/);
  });
});
