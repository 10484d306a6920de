/**
 * The bench worker, in its own process so its memory is its own (peak RSS is read from /proc/<pid>/status by the
 * runner). Orchestra's worker (`createWorker`, the same settings the product uses) with a prebuilt bundle of
 * bench/workflows.ts (every Orchestra workflow plus the bench-only ones), Orchestra's activities, and the project's MCP
 * servers plus the bench's `bench` server (bench/mcp-sleep-server.ts: a `sleep` tool for fan-out branches of known
 * duration).
 *
 * Started by bench/run.ts with fork(); its configuration arrives as JSON in argv[2]; it answers over IPC:
 *   → { type: 'ready', settings }   once polling
 *   ← { type: 'memory' }            → { type: 'memory', peak, heapLimitMiB }: the largest V8 heap / native memory seen
 *   ← { type: 'stop' }              drains and exits
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import path from 'node:path';
import Database from 'better-sqlite3';
import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { loadMcpConfig } from '../src/mcp/config.js';
import { McpPool } from '../src/mcp/pool.js';
import { ensureSandbox } from '../src/mcp/sandbox.js';
import { installRuntime } from '../src/runtime/logging.js';
import { projectRoot } from '../src/runtime/paths.js';
import { createWorkers, runWorkers } from '../src/workers/pool.js';

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

/** What the runner records about the worker: the options that decide throughput, as the SDK resolved them. */
export interface WorkerSettings {
  /** Slots (fixed-size tuner unless overridden): workflow tasks, activities, local activities running at once. */
  workflowTaskSlots?: unknown;
  activityTaskSlots?: unknown;
  localActivityTaskSlots?: unknown;
  maxCachedWorkflows?: number;
  workflowThreadPoolSize?: number;
  workflowTaskPollerBehavior?: unknown;
  activityTaskPollerBehavior?: unknown;
  nonStickyToStickyPollRatio?: number;
  reuseV8Context?: boolean;
  overrides: Partial<WorkerOptions>;
}

const config = JSON.parse(process.argv[2]) as BenchWorkerConfig;
installRuntime({ level: 'WARN' });

await ensureSandbox({ dir: path.join(config.home, 'files') });
const { STORE_DB: _ignored, ...inherited } = process.env;
const servers = loadMcpConfig({ env: { ...inherited, ORCHESTRA_HOME: config.home } }).servers;
const mcp = new McpPool({
  ...servers,
  bench: {
    name: 'bench',
    transport: 'stdio',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(projectRoot, 'bench', 'mcp-sleep-server.ts')],
    env: {},
    cwd: projectRoot,
  },
}, { onServerStderr: () => {}, log: () => {} });
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

const [worker] = workers; // the workflows queue's worker: its settings are reported
const running = runWorkers(workers);
const o = worker.options as unknown as Record<string, unknown>;
function slots(supplier: string): unknown {
  const s = (o.tuner as Record<string, { type: string; numSlots?: number }> | undefined)?.[supplier];
  return s?.type === 'fixed-size' ? s.numSlots : s;
}
const settings: WorkerSettings = {
  workflowTaskSlots: slots('workflowTaskSlotSupplier'),
  activityTaskSlots: slots('activityTaskSlotSupplier'),
  localActivityTaskSlots: slots('localActivityTaskSlotSupplier'),
  maxCachedWorkflows: o.maxCachedWorkflows as number | undefined,
  workflowThreadPoolSize: o.workflowThreadPoolSize as number | undefined,
  workflowTaskPollerBehavior: o.workflowTaskPollerBehavior,
  activityTaskPollerBehavior: o.activityTaskPollerBehavior,
  nonStickyToStickyPollRatio: o.nonStickyToStickyPollRatio as number | undefined,
  reuseV8Context: o.reuseV8Context as boolean | undefined,
  overrides: config.overrides,
};
process.send?.({ type: 'ready', settings });
// The largest V8 heap and native (external + array buffers) memory seen, sampled, to tell what the peak RSS was made of.
const peak = { heapUsedMiB: 0, heapTotalMiB: 0, externalMiB: 0, rssMiB: 0 };
const mib = (bytes: number) => Math.round(bytes / 104857.6) / 10;
setInterval(() => {
  const m = process.memoryUsage();
  peak.heapUsedMiB = Math.max(peak.heapUsedMiB, mib(m.heapUsed));
  peak.heapTotalMiB = Math.max(peak.heapTotalMiB, mib(m.heapTotal));
  peak.externalMiB = Math.max(peak.externalMiB, mib(m.external + m.arrayBuffers));
  peak.rssMiB = Math.max(peak.rssMiB, mib(m.rss));
}, 200).unref();
process.on('message', (message: { type: string }) => {
  if (message.type === 'stop') worker.shutdown();
  if (message.type === 'memory') process.send?.({ type: 'memory', peak, heapLimitMiB: mib(v8.getHeapStatistics().heap_size_limit) });
});
process.on('disconnect', () => {
  if (worker.getState() === 'RUNNING') worker.shutdown();
});
try {
  await running;
} finally {
  await mcp.close();
  await connection.close();
}
process.exit(0);

/**
 * Starts the store server once (it migrates and seeds its database) and gives the bench's customer and products room
 * for thousands of orders: a real credit limit and stock would decline the 300th saga and turn the throughput figure
 * into a compensation benchmark.
 */
async function prepareStore(pool: McpPool, home: string): Promise<void> {
  await pool.callTool('store', { name: 'list_customers', arguments: {} });
  const db = new Database(path.join(home, 'store.db'));
  try {
    db.pragma('busy_timeout = 10000');
    db.exec('UPDATE customers SET credit_limit = 1000000000000; UPDATE products SET stock = 100000000;');
  } finally {
    db.close();
  }
  if (!fs.existsSync(path.join(home, 'store.db'))) throw new Error('the store server did not create its database');
}
