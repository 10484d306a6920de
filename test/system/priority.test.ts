/**
 * Task priority from the request: routeRequest's classifier runs before the start, so a CRITICAL request carries
 * Temporal priority key 1 and a LOW one key 5. With runs waiting in a queue no worker polls yet, a worker that takes
 * one task at a time takes the CRITICAL run first, though it was started last. Local dev server, real MCP servers.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { optionalTsToDate } from '@temporalio/common/lib/time.js';
import { Orchestra, type StartedRun } from '../../src/client/api.js';
import { LIFTED_QUEUE_READER_LIMITS, startDevServer } from '../../src/runtime/dev-server.js';
import { PRIORITY_KEY } from '../../src/shared/priority.js';
import { testDeps, withWorker, type TestDeps } from '../helpers/temporal.js';

describe('task priority (local dev server)', () => {
  let env: TestWorkflowEnvironment;
  let deps: TestDeps;
  before(async () => {
    // One partition per task queue: priority orders each partition's backlog, and with the server's several
    // partitions a poll may find a LOW task alone in its partition first.
    env = await startDevServer({ dynamicConfig: [...LIFTED_QUEUE_READER_LIMITS, 'matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1'] });
    deps = await testDeps();
  });
  after(async () => {
    await deps?.close();
    await env?.teardown();
  });

  it('runs a CRITICAL request before LOW ones started earlier when the worker is saturated', async () => {
    const taskQueue = `priority-${randomUUID()}`;
    const orchestra = Orchestra.fromClient(env.client);
    const low: StartedRun[] = [];
    for (let i = 0; i < 4; i += 1) {
      low.push(await orchestra.start('routeRequest', { request: `a question about my account, number ${i}`, customerId: 'cust-001' }, { taskQueue }));
    }
    const critical = await orchestra.start('routeRequest', { request: 'CRITICAL: production is down, emergency', customerId: 'cust-001' }, { taskQueue });
    const described = await orchestra.describe(critical.workflowId);
    assert.equal(described.raw.workflowExecutionInfo?.priority?.priorityKey, PRIORITY_KEY.CRITICAL);
    assert.equal((await orchestra.describe(low[0].workflowId)).raw.workflowExecutionInfo?.priority?.priorityKey, PRIORITY_KEY.LOW);

    // One workflow task and one activity at a time: the queue's backlog is handed out in priority order.
    await withWorker(env, deps, async () => {
      await Promise.all([...low, critical].map((run) => orchestra.result(run.workflowId)));
    }, { worker: { taskQueue, maxConcurrentWorkflowTaskExecutions: 2, maxConcurrentActivityTaskExecutions: 1, maxCachedWorkflows: 10 } });

    const firstTaskStarted = async (workflowId: string) => {
      const history = await orchestra.history(workflowId);
      const event = history.events!.find((e) => e.workflowTaskStartedEventAttributes)!;
      return optionalTsToDate(event.eventTime)!.getTime();
    };
    const criticalAt = await firstTaskStarted(critical.workflowId);
    const lowAt = await Promise.all(low.map((run) => firstTaskStarted(run.workflowId)));
    const overtaken = lowAt.filter((at) => at > criticalAt).length;
    // FIFO would take the CRITICAL run last (after all 4); priority takes it at once (with 2 slots, at most one LOW
    // task may have been handed out with it).
    assert.ok(overtaken >= 3, `the CRITICAL run started before ${overtaken} of the 4 LOW runs started earlier`);
  });
});
