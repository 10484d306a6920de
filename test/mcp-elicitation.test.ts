/**
 * A server's question during a tool call (MCP elicitation) becomes the calling run's durable human decision: a real
 * MCP server over stdio (test/helpers/asking-server.ts) asks mid-call, the `callTools` workflow on the time-skipping
 * server records the question, a person answers through the `answer` update (or nobody does), and the server gets it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createToolActivities } from '../src/activities/mcp.js';
import type { Orchestra } from '../src/client/api.js';
import { ANSWER_UPDATE, answerProblem, QUESTIONS_QUERY, type Question, type QuestionAnswer } from '../src/schemas/elicitation.js';
import type { Progress } from '../src/shared/progress.js';
import type { ToolCall } from '../src/shared/tool-call.js';
import { askingSpec, booking, pendingQuestion, useAskingServer, type CallToolsResult } from './helpers/asking.js';
import { eventually } from './helpers/eventually.js';
import { testPool } from './helpers/mcp.js';
import { withWorker } from './helpers/temporal.js';

/** Asserts that the run's validator rejected an answer, for the reason `pattern` matches. */
async function rejected(answering: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(answering, (err: unknown) => {
    assert.ok(err instanceof WorkflowUpdateFailedError);
    assert.match(String(err.cause?.message), pattern);
    return true;
  });
}

const answer = (orchestra: Orchestra, workflowId: string, given: QuestionAnswer) =>
  orchestra.handle(workflowId).executeUpdate<Question, [QuestionAnswer]>(ANSWER_UPDATE, { args: [given] });

describe('a server question during a tool call is the run\'s human decision (time-skipping)', () => {
  const t = useAskingServer('time-skipping');
  const run = <T>(fn: (orchestra: Orchestra, start: (call: ToolCall) => Promise<string>) => Promise<T>) =>
    withWorker(t.env, { mcp: t.pool }, ({ orchestra, taskQueue }) =>
      fn(orchestra, async (call) => (await orchestra.start('callTools', { calls: [call] }, { taskQueue })).workflowId));

  it('an accepted answer reaches the server with the schema\'s defaults, and the tool result reflects it', async () => {
    await run(async (orchestra, start) => {
      const id = await start(booking({ timeout: '1 hour' }));
      const question = await pendingQuestion(orchestra, id);
      assert.equal(question.server, 'asking');
      assert.equal(question.tool, 'book_table');
      assert.match(question.message, /Which name is the table booked under/);
      assert.deepEqual(question.requestedSchema.required, ['name']);
      assert.match(question.answerWith, /^orchestra answer /);

      const progress = await orchestra.progress(id) as Progress;
      assert.equal(progress.state, 'waiting', 'the run shows it waits for a person');
      assert.equal((progress.details?.pendingQuestion as Question).id, question.id);

      const recorded = await answer(orchestra, id, { action: 'accept', content: { name: 'Ada Lovelace' }, by: 'Grace Hopper' });
      assert.deepEqual(recorded.answer?.content, { name: 'Ada Lovelace', guests: 2 }, 'guests took its default (SEP-1034)');
      assert.equal(recorded.answer?.by, 'Grace Hopper');

      const result = await orchestra.result(id) as CallToolsResult;
      assert.deepEqual(result.outcomes[0].result, { asked: true, action: 'accept', content: { name: 'Ada Lovelace', guests: 2 } });
    });
  });

  it('an answer that does not match the requested schema is rejected by the validator and nothing is recorded', async () => {
    await run(async (orchestra, start) => {
      const id = await start(booking({ timeout: '1 hour' }));
      await pendingQuestion(orchestra, id);
      await rejected(answer(orchestra, id, { action: 'accept', content: { name: 'A', guests: 40 }, by: 'Grace Hopper' }), /name: .*2.*; guests: .*12/);
      await rejected(answer(orchestra, id, { action: 'accept', content: {}, by: 'Grace Hopper' }), /name: is required/);
      await rejected(answer(orchestra, id, { action: 'accept', content: { name: 'Ada' }, by: '' }), /by: /);
      const questions = await orchestra.handle(id).query<Question[]>(QUESTIONS_QUERY);
      assert.equal(questions.length, 1);
      assert.equal(questions[0].answer, undefined, 'no answer was recorded');
      const history = await orchestra.handle(id).fetchHistory();
      const updates = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
      assert.equal(updates.length, 1, 'only the question itself (the elicit update) is in the history');

      await answer(orchestra, id, { action: 'accept', content: { name: 'Ada', guests: 4 }, by: 'Grace Hopper' });
      const result = await orchestra.result(id) as CallToolsResult;
      assert.deepEqual(result.outcomes[0].result.content, { name: 'Ada', guests: 4 });
    });
  });

  it('a declined question is declined at the server', async () => {
    await run(async (orchestra, start) => {
      const id = await start(booking({ timeout: '1 hour' }));
      await pendingQuestion(orchestra, id);
      await rejected(answer(orchestra, id, { action: 'decline', content: { name: 'Ada' }, by: 'Grace Hopper' }), /only an accepted answer has content/);
      await answer(orchestra, id, { action: 'decline', by: 'Grace Hopper' });
      const result = await orchestra.result(id) as CallToolsResult;
      assert.deepEqual(result.outcomes[0].result, { asked: true, action: 'decline' });
      assert.equal((await orchestra.progress(id).catch(() => undefined))?.details?.pendingQuestion, undefined);
    });
  });

  it('a retried call asks the same question again and finds the first one: no second question, the answer is kept', async () => {
    await run(async (orchestra, start) => {
      const id = await start(booking({ timeout: '1 hour' }));
      const first = await pendingQuestion(orchestra, id);
      const firstPid = Number(fs.readFileSync(t.pidFile, 'utf8'));
      process.kill(firstPid, 'SIGKILL'); // the call's server dies mid-question: the activity fails and is retried
      await eventually(() => Number(fs.readFileSync(t.pidFile, 'utf8')) !== firstPid, { what: 'the retried call to reach a new server' });
      await answer(orchestra, id, { action: 'accept', content: { name: 'Ada' }, by: 'Grace Hopper' });
      const result = await orchestra.result(id) as CallToolsResult;
      assert.deepEqual(result.outcomes[0].result.content, { name: 'Ada', guests: 2 });
      const questions = await orchestra.handle(id).query<Question[]>(QUESTIONS_QUERY);
      assert.deepEqual(questions.map((q) => q.id), [first.id], 'one question, asked by both attempts');
    });
  });

  it('a call without elicitation, in a workflow, does not offer the capability: the server cannot ask', async () => {
    await run(async (orchestra, start) => {
      const id = await start(booking());
      const result = await orchestra.result(id) as CallToolsResult;
      assert.deepEqual(result.outcomes[0].result, { asked: false });
    });
  });
});

