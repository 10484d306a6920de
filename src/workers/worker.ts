import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { Breakers } from '../mcp/breaker/breakers.js';
import type { LoadMcpConfigOptions } from '../mcp/config.js';
import { llmSamplingHandler } from '../mcp/sampling.js';
import { McpPool } from '../mcp/pool.js';
import { ensureSandbox } from '../mcp/sandbox.js';
import { MAX_HEARTBEAT_THROTTLE_INTERVAL, STICKY_QUEUE_SCHEDULE_TO_START_TIMEOUT, WORKFLOW_ACTIVATION_TIMEOUT } from '../shared/recovery.js';
import { withObservability } from '../observability/worker-options.js';
import { leanWorkflowModules, orchestraBundleOptions } from './bundle.js';
import { WORKFLOW_CACHE_SIZE } from './heap.js';
import { capabilityQueue, TASK_QUEUE, type Capability } from '../shared/task-queues.js';

export const workflowsPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '../workflows/index.ts');

/** What every workflow bundle is built from (worker start, `npm run build:workflows`, tests, replay): the workflows, the
 * tracing interceptors that run inside them and the bundler's settings (./bundle.ts). */
export const workflowBundleOptions = orchestraBundleOptions(workflowsPath);

export interface OrchestraWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** The base task queue (default TASK_QUEUE). */
  taskQueue?: string;
  /** What this worker polls: `workflows` (the base queue: workflow tasks and every activity; the default) or one
   * capability's activity queue (see src/shared/capabilities.ts). */
  capability?: Capability;
  /** A prebuilt workflow bundle (see `npm run build:workflows`); without one the worker bundles at start. */
  workflowBundlePath?: string;
  activityDeps: ActivityDeps;
  /** Extra worker settings (concurrency, tuner, interceptors, …). */
  overrides?: Partial<WorkerOptions>;
}

/** A worker for one task queue: every Orchestra workflow and activity, or one capability's activities. */
export async function createWorker(options: OrchestraWorkerOptions): Promise<Worker> {
  const bundlePath = options.workflowBundlePath ?? process.env.ORCHESTRA_WORKFLOW_BUNDLE;
  const capability = options.capability ?? 'workflows';
  const workflows = bundlePath ? { workflowBundle: { codePath: path.resolve(bundlePath) } }
    : { workflowsPath, bundlerOptions: { webpackConfigHook: leanWorkflowModules } }; // tracing's modules: withObservability
  return Worker.create(withObservability({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: capabilityQueue(options.taskQueue ?? TASK_QUEUE, capability),
    ...(capability === 'workflows' ? workflows : {}),
    // Every tool call goes through its server's circuit breaker, shared with the other workers of this host.
    activities: createActivities({ breakers: Breakers.forPool(options.activityDeps.mcp), ...options.activityDeps }),
    // In-flight activities get this long to finish after SIGINT/SIGTERM before they are cancelled.
    shutdownGraceTime: '10 seconds',
    // A task for a workflow this worker cached waits this long for it before any worker may take it (see recovery.ts).
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_SCHEDULE_TO_START_TIMEOUT,
    maxHeartbeatThrottleInterval: MAX_HEARTBEAT_THROTTLE_INTERVAL,
    // A long activation on a starved CPU must not kill the process (see recovery.ts).
    isolateExecutionTimeout: WORKFLOW_ACTIVATION_TIMEOUT,
    // Not the SDK's heap-derived default (32 with the worker's bounded heap, see ./heap.ts).
    ...(capability === 'workflows' ? { maxCachedWorkflows: WORKFLOW_CACHE_SIZE } : {}),
    ...options.overrides,
  })); // traces and metrics: src/observability
}

/**
 * The worker's MCP servers: validates the `mcpServers` config (a bad one fails here, naming server and field), seeds
 * the filesystem sandbox, and returns the pool (connections open lazily). Close it after the worker stops.
 */
export async function openToolPool(config: LoadMcpConfigOptions = {}): Promise<McpPool> {
  // MCP servers' stderr and the pool's notices go into the worker's structured log.
  const logger = Runtime.instance().logger;
  const pool = McpPool.fromConfigFile(config, {
    onServerStderr: (server, line) => logger.info(line, { sdkComponent: 'mcp', mcpServer: server }),
    log: (message) => logger.info(message, { sdkComponent: 'mcp' }),
    handlers: { sampling: llmSamplingHandler() }, // servers may sample the configured LLM (none configured: not offered)
  });
  await ensureSandbox();
  // Start the servers now rather than on the first call: a worker that replaces a dead one takes over its calls at once.
  for (const server of pool.serverNames) {
    pool.connection(server).catch((err: unknown) => logger.warn(`MCP server "${server}" did not start: ${(err as Error).message}`, { sdkComponent: 'mcp' }));
  }
  return pool;
}
