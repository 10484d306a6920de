/**
 * The README's examples, run as written so they cannot drift: every `orchestra` and `temporal` command of its shell
 * blocks, in order, against a local dev server with a worker and the real MCP servers, and its TypeScript example.
 * A command's expected exit code is 0 unless its comment says `exit N`. The `npm` commands (install, start, test,
 * bench, …) are only listed: they start fixed-port servers or this very suite. Blocks fenced as `bash` rather than `sh` are
 * recipes for other machines (a real cluster) and are not run.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findLocal, TEMPORAL_CLI } from '../../src/runtime/binaries.js';
import { projectRoot } from '../../src/runtime/paths.js';
import { runProcess } from '../helpers/cli.js';
import { useTemporal, withWorker } from '../helpers/temporal.js';

const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');

function blocks(language: string): string[] {
  return [...readme.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]);
}

/** The commands of the shell blocks: a command starts with `npx orchestra`, `temporal` or `npm`; other lines continue it. */
function shellCommands(): string[] {
  const commands: string[] = [];
  for (const block of blocks('sh')) {
    for (const line of block.split('\n')) {
      if (!line.trim() || line.startsWith('#')) continue;
      if (/^(npx orchestra|temporal|npm) /.test(line)) commands.push(line);
      else {
        assert.ok(commands.length, `a README shell line that is no command: ${line}`);
        commands[commands.length - 1] += `\n${line}`;
      }
    }
  }
  return commands;
}

/** A README command line, run by bash in the project root (quotes and continuation lines as a user's shell reads them). */
const sh = (command: string, env: Record<string, string>) => runProcess('bash', ['-c', command], env);

describe('the README, run as written', () => {
  const t = useTemporal('local');
  const commands = shellCommands();

  it('has only orchestra, temporal and npm commands in its shell blocks', () => {
    assert.ok(commands.filter((c) => c.startsWith('npx orchestra')).length >= 20, 'the CLI examples are found');
    for (const c of commands) assert.match(c, /^(npx orchestra|temporal|npm (install|start|test|run (lint|typecheck|record-histories|bench|conformance|store|chaos|test:browser|test:system)))\b/);
  });

  it('runs every orchestra and temporal command with the exit code it states', async () => {
    const temporal = findLocal(TEMPORAL_CLI);
    assert.ok(temporal, 'the Temporal CLI is resolved (it runs the dev server too)');
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      // The worker's home: the CLI's `events`, `dlq` and `breakers` read the same store and breaker board the worker writes.
      const env = { TEMPORAL_ADDRESS: t.env.connection.options.address, ORCHESTRA_TASK_QUEUE: taskQueue, ORCHESTRA_HOME: t.deps.home };
      for (const command of commands.filter((c) => !c.startsWith('npm '))) {
        const runnable = command.replace(/^npx orchestra /, `${JSON.stringify(process.execPath)} bin/orchestra.js `)
          .replace(/^temporal /, `${JSON.stringify(temporal)} `);
        const expected = Number(/#[^'\n]*\bexit (\d)/.exec(command)?.[1] ?? 0);
        const { code, stdout, stderr } = await sh(runnable, env);
        assert.equal(code, expected, `${command}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
      }
    });
  });

  it('runs the TypeScript example', async () => {
    const [example] = blocks('ts');
    assert.ok(example, 'the README has a TypeScript example');
    const file = path.join(t.deps.home, 'readme-example.mts');
    fs.writeFileSync(file, example.replace("'./src/", `'${path.join(projectRoot, 'src')}/`));
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      const { code, stdout, stderr } = await sh(`${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(file)}`,
        { TEMPORAL_ADDRESS: t.env.connection.options.address, ORCHESTRA_TASK_QUEUE: taskQueue });
      assert.equal(code, 0, stderr);
      assert.match(stdout, /^\d{4}-\d\d-\d\dT/);
    });
  });
});
