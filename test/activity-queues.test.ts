/**
 * Where a run sends its activities (ActivityQueues, src/shared/capabilities.ts): by default to each capability's queue,
 * or — for a worker that serves every queue, as `npm start`'s does — to the run's own queue, where the worker gets them
 * back with the workflow task that scheduled them (eager activity dispatch). Time-skipping server (a local dev server for
 * continue-as-new, whose memo hand-over is the real server's), real store server.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { activityQueuesFromEnv, Orchestra } from '../src/client/api.js';
import { createActivities } from '../src/activities/index.js';
import { withObservability } from '../src/observability/worker-options.js';
import type { OrderSagaInput } from '../src/schemas/order-saga.js';
import { serviceWorkflowId } from '../src/events/choreography.js';
import { ACTIVITY_QUEUES_MEMO } from '../src/shared/capabilities.js';
import { WORKFLOW_ACTIVATION_TIMEOUT } from '../src/shared/recovery.js';
import { useTemporal, withWorker, workflowBundle, type TemporalTestContext } from './helpers/temporal.js';

const READ = { server: 'store', tool: 'get_customer', args: { customer_id: 'cust-001' } };

/** The task queue of every activity a run scheduled, in order. */
async function scheduledQueues(orchestra: Orchestra, workflowId: string): Promise<string[]> {
  const history = await orchestra.handle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.taskQueue?.name ?? ''] : []));
}

/** Runs `fn` while a worker polls the base queue alone: no worker polls any capability's queue. */
async function withBaseWorkerOnly<T>(t: TemporalTestContext, fn: (run: { taskQueue: string; orchestra: Orchestra }) => Promise<T>): Promise<T> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create(withObservability({
    connection: t.env.nativeConnection,
    namespace: t.env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(t.deps),
    isolateExecutionTimeout: WORKFLOW_ACTIVATION_TIMEOUT,
  }));
  const orchestra = Orchestra.fromClient(t.env.client, {}, { activityQueues: 'workflow' });
  return worker.runUntil(fn({ taskQueue, orchestra }));
}

describe('activity queues: ORCHESTRA_ACTIVITY_QUEUES', () => {
  it('defaults to capability queues, accepts workflow, and names the variable and the choices when wrong', () => {
    assert.equal(activityQueuesFromEnv({}), 'capability');
    assert.equal(activityQueuesFromEnv({ ORCHESTRA_ACTIVITY_QUEUES: ' workflow ' }), 'workflow');
    assert.equal(activityQueuesFromEnv({ ORCHESTRA_ACTIVITY_QUEUES: 'capability' }), 'capability');
    assert.throws(() => activityQueuesFromEnv({ ORCHESTRA_ACTIVITY_QUEUES: 'tools' }),
      /^Error: ORCHESTRA_ACTIVITY_QUEUES: "tools" is not one of capability, workflow$/);
  });
});

describe('activity queues (time-skipping, real store server)', () => {
  const t = useTemporal('time-skipping');

  it('by default a run sends its tool calls to the tools queue, and records no routing', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('callTools', { calls: [READ, READ] }, { taskQueue });
      assert.equal((await orchestra.client.workflow.getHandle(run.workflowId).result()).succeeded, 2);
      assert.deepEqual(await scheduledQueues(orchestra, run.workflowId), [`${taskQueue}-tools`, `${taskQueue}-tools`]);
      assert.deepEqual((await orchestra.describe(run.workflowId)).memo ?? {}, {});
    });
  });

  it('a run started with activityQueues "workflow" sends them to its own queue: a worker of that queue alone runs them', async () => {
    await withBaseWorkerOnly(t, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('callTools', { calls: [READ, READ] }, { taskQueue });
      assert.equal((await orchestra.client.workflow.getHandle(run.workflowId).result()).succeeded, 2);
      assert.deepEqual(await scheduledQueues(orchestra, run.workflowId), [taskQueue, taskQueue]);
      assert.deepEqual((await orchestra.describe(run.workflowId)).memo, { [ACTIVITY_QUEUES_MEMO]: 'workflow' });
    });
  });

  it('child workflows route their activities as their parent does', async () => {
    const order: OrderSagaInput = {
      orderId: `queues-${randomUUID().slice(0, 8)}`,
      customer: { id: 'cust-001', name: 'Acme Corporation', email: 'billing@acme.example' },
      items: [{ sku: 'CABLE-004', quantity: 1 }],
      shippingAddress: { name: 'Acme Receiving', street: '1 Market Street', city: 'San Francisco', postalCode: '94105', country: 'US' },
    };
    await withBaseWorkerOnly(t, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('orderChoreography', order, { taskQueue });
      const result = await orchestra.client.workflow.getHandle(run.workflowId).result() as { status: string };
      assert.equal(result.status, 'completed');
      for (const service of ['payment', 'inventory', 'shipping'] as const) {
        const child = serviceWorkflowId(service, order.orderId);
        assert.deepEqual((await orchestra.describe(child)).memo, { [ACTIVITY_QUEUES_MEMO]: 'workflow' }, child);
        const queues = await scheduledQueues(orchestra, child);
        assert.ok(queues.length > 0, `${child} called its tools`);
        assert.deepEqual(queues, queues.map(() => taskQueue), child);
      }
    });
  });
});

describe('activity queues across continue-as-new (local dev server)', () => {
  const t = useTemporal('local');

  it('a run that continues as new keeps its routing: the server carries the memo to the next run', async () => {
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      const orchestra = Orchestra.fromClient(t.env.client, {}, { activityQueues: 'workflow' });
      const run = await orchestra.start('refineUntilQuality', { query: 'workflow failures', targetQuality: 1, maxIterations: 2, iterationsPerRun: 1 }, { taskQueue });
      await orchestra.result(run.workflowId);
      const last = await orchestra.describe(run.workflowId);
      assert.notEqual(last.runId, run.runId, 'the run continued as new');
      assert.deepEqual(last.memo, { [ACTIVITY_QUEUES_MEMO]: 'workflow' });
      const queues = await scheduledQueues(orchestra, run.workflowId);
      assert.ok(queues.length > 0);
      assert.deepEqual(queues, queues.map(() => taskQueue));
    });
  });
});
