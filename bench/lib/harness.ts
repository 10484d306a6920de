/**
 * The bench's moving parts: a dev server started for the run, one prebuilt workflow bundle, and worker processes
 * (each its own child, so its peak RSS is its own), plus history helpers for where the time went.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type BundleOptions, type WorkerOptions } from '@temporalio/worker';
import { orchestraBundleOptions } from '../../src/workers/bundle.js';
import { WORKER_HEAP_FLAGS } from '../../src/workers/heap.js';
import { ACTIVITY_QUEUES_MEMO } from '../../src/shared/capabilities.js';
import { startDevServer } from '../../src/runtime/dev-server.js';
import { cpuSnapshot, procMemory, type CpuSnapshot } from './machine.js';
import { round } from './stats.js';
import type { BenchWorkerConfig, WorkerSettings } from '../worker-process.js';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const scratchDir = path.join(benchDir, 'results', 'tmp');

/**
 * How `npm start` routes its runs' activities (its workers poll every queue, as the bench's Orchestra worker does): to
 * the workflow's own queue, for eager activity dispatch (ActivityQueues, src/shared/capabilities.ts). Orchestra's
 * client sets it from its defaults; runs started through the plain client (bench-only workflows) take this memo.
 */
export const ORCHESTRA_ROUTING = { activityQueues: 'workflow' } as const;
export const ORCHESTRA_ROUTING_MEMO = { memo: { [ACTIVITY_QUEUES_MEMO]: ORCHESTRA_ROUTING.activityQueues } };

/**
 * Bundles bench/workflows.ts (every Orchestra workflow + the bench's) as `npm start` builds its bundle: with the workflow
 * interceptors every Orchestra bundle carries (tracing) and its bundler settings (src/workers/bundle.ts); workers load
 * the file.
 */
export async function bundleBenchWorkflows(): Promise<string> {
  return bundleTo(orchestraBundleOptions(path.join(benchDir, 'workflows.ts')), 'workflow-bundle');
}

/** The raw twin's own bundle: bench/raw-workflows.ts alone, no interceptors, the SDK's bundler settings (what a plain
 * SDK user bundles). */
export async function bundleTwinWorkflows(): Promise<string> {
  return bundleTo({ workflowsPath: path.join(benchDir, 'raw-workflows.ts') }, 'twin-bundle');
}

