/**
 * The bench worker, in its own process so its memory is its own (peak RSS is read from /proc/<pid>/status by the
 * runner). Orchestra's worker (`createWorker`, the same settings the product uses) with a prebuilt bundle of
 * bench/workflows.ts (every Orchestra workflow plus the bench-only ones), Orchestra's activities, and the project's MCP
 * servers plus the bench's `bench` server (bench/mcp-sleep-server.ts: a `sleep` tool for fan-out branches of known
 * duration).
 *
 * Started by bench/run.ts with fork(); its configuration arrives as JSON in argv[2]; it answers over IPC
 * (bench/lib/worker-ipc.ts).
 */
import path from 'node:path';
import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { McpPool } from '../src/mcp/pool.js';
import { ensureSandbox } from '../src/mcp/sandbox.js';
import { installRuntime } from '../src/runtime/logging.js';
import { createWorkers, runWorkers } from '../src/workers/pool.js';
import { benchMcpServers, prepareStoreDb, resolvedSettings, serveRunner } from './lib/worker-ipc.js';

export interface BenchWorkerConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  bundlePath: string;
  /** Scratch ORCHESTRA_HOME: the store's SQLite file and the filesystem sandbox. */
  home: string;
  /** Worker settings on top of Orchestra's (JSON-able ones: concurrency, cache, pollers). */
  overrides: Partial<WorkerOptions>;
}

export type { WorkerSettings } from './lib/worker-ipc.js';

const config = JSON.parse(process.argv[2]) as BenchWorkerConfig;
installRuntime({ level: 'WARN' });

await ensureSandbox({ dir: path.join(config.home, 'files') });
const mcp = new McpPool(benchMcpServers(config.home), { onServerStderr: () => {}, log: () => {} });
await prepareStore(mcp, config.home);
await mcp.callTool('bench', { name: 'sleep', arguments: { ms: 0 } }); // starts the bench server before the clock runs

const connection = await NativeConnection.connect({ address: config.address });
// Every queue (workflows and each capability's activities), as `npm start` and `npm run worker` poll them.
const workers = await createWorkers({
  connection,
  namespace: config.namespace,
  taskQueue: config.taskQueue,
  workflowBundlePath: config.bundlePath,
  activityDeps: { mcp },
  overrides: config.overrides,
});

const running = runWorkers(workers);
// The workflows queue's worker (the first) is the one whose settings are reported.
serveRunner(workers, resolvedSettings(workers[0], config.overrides));
try {
  await running;
} finally {
  await mcp.close();
  await connection.close();
}
process.exit(0);

/** Starts the store server once (it migrates and seeds its database), then makes room for thousands of orders. */
async function prepareStore(pool: McpPool, home: string): Promise<void> {
  await pool.callTool('store', { name: 'list_customers', arguments: {} });
  prepareStoreDb(home);
}
