import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type Long from 'long';
import { registerSearchAttributes } from '../../src/runtime/search-attributes.js';
import { orchestraCli, orchestraCliOnTerminal } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { useTemporal, withWorker } from '../helpers/temporal.js';

describe('orchestra CLI', () => {
  // analytics_report hangs until cancelled: a fan-out that waits for a signal.
  const t = useTemporal('local', { STORE_FAULTS: JSON.stringify({ analytics_report: { hang: true } }) });
  let address: string;
  before(async () => {
    address = t.env.connection.options.address;
  });

  it('lists workflow types with their input schema as JSON Schema', async () => {
    const { code, stdout } = await orchestraCli(['workflows', '--json']);
    assert.equal(code, 0);
    const types = JSON.parse(stdout) as Array<{ name: string; description: string; input: { properties: object; required: string[] } }>;
    const reminder = types.find((t) => t.name === 'reminder');
    assert.ok(reminder, 'reminder is listed');
    assert.ok(reminder.description.length > 10);
    assert.deepEqual(Object.keys(reminder.input.properties).sort(), ['delay', 'message', 'recipient']);
    assert.deepEqual(reminder.input.required.sort(), ['message', 'recipient']);
  });

  it('rejects bad input with field-level errors and starts nothing', async () => {
    const { code, stderr } = await orchestraCli(
      ['run', 'reminder', '--input', JSON.stringify({ recipient: 'nobody', message: '   ', delay: 'whenever' }), '--id', 'cli-never-started'],
      { TEMPORAL_ADDRESS: address },
    );
    assert.equal(code, 2);
    assert.match(stderr, /nothing was started/);
    assert.match(stderr, /recipient: must be an email address/);
    assert.match(stderr, /message: must not be empty/);
    assert.match(stderr, /delay: must be a positive duration/);
    // Asked by id, not through the (lagging) list: there is no such run.
    await assert.rejects(t.env.client.workflow.getHandle('cli-never-started').describe(), WorkflowNotFoundError);
  });

  it('says "required" for a missing field, not its format rule', async () => {
    const { code, stderr } = await orchestraCli(['run', 'reminder', '--input', JSON.stringify({ message: 'Stand-up' })], { TEMPORAL_ADDRESS: address });
    assert.equal(code, 2);
    assert.match(stderr, /^ {2}- recipient: required$/m);
    assert.doesNotMatch(stderr, /email/);
  });

  it('rejects unknown workflow types and malformed JSON with exit code 2', async () => {
    const unknown = await orchestraCli(['run', 'nope', '--input', '{}'], { TEMPORAL_ADDRESS: address });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown workflow type "nope"; known types: .*reminder/);
    const malformed = await orchestraCli(['start', 'reminder', '--input', '{"recipient":'], { TEMPORAL_ADDRESS: address });
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /--input is not valid JSON/);
  });

  it('names the address and how to start a server when Temporal is unreachable', async () => {
    const { code, stderr } = await orchestraCli(
      ['run', 'reminder', '--input', JSON.stringify({ recipient: 'a@example.com', message: 'hi' })],
      { TEMPORAL_ADDRESS: '127.0.0.1:1' },
    );
    assert.equal(code, 3);
    assert.match(stderr, /cannot reach Temporal at 127\.0\.0\.1:1/);
    assert.match(stderr, /npm start/);
  });

  it('runs a workflow to completion and prints only the result JSON with --json', async () => {
    const inputFile = path.join(t.deps.home, 'input.json');
    fs.writeFileSync(inputFile, JSON.stringify({ recipient: 'dee@example.com', message: 'From a file', delay: '1s' }));
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      const { code, stdout } = await orchestraCli(['run', 'reminder', '--input', `@${inputFile}`, '--json'],
        { TEMPORAL_ADDRESS: address, ORCHESTRA_TASK_QUEUE: taskQueue });
      assert.equal(code, 0);
      const result = JSON.parse(stdout) as { recipient: string; snoozes: number };
      assert.equal(result.recipient, 'dee@example.com');
      assert.equal(result.snoozes, 0);
    });
  });

  it('starts, shows status, takes an update, and returns the result of a run', async () => {
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      const cli = (args: string[]) => orchestraCli(args, { TEMPORAL_ADDRESS: address, ORCHESTRA_TASK_QUEUE: taskQueue });
      const started = await cli(['start', 'reminder', '--input', JSON.stringify({ recipient: 'eve@example.com', message: 'Later' }), '--id', 'cli-reminder-eve']);
      assert.equal(started.code, 0, started.stderr);
      assert.match(started.stdout, /started cli-reminder-eve/);

      const status = await cli(['status', 'cli-reminder-eve', '--json']);
      assert.equal(status.code, 0, status.stderr);
      const parsed = JSON.parse(status.stdout) as { status: string; type: string; progress: { state: string; step: string } };
      assert.equal(parsed.status, 'RUNNING');
      assert.equal(parsed.type, 'reminder');
      assert.equal(parsed.progress.state, 'waiting');

      const rejected = await cli(['update', 'cli-reminder-eve', 'snooze', '--args', '{"by":"-5m"}']);
      assert.equal(rejected.code, 2);
      assert.match(rejected.stderr, /snooze rejected by cli-reminder-eve, nothing was recorded: by: must be a positive duration/);

      const sent = await cli(['update', 'cli-reminder-eve', 'sendNow']);
      assert.equal(sent.code, 0, sent.stderr);
      const result = await cli(['result', 'cli-reminder-eve', '--json']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { sentEarly: boolean }).sentEarly, true);

      await eventually(async () => {
        const listed = await cli(['list', '--pattern', 'reminder', '--json']);
        assert.equal(listed.code, 0, listed.stderr);
        assert.ok((JSON.parse(listed.stdout) as Array<{ workflowId: string }>).some((r) => r.workflowId === 'cli-reminder-eve'), listed.stdout);
      }, { what: 'the run to be listed' });
    });
  });

  it('sends a signal to a run, and requests the cancellation of another', async () => {
    await withWorker(t.env, t.deps, async ({ taskQueue, orchestra }) => {
      const cli = (args: string[]) => orchestraCli(args, { TEMPORAL_ADDRESS: address, ORCHESTRA_TASK_QUEUE: taskQueue });
      // A fan-out partition (the workflow with a signal: its parent's "stop") waiting on a report that hangs.
      await t.env.client.workflow.start('parallelAggregatePartition', {
        taskQueue, workflowId: 'cli-partition', args: [{
          branches: [
            { kind: 'tool', id: 'slow', server: 'store', tool: 'analytics_report', args: { steps: 3, step_ms: 10 } },
            { kind: 'text', id: 'mood', analysis: 'sentiment', text: 'a good day' },
          ],
        }],
      });
      await eventually(async () => (await orchestra.progress('cli-partition')).done === 1, { what: 'the quick branch to finish' });
      const signalled = await cli(['signal', 'cli-partition', 'stopPartition', '--args', '"enough from the CLI"']);
      assert.equal(signalled.code, 0, signalled.stderr);
      assert.match(signalled.stdout, /signalled stopPartition to cli-partition/);
      const result = await cli(['result', 'cli-partition', '--json']);
      assert.equal(result.code, 0, result.stderr);
      const partition = JSON.parse(result.stdout) as { branches: Array<{ id: string; status: string; error?: { message: string } }> };
      assert.deepEqual(partition.branches.map((b) => [b.id, b.status]), [['slow', 'cancelled'], ['mood', 'completed']]);
      assert.equal(partition.branches[0].error?.message, 'enough from the CLI');

      assert.equal((await cli(['start', 'reminder', '--input', JSON.stringify({ recipient: 'fay@example.com', message: 'Never' }), '--id', 'cli-cancel'])).code, 0);
      const cancelled = await cli(['cancel', 'cli-cancel']);
      assert.equal(cancelled.code, 0, cancelled.stderr);
      assert.match(cancelled.stdout, /cancellation requested for cli-cancel/);
      const ended = await cli(['result', 'cli-cancel']);
      assert.equal(ended.code, 1);
      assert.match(ended.stderr, /workflow cancelled — .*cancel/i);
      assert.equal((await orchestra.describe('cli-cancel')).status.name, 'CANCELLED');
    });
  });

  it('shows a progress line on a terminal only, and links each run to ORCHESTRA_UI_URL', async () => {
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      const env = { TEMPORAL_ADDRESS: address, ORCHESTRA_TASK_QUEUE: taskQueue, ORCHESTRA_UI_URL: 'https://temporal.example.test/' };
      const input = (who: string) => JSON.stringify({ recipient: `${who}@example.com`, message: 'Progress', delay: '3s' });
      const link = (id: string) => new RegExp(`started ${id}  https://temporal\\.example\\.test/namespaces/default/workflows/${id}/[\\w-]+/history`);

      const terminal = await orchestraCliOnTerminal(['run', 'reminder', '--input', input('gus'), '--id', 'cli-on-terminal'], env);
      assert.equal(terminal.code, 0, terminal.stdout);
      assert.match(terminal.stdout, link('cli-on-terminal'));
      // The spinner line, redrawn in place, fed by the workflow's progress query.
      assert.match(terminal.stdout, /\r\x1b\[2K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] waiting — waiting until \d{4}-\d\d-\d\dT/);
      assert.match(terminal.stdout, /"recipient": "gus@example.com"/);

      const piped = await orchestraCli(['run', 'reminder', '--input', input('hal'), '--id', 'cli-piped'], env);
      assert.equal(piped.code, 0, piped.stderr);
      assert.match(piped.stderr, link('cli-piped'));
      assert.ok(!piped.stderr.includes('\x1b[2K') && !/waiting until/.test(piped.stderr), 'no progress line when stderr is not a terminal');
    });
  });

  it('connects through a Temporal config profile: its address and its namespace', async () => {
    const namespace = 'orchestra-cli-profile';
    // protobufjs takes a plain number for the int64 seconds; the generated type only names Long.
    await t.env.connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: 86_400 as unknown as Long } });
    await eventually(() => registerSearchAttributes(t.env.connection, namespace), { what: `the namespace ${namespace} to be ready` });
    const configFile = path.join(t.deps.home, 'temporal.toml');
    fs.writeFileSync(configFile, `[profile.orchestra-test]\naddress = "${address}"\nnamespace = "${namespace}"\n`);
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      // No TEMPORAL_ADDRESS: everything comes from the profile.
      const cli = (args: string[]) => orchestraCli(args, { TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'orchestra-test', ORCHESTRA_TASK_QUEUE: taskQueue });
      await eventually(async () => {
        const started = await cli(['start', 'reminder', '--input', JSON.stringify({ recipient: 'ivy@example.com', message: 'Profile', delay: '1s' }), '--id', 'cli-profile-run']);
        assert.equal(started.code, 0, started.stderr);
      }, { what: 'a start in the new namespace' });
      const result = await cli(['result', 'cli-profile-run', '--json']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { recipient: string }).recipient, 'ivy@example.com');
    }, { worker: { namespace } });
    const inNamespace = new Client({ connection: t.env.connection, namespace });
    assert.equal((await inNamespace.workflow.getHandle('cli-profile-run').describe()).status.name, 'COMPLETED');
    await assert.rejects(t.env.client.workflow.getHandle('cli-profile-run').describe(), WorkflowNotFoundError, 'not in the default namespace');
  });

  it('exits 1 with the failure type and message when the workflow fails', async () => {
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      // Another client skipped validation: the workflow itself rejects the input.
      await t.env.client.workflow.start('reminder', { taskQueue, workflowId: 'cli-bad-input', args: [{ recipient: 'x' }] });
      const { code, stderr } = await orchestraCli(['result', 'cli-bad-input'], { TEMPORAL_ADDRESS: address });
      assert.equal(code, 1);
      assert.match(stderr, /workflow failed — InvalidInput: recipient: must be an email address/);
    });
  });
});