describe('a question nobody answers (local dev server: the time-skipping server does not skip time while an activity runs)', () => {
  const t = useAskingServer('local');

  it('is declined when its timeout passes', async () => {
    await withWorker(t.env, { mcp: t.pool }, async ({ orchestra, taskQueue }) => {
      const { workflowId: id } = await orchestra.start('callTools', { calls: [booking({ timeout: '3 seconds' })] }, { taskQueue });
      const asked = await eventually(async () => (await orchestra.handle(id).query<Question[]>(QUESTIONS_QUERY))[0] ?? false,
        { what: 'the question to be asked' });
      const result = await orchestra.result(id) as CallToolsResult;
      assert.deepEqual(result.outcomes[0], { call: 'asking.book_table restaurant="Chez Ada"', ok: true, result: { asked: true, action: 'decline' } });
      const [timedOut] = await orchestra.handle(id).query<Question[]>(QUESTIONS_QUERY);
      assert.equal(timedOut.id, asked.id);
      assert.equal(timedOut.answer?.action, 'decline');
      assert.equal(timedOut.answer?.by, 'timeout');
    });
  });
});

describe('the answer rule (pure)', () => {
  const question: Question = {
    id: 'q1', server: 'asking', tool: 'book_table', message: 'Name?', askedAt: '2026-01-01T00:00:00.000Z', timesOutAt: '2026-01-01T01:00:00.000Z',
    requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }, answerWith: 'orchestra answer …',
  };
  const accept = { action: 'accept', content: { name: 'Ada' }, by: 'Grace Hopper' };

  it('refuses an answer at or after the question times out, and takes one before', () => {
    assert.equal(answerProblem([question], Date.parse(question.timesOutAt) - 1, accept), undefined);
    assert.match(answerProblem([question], Date.parse(question.timesOutAt), accept) ?? '', /timed out at 2026-01-01T01:00:00.000Z/);
  });

  it('asks which question when several are pending, and refuses a second answer to one', () => {
    const other = { ...question, id: 'q2' };
    assert.match(answerProblem([question, other], 0, accept) ?? '', /2 questions are pending: name one with "question" \(q1, q2\)/);
    const answered = { ...question, answer: { action: 'decline' as const, by: 'Ada', answeredAt: '2026-01-01T00:10:00.000Z' } };
    assert.match(answerProblem([answered, other], 0, { ...accept, question: 'q1' }) ?? '', /already answered: decline by Ada/);
    assert.equal(answerProblem([answered, other], 0, accept), undefined, 'the one pending question is meant');
  });
});

describe('no workflow context: the elicitation capability is not declared', () => {
  it('a tool call outside an activity, even one allowing elicitation, declares no elicitation capability', async () => {
    const pool = testPool([askingSpec()]);
    try {
      const { callTool } = createToolActivities(pool);
      assert.deepEqual(await callTool(booking({ timeout: '1 hour' })), { asked: false });
    } finally {
      await pool.close();
    }
  });
});
