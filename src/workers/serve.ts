/**
 * A worker process: the runtime with its metrics and traces, the MCP pool, and the workers of the planned queues,
 * until SIGINT/SIGTERM (the SDK turns it into a graceful shutdown: polling stops, in-flight activities get the grace
 * time to finish, then are cancelled). Used by `npm run worker` and `orchestra worker`.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { McpConfigError } from '../mcp/config.js';
import { countApprovalsPendingIn } from '../observability/approvals-pending.js';
import { startObservability } from '../observability/startup.js';
import { temporalTarget } from '../runtime/connection.js';
import { registerSearchAttributes } from '../runtime/search-attributes.js';
import { capabilityQueue, TASK_QUEUE } from '../shared/task-queues.js';
import type { WorkerPlan } from './flags.js';
import { createWorkers, runWorkers } from './pool.js';
import { openToolPool } from './worker.js';

/** Runs until the workers stop; returns the process exit code (2 for a bad configuration, said in one line). */
export async function serveWorkers(plan: WorkerPlan, mcpConfig?: string): Promise<number> {
  const say = (line: string) => process.stderr.write(`orchestra worker: ${line}\n`);
  let observability;
  try {
    observability = await startObservability(); // before anything touches the Temporal runtime
  } catch (err) {
    say(err instanceof Error ? err.message : String(err));
    return 2;
  }
  const target = temporalTarget();
  let mcp;
  try {
    mcp = await openToolPool(mcpConfig ? { path: mcpConfig } : {});
  } catch (err) {
    if (!(err instanceof McpConfigError)) throw err;
    say(err.message);
    await observability.close();
    return 2;
  }
  const connection = await NativeConnection.connect(target.connectionOptions);
  // A client connection for the metrics that ask the cluster (orchestra_approvals_pending); lazy: no round trip until a scrape.
  const clientConnection = Connection.lazy(target.connectionOptions);
  countApprovalsPendingIn(new Client({ connection: clientConnection, namespace: target.namespace }));
  // Workflows upsert Orchestra's search attributes (a new one fails their tasks on a cluster that lacks it): register
  // them here too, as npm start does; where this is not allowed (Temporal Cloud) they are added with tcld.
  await registerSearchAttributes(clientConnection, target.namespace).catch((err: unknown) =>
    say(`could not register Orchestra's search attributes (${String(err)}); register them on the cluster (Temporal Cloud: tcld namespace search-attributes add)`));
  try {
    const workers = await createWorkers({ connection, namespace: target.namespace, activityDeps: { mcp }, queues: plan.queues, limits: plan.limits });
    // Into the structured log (stderr holds JSON lines only).
    Runtime.instance().logger.info('worker started', {
      taskQueues: plan.queues.map((q) => capabilityQueue(TASK_QUEUE, q)), address: target.address, namespace: target.namespace,
      ...plan.limits, ...observability.endpoints,
    });
    await runWorkers(workers);
    return 0;
  } finally {
    await mcp.close(); // stops the stdio MCP servers after in-flight activities finished
    await connection.close();
    await clientConnection.close();
    await observability.close();
  }
}
