/**
 * The dead-letter queue end to end: a workflow records a unit it gives up on through the real store server; a person
 * corrects its arguments and redrives it as a new, linked run that resolves the dead letter once, however often asked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { DeadLetterError, DeadLetterQueue, diffArguments, parseNote } from '../src/client/dead-letters.js';
import type { DefinitionRunResult } from '../src/schemas/definition-run.js';
import type { ParallelAggregateResult } from '../src/schemas/parallel-aggregate.js';
import type { DeadLetterItem } from '../src/shared/dead-letter.js';
import { useTemporal, withWorker, workflowBundle } from './helpers/temporal.js';
import { withObservability } from '../src/observability/worker-options.js';

describe('dead-letter queue', () => {
  const t = useTemporal('time-skipping');

  it('records a refused call with its run, step, call and error; a corrected redrive resolves it, once', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('callTools', { calls: [{ server: 'store', tool: 'get_customer', args: { customer_id: 'cust-999' } }] }, { taskQueue });
      await assert.rejects(orchestra.result(run.workflowId), /UnknownCustomer|cust-999|failed/);

      const queue = new DeadLetterQueue(t.deps.mcp);
      const letters = (await queue.list({ source: 'callTools' })).filter((l) => (l.item as DeadLetterItem).workflowId === run.workflowId);
      assert.equal(letters.length, 1);
      const [letter] = letters;
      const item = letter.item as DeadLetterItem;
      assert.equal(letter.status, 'pending');
      assert.equal(letter.error_type, 'UnknownCustomer');
      assert.match(letter.error, /cust-999/);
      assert.deepEqual({ ...item, runId: undefined }, {
        workflowId: run.workflowId, runId: undefined, workflowType: 'callTools', step: 'call 1: store.get_customer customer_id=cust-999',
        call: { server: 'store', tool: 'get_customer', args: { customer_id: 'cust-999' } }, retryState: 'NON_RETRYABLE_FAILURE',
      });

      // Asked twice at once: one run.
      const ask = () => queue.redrive(orchestra, letter.id, { args: { customer_id: 'cust-001' }, by: 'ada', taskQueue });
      const [first, second] = await Promise.all([ask(), ask()]);
      assert.equal(first.workflowId, second.workflowId);
      assert.equal([first, second].filter((r) => r.started).length, 1, 'only one of the two started a run');
      assert.deepEqual(first.changes, [{ path: 'customer_id', before: 'cust-999', after: 'cust-001' }]);
      const result = await orchestra.result(first.workflowId) as { outcome: string; result: { customer: { id: string } } };
      assert.equal(result.outcome, 'completed');
      assert.equal(result.result.customer.id, 'cust-001');

      const resolved = await queue.get(letter.id);
      assert.equal(resolved.status, 'resolved');
      assert.equal(resolved.redrive_count, 1);
      assert.deepEqual(parseNote(resolved.note), {
        run: first.workflowId, by: 'ada', changes: [{ path: 'customer_id', before: 'cust-999', after: 'cust-001' }], outcome: 'completed',
      });
      const described = await orchestra.describe(first.workflowId);
      assert.deepEqual(described.memo, { deadLetterId: letter.id, originalWorkflowId: run.workflowId, originalRunId: item.runId });

      // Once resolved, a redrive changes nothing.
      await assert.rejects(ask(), (e: unknown) => e instanceof DeadLetterError && e.reason === 'closed');

      // The redrive workflow replays deterministically from its own history.
      const history = await t.env.client.workflow.getHandle(first.workflowId).fetchHistory();
      await Worker.runReplayHistory(withObservability({ workflowBundle: await workflowBundle() }), history, first.workflowId);
    });
  });

  it('a failed redrive leaves the dead letter open with the failure noted; discard closes it with the reason', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('callTools', { calls: [{ server: 'store', tool: 'get_customer', args: { customer_id: 'cust-404' } }] }, { taskQueue });
      await assert.rejects(orchestra.result(run.workflowId));
      const queue = new DeadLetterQueue(t.deps.mcp);
      const letter = (await queue.list({ status: 'pending' })).find((l) => (l.item as DeadLetterItem).workflowId === run.workflowId)!;

      const redrive = await queue.redrive(orchestra, letter.id, { by: 'ada', taskQueue }); // same arguments: fails again
      await assert.rejects(orchestra.result(redrive.workflowId));
      const open = await queue.get(letter.id);
      assert.deepEqual([open.status, open.redrive_count], ['pending', 1], 'open again for a person, one redrive counted');
      const note = parseNote(open.note) as { run: string; by: string; changes: unknown[]; outcome: string; error: { type: string; message: string } };
      assert.deepEqual([note.run, note.by, note.changes, note.outcome, note.error.type], [redrive.workflowId, 'ada', [], 'failed', 'UnknownCustomer']);

      await queue.discard(letter.id, 'customer closed the account', 'bob');
      const closed = await queue.get(letter.id);
      assert.equal(closed.status, 'resolved');
      assert.deepEqual(parseNote(closed.note), { discarded: true, by: 'bob', reason: 'customer closed the account' });
      await assert.rejects(queue.discard(letter.id, 'again', 'bob'), (e: unknown) => e instanceof DeadLetterError && e.reason === 'closed');
    });
  });

  it('records a fan-out\'s tool branch that failed within the tolerance; the aggregate is unchanged and a redrive resolves it', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('parallelAggregate', {
        title: 'customers', minSuccesses: 1,
        branches: [
          { kind: 'tool', id: 'known', server: 'store', tool: 'get_customer', args: { customer_id: 'cust-001' }, readOnly: true },
          { kind: 'tool', id: 'unknown', server: 'store', tool: 'get_customer', args: { customer_id: 'cust-998' }, readOnly: true },
          { kind: 'text', id: 'mood', analysis: 'sentiment', text: 'fine' },
        ],
      }, { taskQueue });
      const aggregate = await orchestra.result(run.workflowId) as ParallelAggregateResult;
      assert.equal(aggregate.status, 'partial');
      assert.deepEqual(aggregate.completed, ['known', 'mood']);
      const failed = aggregate.branches.find((b) => b.id === 'unknown')!;
      assert.equal(failed.error?.type, 'UnknownCustomer');
      assert.ok(failed.deadLetterId, 'the failed branch names its dead letter');

      const queue = new DeadLetterQueue(t.deps.mcp);
      const letters = (await queue.list({ source: 'parallelAggregate' })).filter((l) => (l.item as DeadLetterItem).workflowId === run.workflowId);
      assert.deepEqual(letters.map((l) => l.id), [failed.deadLetterId], 'one dead letter: the failed tool branch, not the completed ones');
      const item = letters[0].item as DeadLetterItem;
      assert.equal(item.step, 'branch unknown');
      assert.deepEqual({ ...item.call, idempotencyKey: undefined }, { server: 'store', tool: 'get_customer', args: { customer_id: 'cust-998' }, idempotencyKey: undefined });
      assert.equal(letters[0].error_type, 'UnknownCustomer');

      const redrive = await queue.redrive(orchestra, failed.deadLetterId!, { args: { customer_id: 'cust-002' }, by: 'ada', taskQueue });
      const result = await orchestra.result(redrive.workflowId) as { outcome: string; result: { customer: { id: string } } };
      assert.deepEqual([result.outcome, result.result.customer.id], ['completed', 'cust-002']);
      assert.equal((await queue.get(failed.deadLetterId!)).status, 'resolved');
    });
  });

  it('records a definition\'s tool step that failed for good even when its catch step takes over; a redrive runs that call alone', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('definitionRun', {
        definition: {
          orchestra: 1, name: 'dead-letter-steps',
          steps: {
            lookup: { call: 'store.get_customer', readOnly: true, input: { customer_id: '${ input.customer }' }, catch: { set: 'no customer' } },
            greet: { set: 'hello', dependsOn: ['lookup'] },
          },
          output: '${ steps.lookup }',
        },
        input: { customer: 'cust-997' },
      }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as DefinitionRunResult;
      assert.equal(result.output, 'no customer', 'the catch step still decides the outcome');

      const queue = new DeadLetterQueue(t.deps.mcp);
      const letters = (await queue.list({ source: 'definitionRun' })).filter((l) => (l.item as DeadLetterItem).workflowId === run.workflowId);
      assert.equal(letters.length, 1);
      const item = letters[0].item as DeadLetterItem;
      assert.deepEqual([item.step, item.call.server, item.call.tool, item.call.args, item.retryState], ['lookup', 'store', 'get_customer', { customer_id: 'cust-997' }, 'NON_RETRYABLE_FAILURE']);

      const redrive = await queue.redrive(orchestra, letters[0].id, { args: { customer_id: 'cust-003' }, by: 'ada', taskQueue });
      const redriven = await orchestra.result(redrive.workflowId) as { outcome: string; result: { customer: { id: string } } };
      assert.deepEqual([redriven.outcome, redriven.result.customer.id], ['completed', 'cust-003']);
      assert.equal((await queue.get(letters[0].id)).status, 'resolved');
    });
  });

  it('diffs arguments by path', () => {
    assert.deepEqual(diffArguments({ a: 1, b: { c: 2, d: [1] } }, { a: 1, b: { c: 3, d: [1, 2] }, e: 'x' }), [
      { path: 'b.c', before: 2, after: 3 }, { path: 'b.d', before: [1], after: [1, 2] }, { path: 'e', after: 'x' },
    ]);
    assert.deepEqual(diffArguments({ a: 1 }, { a: 1 }), []);
  });
});
