/**
 * `orchestra dlq redrive` as a person runs it: `--edit` opens the recorded arguments in their editor (here `EDITOR` is
 * a small script that rewrites the JSON file, as a person would), `--args` gives them inline or from a file. Checked
 * against the real store server and a local dev server: the diff the dead letter records, who asked, and the outcome.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { DeadLetterQueue, parseNote } from '../../src/client/dead-letters.js';
import type { DeadLetterItem } from '../../src/shared/dead-letter.js';
import { orchestraCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/mcp.js';
import { useTemporal, withWorker, type WorkerRun } from '../helpers/temporal.js';

interface RedriveJson {
  workflowId: string;
  started: boolean;
  changes: Array<{ path: string; before?: unknown; after?: unknown }>;
  result: { outcome: string; result: { customer: { id: string } } };
}

describe('orchestra dlq redrive --edit / --args', () => {
  const t = useTemporal('local');
  let editors: string;
  before(() => {
    editors = tempDir('dlq-editors');
  });

  /** A dead letter: a callTools run asking for a customer the store does not have. */
  async function deadLetterFor(run: WorkerRun, customer: string): Promise<string> {
    const started = await run.orchestra.start('callTools', { calls: [{ server: 'store', tool: 'get_customer', args: { customer_id: customer } }] }, { taskQueue: run.taskQueue });
    await assert.rejects(run.orchestra.result(started.workflowId));
    const queue = new DeadLetterQueue(t.deps.mcp);
    const letter = (await queue.list({ source: 'callTools' })).find((l) => (l.item as DeadLetterItem).workflowId === started.workflowId);
    assert.ok(letter, `a dead letter for ${started.workflowId}`);
    return letter.id;
  }

  /** An editor: a script run as `$EDITOR <file>` that does `body` to the arguments object and writes it back. */
  function editor(name: string, body: string): string {
    const script = path.join(editors, `${name}.mjs`);
    fs.writeFileSync(script, [
      "import fs from 'node:fs';",
      'const file = process.argv[2];',
      "const args = JSON.parse(fs.readFileSync(file, 'utf8'));",
      body,
      "fs.writeFileSync(file, JSON.stringify(args, null, 2));",
    ].join('\n'));
    return `${JSON.stringify(process.execPath)} ${JSON.stringify(script)}`;
  }

  function cli(run: WorkerRun, args: string[], env: Record<string, string> = {}) {
    return orchestraCli(['dlq', ...args], {
      TEMPORAL_ADDRESS: t.env.connection.options.address, ORCHESTRA_TASK_QUEUE: run.taskQueue, ORCHESTRA_HOME: t.deps.home, VISUAL: '', ...env,
    });
  }

  it('--edit: the arguments the editor saved are redriven, and the dead letter records the diff, who and the outcome', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const id = await deadLetterFor(run, 'cust-996');
      const queue = new DeadLetterQueue(t.deps.mcp);

      // A first correction the tool refuses (it takes no `note`): the redrive fails and the dead letter stays open.
      const careless = editor('fix-and-annotate', "args.customer_id = 'cust-004'; args.note = 'checked with billing';");
      const refused = await cli(run, ['redrive', id, '--edit', '--by', 'grace', '--wait'], { EDITOR: careless });
      assert.equal(refused.code, 1);
      assert.match(refused.stdout, /^ {2}changed customer_id: "cust-996" → "cust-004"$/m);
      assert.match(refused.stdout, /^ {2}changed note: undefined → "checked with billing"$/m);
      assert.match(refused.stderr, /InvalidToolArguments: .*note: is not an argument of this tool/);
      const open = await queue.get(id);
      assert.deepEqual([open.status, open.redrive_count], ['pending', 1]);
      assert.deepEqual(parseNote(open.note), {
        run: `redrive-${id}-1`, by: 'grace', outcome: 'failed',
        changes: [{ path: 'customer_id', before: 'cust-996', after: 'cust-004' }, { path: 'note', after: 'checked with billing' }],
        error: { type: 'InvalidToolArguments', message: (parseNote(open.note) as { error: { message: string } }).error.message },
      });

      // The editor opens the recorded arguments again; this time only the customer changes, and the call completes.
      const careful = editor('fix-customer', "args.customer_id = 'cust-004';");
      const redriven = await cli(run, ['redrive', id, '--edit', '--by', 'grace', '--wait', '--json'], { EDITOR: careful });
      assert.equal(redriven.code, 0, redriven.stderr);
      const out = JSON.parse(redriven.stdout) as RedriveJson;
      const changes = [{ path: 'customer_id', before: 'cust-996', after: 'cust-004' }];
      assert.deepEqual([out.workflowId, out.started, out.changes], [`redrive-${id}-2`, true, changes]);
      assert.deepEqual([out.result.outcome, out.result.result.customer.id], ['completed', 'cust-004']);

      const letter = await queue.get(id);
      assert.deepEqual([letter.status, letter.redrive_count], ['resolved', 2]);
      assert.deepEqual(parseNote(letter.note), { run: out.workflowId, by: 'grace', changes, outcome: 'completed' });
    });
  });

  it('--edit: an editor that fails, or saves something that is not an object, redrives nothing', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const id = await deadLetterFor(run, 'cust-995');
      const failing = await cli(run, ['redrive', id, '--edit'], { EDITOR: editor('give-up', 'process.exit(3);') });
      assert.equal(failing.code, 2);
      assert.match(failing.stderr, /the editor \(.*\) exited with 3: nothing was redriven/);

      const notObject = await cli(run, ['redrive', id, '--edit'], { EDITOR: editor('to-array', "fs.writeFileSync(file, '[1, 2]'); process.exit(0);") });
      assert.equal(notObject.code, 2);
      assert.match(notObject.stderr, /the edited arguments must be a JSON object: nothing was redriven/);

      const letter = await new DeadLetterQueue(t.deps.mcp).get(id);
      assert.deepEqual([letter.status, letter.redrive_count], ['pending', 0]);
    });
  });

  it('--args inline or from a file: corrected arguments are redriven; a resolved dead letter is not redriven again', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const refused = await cli(run, ['redrive', 'dl-any', '--args', '[1]']);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /--args: must be a JSON object of tool arguments/);
      const both = await cli(run, ['redrive', 'dl-any', '--args', '{}', '--edit']);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /give either --args or --edit, not both/);

      const inline = await deadLetterFor(run, 'cust-994');
      const first = await cli(run, ['redrive', inline, '--args', JSON.stringify({ customer_id: 'cust-005' }), '--by', 'ada', '--wait', '--json']);
      assert.equal(first.code, 0, first.stderr);
      const out = JSON.parse(first.stdout) as RedriveJson;
      assert.deepEqual(out.changes, [{ path: 'customer_id', before: 'cust-994', after: 'cust-005' }]);
      assert.deepEqual([out.result.outcome, out.result.result.customer.id], ['completed', 'cust-005']);
      const closed = await cli(run, ['redrive', inline, '--args', JSON.stringify({ customer_id: 'cust-005' })]);
      assert.equal(closed.code, 1, 'a resolved dead letter is not redriven again');
      assert.match(closed.stderr, /is resolved .*nothing to redrive/);

      const fromFile = await deadLetterFor(run, 'cust-993');
      const file = path.join(editors, 'args.json');
      fs.writeFileSync(file, JSON.stringify({ customer_id: 'cust-006' }));
      const second = await cli(run, ['redrive', fromFile, '--args', `@${file}`, '--wait']);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, new RegExp(`^redrive of ${fromFile} started: redrive-${fromFile}-1$`, 'm'));
      assert.match(second.stdout, /^ {2}changed customer_id: "cust-993" → "cust-006"$/m);
      const letter = await new DeadLetterQueue(t.deps.mcp).get(fromFile);
      assert.equal(letter.status, 'resolved');
    });
  });
});
