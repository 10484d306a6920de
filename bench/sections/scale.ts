/**
 * 4. Scale: parallelAggregate with 100, 1,000 and 10,000 branches (sleep tool calls), each run on a fresh worker
 * process at its default settings so its peak RSS (VmHWM) is that run's: wall time, history events per workflow (the
 * parent plus its partition children), worker peak RSS, and that it completes without limit errors. The raw twin's
 * fan-out runs the same sizes on a fresh plain SDK worker: how the cost grows, side by side.
 */
import type { BenchContext } from '../lib/context.js';
import { defaultNodeFlags, historyTree, sampleMemory, startBenchWorker, type HeapPeaks, type HistoryTree } from '../lib/harness.js';
import { round, since } from '../lib/stats.js';
import { fanOutInput } from './fanout.js';

export interface ScaleRun {
  workflowType: string;
  /** The worker's Node flags. */
  nodeFlags: string[];
  /** Whether the worker ran at its default settings (Orchestra's: as `npm run worker` starts it, src/workers/heap.ts). */
  atDefaults: boolean;
  branches: number;
  completed: number;
  status: string;
  wallSeconds: number;
  branchesPerSecond: number;
  /** Workflows in the run (1 + partition children) and their history events. */
  workflows: number;
  historyEvents: number;
  largestHistory: number;
  /** Workflow tasks that failed or timed out across the run's histories (each one replays the whole history). */
  failedWorkflowTasks?: number;
  /** Size of the workflow's result as JSON (Temporal refuses payloads over 2 MB). */
  resultBytes: number;
  workerIdleRssMiB?: number;
  /** The worker's main-isolate V8 heap and native memory at their largest, and its heap limit (the workflow thread's isolate is not in these). */
  workerHeap?: HeapPeaks;
  workerPeakRssMiB?: number;
  rssSamples: Array<{ atMs: number; rssMiB: number }>;
  /** Errors from the run (a limit error would show here: payload size, pending activities, history size). */
  error?: string;
}

export interface ScaleResult {
  branchMs: number;
  maxConcurrency: number;
  runs: ScaleRun[];
}

