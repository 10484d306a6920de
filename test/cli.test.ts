import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { orchestraCli } from './helpers/cli.js';
import { useTemporal, withWorker } from './helpers/temporal.js';

describe('orchestra CLI', () => {
  const t = useTemporal('local');
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
      ['run', 'reminder', '--input', JSON.stringify({ recipient: 'nobody', message: '   ', delay: 'whenever' })],
      { TEMPORAL_ADDRESS: address },
    );
    assert.equal(code, 2);
    assert.match(stderr, /nothing was started/);
    assert.match(stderr, /recipient: must be an email address/);
    assert.match(stderr, /message: must not be empty/);
    assert.match(stderr, /delay: must be a positive duration/);
    const runs = [];
    for await (const run of t.env.client.workflow.list({ query: 'WorkflowType = "reminder"' })) runs.push(run);
    assert.equal(runs.length, 0);
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

      const listed = await cli(['list', '--pattern', 'reminder', '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.ok((JSON.parse(listed.stdout) as Array<{ workflowId: string }>).some((r) => r.workflowId === 'cli-reminder-eve'));
    });
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
