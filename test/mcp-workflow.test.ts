/**
 * MCP tool calls under Temporal itself (time-skipping server, real MCP servers over stdio): what the retry policy,
 * the non-retryable error types and a dying server look like in a workflow's history.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Orchestra } from '../src/client/api.js';
import { toolText } from '../src/shared/tool-result.js';
import { eventually } from './helpers/eventually.js';
import { readStore, testDeps, timeSkippingEnv, withWorker, type TestDeps } from './helpers/temporal.js';

/** The attempt numbers of every activity start in a run's history. */
async function activityAttempts(orchestra: Orchestra, workflowId: string): Promise<number[]> {
  const history = await orchestra.handle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 0] : []));
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(() => assert.fail('expected the run to fail'), (e: unknown) => e);
  assert.ok(err instanceof WorkflowFailedError, String(err));
  assert.ok(err.cause instanceof ActivityFailure, String(err.cause));
  assert.ok(err.cause.cause instanceof ApplicationFailure, String(err.cause.cause));
  return err.cause.cause;
}

describe('MCP tools as durable activities (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  let deps: TestDeps;
  before(async () => {
    env = await timeSkippingEnv();
    deps = await testDeps();
  });
  after(async () => {
    await deps?.close();
    await env?.teardown();
  });

  it('calls the filesystem and the store server and returns their results', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const result = await orchestra.execute('callTools', {
        calls: [
          { server: 'filesystem', tool: 'read_text_file', args: { path: 'documents/refund-policy.md', head: 3 } },
          { server: 'store', tool: 'get_customer', args: { customer_id: 'cust-001' } },
        ],
      }, { taskQueue });
      assert.equal(result.succeeded, 2);
      assert.match(toolText(result.outcomes[0].result), /refund/i);
      assert.equal((result.outcomes[1].result as { customer: { id: string } }).customer.id, 'cust-001');
    });
  });

  it('an unknown tool fails at once as ToolNotFound, without a retry', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('callTools', { calls: [{ server: 'store', tool: 'drop_everything', args: {} }] }, { taskQueue });
      const failure = await failureOf(orchestra.result(run.workflowId));
      assert.equal(failure.type, 'ToolNotFound');
      assert.equal(failure.nonRetryable, true);
      assert.deepEqual(await activityAttempts(orchestra, run.workflowId), [1, 1], 'one attempt, then its dead letter');
    });
  });

  it('invalid arguments fail at once as InvalidToolArguments naming the field, without a retry', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('callTools', {
        calls: [{ server: 'store', tool: 'reserve_inventory', args: { sku: 'MON-008', quantity: 'two' }, idempotencyKey: 'k-1' }],
      }, { taskQueue });
      const failure = await failureOf(orchestra.result(run.workflowId));
      assert.equal(failure.type, 'InvalidToolArguments');
      assert.match(failure.message, /quantity/);
      assert.deepEqual(await activityAttempts(orchestra, run.workflowId), [1, 1], 'one attempt, then its dead letter');
    });
  });

  it('a business error from the server is non-retryable and keeps its type', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('callTools', {
        calls: [{ server: 'store', tool: 'get_customer', args: { customer_id: 'cust-999' } }],
      }, { taskQueue });
      const failure = await failureOf(orchestra.result(run.workflowId));
      assert.equal(failure.type, 'UnknownCustomer');
      assert.deepEqual(await activityAttempts(orchestra, run.workflowId), [1, 1], 'one attempt, then its dead letter');
    });
  });

  it('with stopOnError false, records a failed call and goes on', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const result = await orchestra.execute('callTools', {
        stopOnError: false,
        calls: [
          { server: 'filesystem', tool: 'read_text_file', args: { path: '../../etc/passwd' } },
          { server: 'store', tool: 'list_customers', args: { tier: 'premium' } },
        ],
      }, { taskQueue });
      assert.equal(result.failed, 1);
      assert.equal(result.outcomes[0].error?.type, 'AccessDenied');
      assert.equal(result.outcomes[1].ok, true);
    });
  });
});

describe('MCP infrastructure faults are retried by policy (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await timeSkippingEnv();
  });
  after(async () => {
    await env?.teardown();
  });

  it('a transient server fault is retried until it succeeds', async () => {
    const deps = await testDeps({ STORE_FAULTS: JSON.stringify({ get_customer: { fail: 2 } }) });
    try {
      await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
        const run = await orchestra.start('callTools', { calls: [{ server: 'store', tool: 'get_customer', args: { customer_id: 'cust-002' } }] }, { taskQueue });
        const result = await orchestra.result(run.workflowId) as { succeeded: number };
        assert.equal(result.succeeded, 1);
        assert.deepEqual(await activityAttempts(orchestra, run.workflowId), [3]);
      });
    } finally {
      await deps.close();
    }
  });

  it('a server killed mid-call: the activity retries and succeeds on a fresh connection', async () => {
    // The first report request hangs in the server (and says so in its fault_log), so the kill lands mid-call.
    const deps = await testDeps({ STORE_FAULTS: JSON.stringify({ analytics_report: { hang: 1 } }) });
    try {
      await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
        const run = await orchestra.start('callTools', {
          calls: [{ server: 'store', tool: 'analytics_report', args: { steps: 20, step_ms: 10 } }],
        }, { taskQueue });
        await eventually(() => readStore(deps, (db) => db.prepare(`SELECT 1 FROM fault_log WHERE tool = 'analytics_report' AND kind = 'hang'`).get() !== undefined),
          { what: 'the report request to reach the server' });
        const firstPid = deps.mcp.pid('store');
        assert.ok(firstPid);
        process.kill(firstPid, 'SIGKILL');
        const result = await orchestra.result(run.workflowId) as { succeeded: number; outcomes: Array<{ result: { steps_completed: number } }> };
        assert.equal(result.succeeded, 1);
        assert.equal(result.outcomes[0].result.steps_completed, 20);
        assert.deepEqual(await activityAttempts(orchestra, run.workflowId), [2], 'one retry, after the kill');
        assert.notEqual(deps.mcp.pid('store'), firstPid);
      });
    } finally {
      await deps.close();
    }
  });
});