async function bundleTo(options: BundleOptions, name: string): Promise<string> {
  fs.mkdirSync(scratchDir, { recursive: true });
  const { code } = await bundleWorkflowCode({
    ...options,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  const file = path.join(scratchDir, `${name}-${process.pid}.js`);
  fs.writeFileSync(file, code);
  return file;
}

/** Worker processes alive now, and the CPU seconds of those that exited (so a section's CPU split stays whole). */
const liveWorkers = new Set<number>();
const retiredCpu: Record<string, number> = {};

/** CPU used so far by the dev server, the workers and their MCP servers, this process, and the machine. */
export function benchCpu(): CpuSnapshot {
  return cpuSnapshot([...liveWorkers], retiredCpu);
}

/**
 * Runs `stop` (e.g. a second dev server's teardown) and banks the CPU that its processes, found as the drop in one
 * component, had used: a process that exits inside a section would otherwise vanish from the section's CPU split.
 */
export async function bankCpuAcross(component: string, stop: () => Promise<void>): Promise<void> {
  const before = benchCpu().components[component] ?? 0;
  await stop();
  const after = benchCpu().components[component] ?? 0;
  if (before > after) retiredCpu[component] = (retiredCpu[component] ?? 0) + before - after;
}

export interface HeapPeaks {
  peak: { heapUsedMiB: number; heapTotalMiB: number; externalMiB: number; rssMiB: number };
  heapLimitMiB: number;
}

export interface BenchWorker {
  taskQueue: string;
  pid: number;
  settings: WorkerSettings;
  /** Current and peak resident set size of the worker process (MiB). */
  memory(): { rssMiB: number; peakRssMiB: number } | undefined;
  /** Rejects if the worker process exits before `stop()` (out of memory, a crash): race long waits against it. */
  dead: Promise<never>;
  /** What the worker's memory was made of at its largest (sampled in the worker every 200 ms). */
  heapPeaks(): Promise<HeapPeaks>;
  stop(): Promise<void>;
}

/** The Node flags a worker of this kind runs with by default: Orchestra's as `npm run worker` starts it, the twin's none. */
export function defaultNodeFlags(kind: 'orchestra' | 'twin'): string[] {
  return kind === 'orchestra' ? WORKER_HEAP_FLAGS : [];
}

/**
 * Starts a worker process on a fresh task queue and waits until it polls: Orchestra's (bench/worker-process.ts) or,
 * with `kind: 'twin'`, the raw twin's plain SDK worker (bench/twin-worker-process.ts, given the twin's bundle).
 */
export async function startBenchWorker(env: TestWorkflowEnvironment, bundlePath: string, overrides: Partial<WorkerOptions> = {},
  nodeFlags: string[] = defaultNodeFlags('orchestra'), kind: 'orchestra' | 'twin' = 'orchestra'): Promise<BenchWorker> {
  const home = fs.mkdtempSync(path.join(scratchDir, 'home-'));
  const taskQueue = `bench-${randomUUID()}`;
  const config: BenchWorkerConfig = {
    address: env.address,
    namespace: env.namespace ?? 'default',
    taskQueue,
    bundlePath,
    home,
    overrides,
  };
  const child: ChildProcess = fork(path.join(benchDir, kind === 'twin' ? 'twin-worker-process.ts' : 'worker-process.ts'), [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx', ...nodeFlags],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    env: { ...process.env, ORCHESTRA_WORKFLOW_BUNDLE: '', ORCHESTRA_HOME: home }, // its traces, breaker board and store in its scratch home
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 50) stderr.shift();
    if (process.env.BENCH_VERBOSE) process.stderr.write(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const settings = await new Promise<WorkerSettings>((resolve, reject) => {
    child.once('message', (message: { type: string; settings: WorkerSettings }) => {
      if (message.type === 'ready') resolve(message.settings);
    });
    void exited.then((code) => reject(new Error(`bench worker exited (${code}) before it was ready:\n${stderr.join('')}`)));
  });
  liveWorkers.add(child.pid!);
  let stopping = false;
  const dead = exited.then((code) => {
    if (stopping) return new Promise<never>(() => {});
    throw new Error(`the bench worker (pid ${child.pid}) exited with ${code} while in use:\n${stderr.join('').slice(-3000)}`);
  });
  dead.catch(() => undefined); // observed by whoever races it
  return {
    dead,
    taskQueue,
    pid: child.pid!,
    settings,
    memory: () => procMemory(child.pid!),
    heapPeaks: () => new Promise<HeapPeaks>((resolve) => {
      const onMessage = (message: { type: string } & HeapPeaks) => {
        if (message.type !== 'memory') return;
        child.off('message', onMessage);
        resolve({ peak: message.peak, heapLimitMiB: message.heapLimitMiB });
      };
      child.on('message', onMessage);
      child.send({ type: 'memory' });
    }),
    async stop() {
      // Bank the worker's and its MCP servers' CPU before they exit.
      const last = cpuSnapshot([child.pid!], {}, child.pid!);
      for (const name of ['worker', 'store-mcp', 'bench-mcp', 'filesystem-mcp']) retiredCpu[name] = (retiredCpu[name] ?? 0) + (last.components[name] ?? 0);
      liveWorkers.delete(child.pid!);
      stopping = true;
      if (child.exitCode === null) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Samples a worker's RSS while `fn` runs (the kernel's VmHWM is the peak; samples show the curve). */
export async function sampleMemory<T>(worker: BenchWorker, fn: () => Promise<T>, everyMs = 250) {
  const samples: Array<{ atMs: number; rssMiB: number }> = [];
  const start = performance.now();
  const timer = setInterval(() => {
    const m = worker.memory();
    if (m) samples.push({ atMs: Math.round(performance.now() - start), rssMiB: m.rssMiB });
  }, everyMs);
  try {
    const result = await fn();
    return { result, samples };
  } finally {
    clearInterval(timer);
  }
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function eventMs(event: HistoryEvent): number {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;
}

/** Where a run's time went, from its history's event times (server clock, millisecond resolution). */
export interface HistoryBreakdown {
  events: number;
  /** First event to last event. */
  serverWallMs: number;
  /** Workflow tasks: waiting for a worker (schedule → start) and the worker's processing (start → complete). */
  workflowTaskQueueMs: number;
  workflowTaskRunMs: number;
  workflowTasks: number;
  /** The worker's time in the first workflow task (start → complete), and the mean of the later ones. */
  firstWorkflowTaskRunMs: number;
  laterWorkflowTaskRunMs: number;
  /** Activities: waiting for a worker, and running (start → complete: the activity plus the result's round trip). */
  activityQueueMs: number;
  activityRunMs: number;
  activities: number;
}

export function breakdown(events: readonly HistoryEvent[]): HistoryBreakdown {
  const byId = new Map<number, HistoryEvent>();
  for (const e of events) byId.set(Number(e.eventId), e);
  const out: HistoryBreakdown = {
    events: events.length,
    serverWallMs: events.length ? eventMs(events[events.length - 1]) - eventMs(events[0]) : 0,
    workflowTaskQueueMs: 0, workflowTaskRunMs: 0, workflowTasks: 0, firstWorkflowTaskRunMs: 0, laterWorkflowTaskRunMs: 0,
    activityQueueMs: 0, activityRunMs: 0, activities: 0,
  };
  for (const e of events) {
    if (e.workflowTaskStartedEventAttributes) {
      const scheduled = byId.get(Number(e.workflowTaskStartedEventAttributes.scheduledEventId));
      if (scheduled) out.workflowTaskQueueMs += eventMs(e) - eventMs(scheduled);
    } else if (e.workflowTaskCompletedEventAttributes) {
      const started = byId.get(Number(e.workflowTaskCompletedEventAttributes.startedEventId));
      const ms = started ? eventMs(e) - eventMs(started) : 0;
      out.workflowTaskRunMs += ms;
      if (out.workflowTasks === 0) out.firstWorkflowTaskRunMs = ms;
      out.workflowTasks += 1;
    } else if (e.activityTaskStartedEventAttributes) {
      const scheduled = byId.get(Number(e.activityTaskStartedEventAttributes.scheduledEventId));
      if (scheduled) out.activityQueueMs += eventMs(e) - eventMs(scheduled);
    } else if (e.activityTaskCompletedEventAttributes) {
      const started = byId.get(Number(e.activityTaskCompletedEventAttributes.startedEventId));
      if (started) out.activityRunMs += eventMs(e) - eventMs(started);
      out.activities += 1;
    }
  }
  out.laterWorkflowTaskRunMs = out.workflowTasks > 1 ? (out.workflowTaskRunMs - out.firstWorkflowTaskRunMs) / (out.workflowTasks - 1) : 0;
  return out;
}

/** The mean of each field over several runs' breakdowns (one decimal). */
export function meanBreakdown(parts: readonly HistoryBreakdown[]): HistoryBreakdown {
  return Object.fromEntries(Object.keys(parts[0]).map((k) => [k, round(parts.reduce((s, p) => s + p[k as keyof HistoryBreakdown], 0) / parts.length, 1)])) as unknown as HistoryBreakdown;
}

/**
 * A run's history events, and those of every child workflow it started (recursively): a partitioned fan-out's
 * branches live in its children's histories.
 */
/** A run's history tree: workflows, events, the largest history, and its workflow tasks that failed or timed out (each
 * a replay of the whole history on the worker's next task). */
export interface HistoryTree {
  workflows: number;
  events: number;
  largest: number;
  failedWorkflowTasks: number;
}

export async function historyTree(address: string, namespace: string, handle: WorkflowHandle): Promise<HistoryTree> {
  // A 10,000-branch parent's history (its input, its children's inputs and results, its aggregate) passes gRPC's
  // default 4 MB message limit: read it on a connection that accepts larger pages.
  const connection = await Connection.connect({ address, channelArgs: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 } });
  try {
    return await walk(new Client({ connection, namespace }), handle);
  } finally {
    await connection.close();
  }
}

async function walk(client: Client, handle: WorkflowHandle): Promise<HistoryTree> {
  let workflows = 0;
  let events = 0;
  let largest = 0;
  let failedWorkflowTasks = 0;
  const queue: Array<{ workflowId: string; runId?: string }> = [{ workflowId: handle.workflowId }];
  while (queue.length) {
    const batch = queue.splice(0, 16);
    const histories = await Promise.all(batch.map((w) => client.workflow.getHandle(w.workflowId, w.runId).fetchHistory()));
    for (const history of histories) {
      const list = history.events ?? [];
      workflows += 1;
      events += list.length;
      largest = Math.max(largest, list.length);
      for (const e of list) {
        if (e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes) failedWorkflowTasks += 1;
        const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
        if (child?.workflowId) queue.push({ workflowId: child.workflowId, runId: child.runId ?? undefined });
      }
    }
  }
  return { workflows, events, largest, failedWorkflowTasks };
}

/**
 * The dev server exactly as `startDevServer()` (src/runtime/dev-server.ts) starts it, with the given
 * `--dynamic-config-value`s ([] = the server's stock settings): the investigation runs against both, in the same run.
 */
export function startDevServerWith(dynamicConfig: string[], dbFile?: string): Promise<TestWorkflowEnvironment> {
  return startDevServer({ dbFile, dynamicConfig });
}
