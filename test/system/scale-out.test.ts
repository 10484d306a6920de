/**
 * Scale-out: worker processes per capability (`npm run worker -- --queues …`) against a local dev server with the real
 * MCP servers. A run whose workflow tasks go to one process has its tool calls run by another; each serves its metrics
 * (Orchestra's and the Temporal SDK runtime's Prometheus endpoint).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Orchestra } from '../../src/client/api.js';
import { eventually } from '../helpers/eventually.js';
import { useTemporal } from '../helpers/temporal.js';
import { prebuiltBundle, startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.js';
import { freePort } from '../helpers/ports.js';

interface Started { message: string; taskQueues: string[]; metrics: string; sdkMetrics?: string }

/** The `worker started` entry of a worker process's JSON log: its queues and metrics endpoints. */
async function started(worker: WorkerProcess): Promise<Started> {
  return eventually(() => {
    const entry = worker.stderr().map((l) => JSON.parse(l) as Started).find((e) => e.message === 'worker started');
    assert.ok(entry, `the worker logs where it polls and serves metrics: ${worker.stderr().join('\n')}`);
    return entry;
  }, { what: 'the worker to log its start', timeoutMs: 60_000 });
}

describe('worker processes per capability', () => {
  const t = useTemporal('local');

  it('runs workflow tasks in one process and tool calls in another, each with its metrics endpoints', async () => {
    const taskQueue = `scale-${randomUUID()}`;
    const env = {
      TEMPORAL_ADDRESS: t.env.connection.options.address, ORCHESTRA_TASK_QUEUE: taskQueue, ORCHESTRA_HOME: t.deps.home,
      ORCHESTRA_WORKFLOW_BUNDLE: await prebuiltBundle(t.deps.home), ORCHESTRA_LOG_LEVEL: 'INFO',
    };
    const sdkPort = await freePort();
    const deciders = startWorkerProcess(env, ['--queues', 'workflows']);
    const tools = startWorkerProcess({ ...env, ORCHESTRA_SDK_METRICS_PORT: String(sdkPort) }, ['--queues', 'tools', '--max-concurrent', '4']);
    try {
      const [decidersLog, toolsLog] = await Promise.all([started(deciders), started(tools)]);
      assert.deepEqual(decidersLog.taskQueues, [taskQueue]);
      assert.deepEqual(toolsLog.taskQueues, [`${taskQueue}-tools`]);
      assert.equal(toolsLog.sdkMetrics, `http://127.0.0.1:${sdkPort}/metrics`);
      const [decidersUrl, toolsUrl] = [decidersLog.metrics, toolsLog.metrics];
      const result = await Orchestra.fromClient(t.env.client).execute('callTools', {
        calls: [{ server: 'store', tool: 'get_customer', args: { customer_id: 'cust-002' } }],
      }, { taskQueue });
      assert.equal(result.succeeded, 1);

      const toolCalls = /orchestra_tool_calls_total\{server="store",tool="get_customer",outcome="ok"\} 1/;
      assert.match(await (await fetch(toolsUrl)).text(), toolCalls, 'the tools process ran the call');
      assert.doesNotMatch(await (await fetch(decidersUrl)).text(), /orchestra_tool_calls_total\{/, 'the workflows process ran none');
      // The SDK runtime's own endpoint: the tools worker's activity metrics, by task queue.
      const sdk = await (await fetch(`http://127.0.0.1:${sdkPort}/metrics`)).text();
      assert.match(sdk, new RegExp(`temporal_activity_execution_latency\\w*\\{[^}]*task_queue="${taskQueue}-tools"`));
    } finally {
      deciders.child.kill('SIGTERM');
      tools.child.kill('SIGTERM');
    }
    assert.equal(await deciders.exited, 0);
    assert.equal(await tools.exited, 0);
  });
});
