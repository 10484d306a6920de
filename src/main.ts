/**
 * `npm start`: the main job. Starts the Temporal dev server (unless a cluster is configured), a worker, and the demo
 * runs; prints each run's id, final status and Web UI link; then keeps serving until Ctrl-C so the runs can be browsed.
 * `npm start -- --once` exits after the demo: 0 when every run completed, 1 otherwise.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Orchestra, TemporalUnreachableError } from './client/api.js';
import { printOutcomes, runDemos } from './demo/run-demo.js';
import { demoRuns } from './demo/runs.js';
import { LOCAL_UI_PORT, temporalTarget } from './runtime/connection.js';
import { startDevServer } from './runtime/dev-server.js';
import { orchestraHome } from './runtime/paths.js';
import { registerSearchAttributes } from './runtime/search-attributes.js';
import { countApprovalsPendingIn } from './observability/approvals-pending.js';
import { startObservability } from './observability/startup.js';
import { tracingClientInterceptors } from './observability/tracing.js';
import { createWorkers, runWorkers } from './workers/pool.js';
import { openToolPool } from './workers/worker.js';

// The runtime (logs, SDK metrics), Orchestra's metrics endpoint and the tracer: before the server and worker.
const observability = await startObservability({ file: path.join(orchestraHome(), 'logs', 'worker.jsonl') }).catch((err: unknown) => {
  console.error(`orchestra: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
const once = process.argv.includes('--once');
const target = temporalTarget();
const mcp = await openToolPool().catch((err: unknown) => {
  console.error(`orchestra: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
const log = (line: string) => console.log(line);

let teardown = async () => {};
let connection: NativeConnection;
let client: Client;
if (target.configured) {
  log(`orchestra: using the Temporal cluster at ${target.address} (namespace ${target.namespace})`);
  const clientConnection = await Connection.connect({ ...target.connectionOptions, connectTimeout: '10 seconds' }).catch((err: unknown) => {
    console.error(`orchestra: ${new TemporalUnreachableError(target.address, err).message}`);
    process.exit(3);
  });
  connection = await NativeConnection.connect(target.connectionOptions);
  client = new Client({ connection: clientConnection, namespace: target.namespace, interceptors: { workflow: tracingClientInterceptors() } });
  await registerSearchAttributes(clientConnection, target.namespace).catch((err: unknown) =>
    console.error(`orchestra: could not register Orchestra's search attributes (${String(err)}); register them on the cluster ` +
      '(Temporal Cloud: tcld namespace search-attributes add) or filtering by them will not work'));
  teardown = async () => {
    await clientConnection.close();
    await connection.close();
  };
} else {
  const dbFile = path.join(orchestraHome(), 'temporal.db');
  log(`orchestra: starting the Temporal dev server — gRPC ${target.address}, Web UI http://localhost:${LOCAL_UI_PORT}, data ${dbFile}`);
  const env = await startDevServer({ port: 7233, uiPort: LOCAL_UI_PORT, dbFile }).catch((err: unknown) => {
    console.error(`orchestra: could not start the dev server on 127.0.0.1:7233 / :${LOCAL_UI_PORT} (${String(err)}).\n` +
      'Is another `npm start` running? Stop it, or use it with TEMPORAL_ADDRESS=127.0.0.1:7233 npm start.');
    process.exit(1);
  });
  connection = env.nativeConnection;
  client = new Client({ connection: env.connection, namespace: target.namespace, interceptors: { workflow: tracingClientInterceptors() } });
  teardown = () => env.teardown();
}

countApprovalsPendingIn(client); // orchestra_approvals_pending counts the cluster's waiting runs at each scrape
const workers = await createWorkers({ connection, namespace: target.namespace, activityDeps: { mcp } }); // every queue
// This process's workers poll every queue, so its runs send their activities to the workflow's own queue: eager dispatch.
const orchestra = Orchestra.fromClient(client, target, { activityQueues: 'workflow' });
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-').toLowerCase();

const demo = async () => {
  log(`orchestra: worker running (logs: ${path.join(orchestraHome(), 'logs', 'worker.jsonl')}); starting the demo runs …`);
  for (const line of observability.lines) log(`orchestra: ${line}`);
  const outcomes = await runDemos(orchestra, demoRuns(stamp));
  printOutcomes(outcomes, log);
  return outcomes;
};

let exitCode = 0;
try {
  if (once) {
    const outcomes = (await runWorkers(workers, demo()))!;
    exitCode = outcomes.some((o) => o.status === 'FAILED') ? 1 : 0;
  } else {
    const running = runWorkers(workers);
    await demo();
    log(`\norchestra: serving — browse the runs at ${target.uiUrl ?? 'your Temporal Web UI'}. Ctrl-C stops.`);
    await running; // resolves after SIGINT/SIGTERM: the SDK shuts the worker down gracefully
    log('orchestra: worker stopped; shutting down');
  }
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await mcp.close();
  await observability.close();
  await teardown();
}
process.exit(exitCode);
