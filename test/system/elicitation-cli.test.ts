/**
 * A server's question during a tool call, from the command line: `orchestra status` shows it and `orchestra answer`
 * answers it (the CLI as a process, a local dev server, the real asking server over stdio).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { booking, pendingQuestion, useAskingServer, type CallToolsResult } from '../helpers/asking.js';
import { orchestraCli } from '../helpers/cli.js';
import { withWorker } from '../helpers/temporal.js';

describe('orchestra status / answer (a server\'s question from the command line)', () => {
  const t = useAskingServer('local');

  it('rejects an answer without a person or with content on a decline before sending anything', async () => {
    const noBy = await orchestraCli(['answer', 'any-run', '--by', '12345', '--decline'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(noBy.code, 2);
    assert.match(noBy.stderr, /invalid answer, nothing was sent: by: must be a name/);
    const declineWithContent = await orchestraCli(['answer', 'any-run', '--by', 'Ada', '--decline', '--content', '{"name":"Ada"}'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(declineWithContent.code, 2);
    assert.match(declineWithContent.stderr, /content: only an accepted answer has content/);
  });

  it('orchestra status shows the question; orchestra answer refuses a mismatch (exit 2) and answers it', async () => {
    await withWorker(t.env, { mcp: t.pool }, async ({ orchestra, taskQueue }) => {
      const cli = (args: string[]) => orchestraCli(args, { TEMPORAL_ADDRESS: t.env.connection.options.address, ORCHESTRA_TASK_QUEUE: taskQueue });
      const { workflowId: id } = await orchestra.start('callTools', { calls: [booking({ timeout: '1 hour' })] }, { taskQueue });
      const question = await pendingQuestion(orchestra, id);

      const status = await cli(['status', id]);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /⏳ WAITING FOR AN ANSWER: asking asks "Which name is the table booked under, and for how many guests\?" \(during book_table\)/);
      assert.match(status.stdout, new RegExp(`answer with: orchestra answer ${id} --question '${question.id}' --by <name>`));

      const wrong = await cli(['answer', id, '--by', 'Grace Hopper', '--content', '{"guests":"four"}']);
      assert.equal(wrong.code, 2);
      assert.match(wrong.stderr, /answer rejected by .*nothing was recorded: content does not match what asking asked for: name: is required; guests: /);

      const answered = await cli(['answer', id, '--by', 'Grace Hopper', '--content', '{"name":"Ada","guests":3}']);
      assert.equal(answered.code, 0, answered.stderr);
      assert.match(answered.stdout, /^accept by Grace Hopper at \S+: asking asked "Which name .*" → \{"name":"Ada","guests":3\}$/m);
      const result = await orchestra.result(id) as CallToolsResult;
      assert.deepEqual(result.outcomes[0].result, { asked: true, action: 'accept', content: { name: 'Ada', guests: 3 } });
    });
  });

});