export async function scale(ctx: BenchContext): Promise<ScaleResult | { skipped: string }> {
  if (!ctx.has('parallelAggregate')) return { skipped: 'parallelAggregate has not landed in src/workflows yet' };
  const sizes = ctx.quick ? [200] : [100, 1_000, 10_000];
  const branchMs = ctx.quick ? 10 : 50;
  const maxConcurrency = 200;
  const runs: ScaleRun[] = [];
  const plan = sizes.flatMap((branches) => [
    { branches, variant: 'orchestra' as const, flags: defaultNodeFlags('orchestra') },
    { branches, variant: 'raw' as const, flags: defaultNodeFlags('twin') },
    // The cost of the worker's memory defaults: the same run with Node's own heap settings (at 1,000 branches, to keep
    // the run short; an earlier run measured 10,000: see bench/FINDINGS.md).
    ...(branches === 1_000 ? [{ branches, variant: 'orchestra' as const, flags: [] as string[] }] : []),
  ]);
  for (const { branches, variant, flags } of plan) {
    {
      // A fresh worker per run, so its peak RSS is this run's (quick mode reuses the shared one: seconds matter more).
      const shared = variant === 'orchestra' ? ctx.worker : ctx.twin;
      const worker = ctx.quick ? shared : variant === 'orchestra'
        ? await startBenchWorker(ctx.env, ctx.bundlePath, {}, flags)
        : await startBenchWorker(ctx.env, ctx.twinBundlePath, {}, flags, 'twin');
      try {
        if (worker !== shared) await new Promise((resolve) => setTimeout(resolve, 500)); // settle before the idle reading
        const idle = worker.memory();
        const input = fanOutInput(branches, branchMs, maxConcurrency);
        const start = performance.now();
        let workflowId = '';
        let status = 'failed';
        let completed = 0;
        let error: string | undefined;
        let resultBytes = 0;
        const { samples } = await sampleMemory(worker, () => Promise.race([worker.dead, (async () => {
          try {
            if (variant === 'orchestra') {
              const run = await ctx.orchestra.start('parallelAggregate' as never, input as never, { taskQueue: worker.taskQueue });
              workflowId = run.workflowId;
              const result = await ctx.client.workflow.getHandle(workflowId).result() as { status: string; completed: string[] };
              resultBytes = JSON.stringify(result).length;
              status = result.status;
              completed = result.completed.length;
            } else {
              workflowId = `raw-scale-${branches}-${Date.now()}`;
              const result = await (await ctx.client.workflow.start('rawParallelAggregate', { taskQueue: worker.taskQueue, workflowId, args: [input] }))
                .result() as { completed: number; total: number };
              resultBytes = JSON.stringify(result).length;
              status = result.completed === result.total ? 'succeeded' : 'partial';
              completed = result.completed;
            }
          } catch (err) {
            error = (err as Error).stack ?? String(err);
            const cause = (err as { cause?: Error }).cause;
            if (cause) error += `\ncaused by: ${cause.stack ?? String(cause)}`;
          }
        })()]).catch((err: Error) => {
          error = err.message; // the worker died (e.g. out of memory)
        }), 200);
        const wall = since(start) / 1000;
        let tree: HistoryTree = { workflows: 0, events: 0, largest: 0, failedWorkflowTasks: 0 };
        try {
          if (workflowId) tree = await historyTree(ctx.env.address, ctx.env.namespace ?? 'default', ctx.client.workflow.getHandle(workflowId));
        } catch (err) {
          error = `${error ? `${error}\n` : ''}reading the histories: ${(err as Error).message}`;
        }
        const heap = await Promise.race([worker.heapPeaks(), new Promise<undefined>((resolve) => setTimeout(resolve, 2000, undefined))]).catch(() => undefined);
        const run: ScaleRun = {
          workflowType: variant === 'orchestra' ? 'parallelAggregate' : 'rawParallelAggregate',
          nodeFlags: flags,
          atDefaults: flags.join(' ') === defaultNodeFlags(variant === 'orchestra' ? 'orchestra' : 'twin').join(' '),
          workerHeap: heap,
          branches,
          completed,
          status,
          wallSeconds: round(wall, 2),
          branchesPerSecond: round(completed / wall, 1),
          workflows: tree.workflows,
          historyEvents: tree.events,
          largestHistory: tree.largest,
          failedWorkflowTasks: tree.failedWorkflowTasks,
          resultBytes,
          workerIdleRssMiB: idle?.rssMiB,
          workerPeakRssMiB: worker.memory()?.peakRssMiB,
          rssSamples: samples.filter((_, i) => i % Math.max(1, Math.floor(samples.length / 100)) === 0),
          ...(error ? { error } : {}),
        };
        runs.push(run);
        ctx.log(`scale ${variant}${flags.length ? ` (${flags.join(' ')})` : ''} ${branches}: ${status} ${completed}/${branches} in ${run.wallSeconds} s, ${tree.events} events in ${tree.workflows} workflows ` +
          `(largest ${tree.largest}, ${tree.failedWorkflowTasks} failed workflow tasks), worker peak RSS ${run.workerPeakRssMiB} MiB${error ? ` — ERROR ${error.split('\n')[0]}` : ''}`);
      } finally {
        if (worker !== shared) await worker.stop();
      }
    }
  }
  const failed = runs.filter((r) => r.error || r.completed !== r.branches);
  if (failed.length) throw Object.assign(new Error(`scale: ${failed.map((r) => `${r.workflowType} ${r.branches}: ${r.error?.split('\n')[0] ?? `${r.completed} completed`}`).join('; ')}`), { partial: { branchMs, maxConcurrency, runs } });
  return { branchMs, maxConcurrency, runs };
}
