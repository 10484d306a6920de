/**
 * What both bench worker processes (Orchestra's, bench/worker-process.ts, and the raw twin's,
 * bench/twin-worker-process.ts) share: the store prepared for thousands of orders, and the IPC the runner speaks:
 *   → { type: 'ready', settings }   once polling
 *   ← { type: 'memory' }            → { type: 'memory', peak, heapLimitMiB }: the largest V8 heap / native memory seen
 *   ← { type: 'stop' }              drains and exits
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import Database from 'better-sqlite3';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import { loadMcpConfig, type McpServerSpec } from '../../src/mcp/config.js';
import { projectRoot } from '../../src/runtime/paths.js';

/**
 * The MCP servers of a bench worker: the project's (the store on a scratch SQLite file under `home`, the filesystem
 * sandbox) plus the bench's `bench` server (bench/mcp-sleep-server.ts: a `sleep` tool for branches of known duration).
 */
export function benchMcpServers(home: string): Record<string, McpServerSpec> {
  const { STORE_DB: _ignored, ...inherited } = process.env;
  const servers = loadMcpConfig({ env: { ...inherited, ORCHESTRA_HOME: home } }).servers;
  return {
    ...servers,
    bench: {
      name: 'bench',
      transport: 'stdio',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(projectRoot, 'bench', 'mcp-sleep-server.ts')],
      env: {},
      cwd: projectRoot,
    },
  };
}

/**
 * Gives the bench's customer and products room for thousands of orders (the store server must have created and seeded
 * its database first): a real credit limit and stock would decline the 300th saga and turn the throughput figure into
 * a compensation benchmark.
 */
export function prepareStoreDb(home: string): void {
  const file = path.join(home, 'store.db');
  if (!fs.existsSync(file)) throw new Error('the store server did not create its database');
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 10000');
    db.exec('UPDATE customers SET credit_limit = 1000000000000; UPDATE products SET stock = 100000000;');
  } finally {
    db.close();
  }
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
  /** The V8 heap limit of the worker's main isolate (MiB). */
  heapLimitMiB?: number;
  overrides: Partial<WorkerOptions>;
}

export function resolvedSettings(worker: Worker, overrides: Partial<WorkerOptions>): WorkerSettings {
  const o = worker.options as unknown as Record<string, unknown>;
  const slots = (supplier: string): unknown => {
    const s = (o.tuner as Record<string, { type: string; numSlots?: number }> | undefined)?.[supplier];
    return s?.type === 'fixed-size' ? s.numSlots : s;
  };
  return {
    workflowTaskSlots: slots('workflowTaskSlotSupplier'),
    activityTaskSlots: slots('activityTaskSlotSupplier'),
    localActivityTaskSlots: slots('localActivityTaskSlotSupplier'),
    maxCachedWorkflows: o.maxCachedWorkflows as number | undefined,
    workflowThreadPoolSize: o.workflowThreadPoolSize as number | undefined,
    workflowTaskPollerBehavior: o.workflowTaskPollerBehavior,
    activityTaskPollerBehavior: o.activityTaskPollerBehavior,
    nonStickyToStickyPollRatio: o.nonStickyToStickyPollRatio as number | undefined,
    reuseV8Context: o.reuseV8Context as boolean | undefined,
    heapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / 1048576),
    overrides,
  };
}

/** Announces the workers as ready, samples the process's memory, and answers the runner's messages. */
export function serveRunner(workers: Array<Pick<Worker, 'shutdown' | 'getState'>>, settings: WorkerSettings): void {
  const shutdown = () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
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
    if (message.type === 'stop') shutdown();
    if (message.type === 'memory') process.send?.({ type: 'memory', peak, heapLimitMiB: mib(v8.getHeapStatistics().heap_size_limit) });
  });
  process.on('disconnect', shutdown);
}
