/**
 * 3. Fan-out overhead: parallelAggregate with 8 branches, each an MCP tool call that sleeps 100 ms (the bench server's
 * `sleep` tool, through the real callTool activity). Overhead = start → result wall time minus the slowest branch's own
 * sleep: everything that is orchestration (start, scheduling, the MCP round trip, the join, the result).
 */
import type { BenchContext } from '../lib/context.js';
import { breakdown, type HistoryBreakdown } from '../lib/harness.js';
import { blocks, distribution, round, since, spread, type Distribution, type Spread } from '../lib/stats.js';
import { REPEATS } from './latency.js';

export const SLEEP_BRANCH = (ms: number, i: number) => ({ kind: 'tool' as const, id: `sleep-${i + 1}`, server: 'bench', tool: 'sleep', args: { ms }, readOnly: true });

export function fanOutInput(branches: number, ms: number, maxConcurrency: number) {
  return {
    title: `bench: ${branches} × ${ms} ms`,
    branches: Array.from({ length: branches }, (_, i) => SLEEP_BRANCH(ms, i)),
    maxConcurrency,
    minSuccessRatio: 1,
  };
}

export interface FanOutVariant {
  workflowType: string;
  wallMs: Distribution;
  slowestBranchMs: Distribution;
  overheadMs: Distribution;
  /** Overhead p50 of each repeat (consecutive block of runs): min / median / max. */
  overheadRepeatP50: Spread;
  history: HistoryBreakdown;
}

export interface FanOutResult {
  branches: number;
  branchMs: number;
  maxConcurrency: number;
  runs: number;
  orchestra: FanOutVariant;
  raw: FanOutVariant;
  /** raw overhead p50 / Orchestra overhead p50. */
  overheadRatioP50: number;
  /** raw wall p50 / Orchestra wall p50. */
  wallRatioP50: number;
}

type Sleeps = { results: Record<string, { sleptMs: number }>; completed: number | string[] };

export async function fanout(ctx: BenchContext): Promise<FanOutResult | { skipped: string }> {
  if (!ctx.has('parallelAggregate')) return { skipped: 'parallelAggregate has not landed in src/workflows yet' };
  const branches = 8;
  const branchMs = 100;
  const runs = ctx.counts?.runs ?? (ctx.quick ? 3 : 60);
  const warmup = ctx.quick ? 1 : 5;
  const input = fanOutInput(branches, branchMs, branches);
  const taskQueue = ctx.worker.taskQueue;

  const variants = {
    orchestra: async () => {
      const run = await ctx.orchestra.start('parallelAggregate' as never, input as never, { taskQueue });
      return { workflowId: run.workflowId, result: await ctx.client.workflow.getHandle(run.workflowId).result() as Sleeps };
    },
    raw: async () => {
      const workflowId = `raw-fan-out-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
      const handle = await ctx.client.workflow.start('rawParallelAggregate', { taskQueue: ctx.twin.taskQueue, workflowId, args: [input] });
      return { workflowId, result: await handle.result() as Sleeps };
    },
  };
  const samples = { orchestra: { wall: [] as number[], slowest: [] as number[], ids: [] as string[] }, raw: { wall: [] as number[], slowest: [] as number[], ids: [] as string[] } };
  for (let i = -warmup; i < runs; i++) {
    for (const v of i % 2 ? (['raw', 'orchestra'] as const) : (['orchestra', 'raw'] as const)) {
      const start = performance.now();
      const { workflowId, result } = await variants[v]();
      const wall = since(start);
      const slept = Object.values(result.results).map((r) => r.sleptMs);
      if (slept.length !== branches) throw new Error(`${v}: ${slept.length} of ${branches} branches completed`);
      if (i < 0) continue;
      samples[v].wall.push(wall);
      samples[v].slowest.push(Math.max(...slept));
      samples[v].ids.push(workflowId);
    }
  }
  const variant = async (v: 'orchestra' | 'raw'): Promise<FanOutVariant> => {
    const s = samples[v];
    const history = breakdown((await ctx.client.workflow.getHandle(s.ids[s.ids.length - 1]).fetchHistory()).events ?? []);
    const overhead = s.wall.map((w, i) => w - s.slowest[i]);
    return {
      workflowType: v === 'orchestra' ? 'parallelAggregate' : 'rawParallelAggregate',
      wallMs: distribution(s.wall),
      slowestBranchMs: distribution(s.slowest),
      overheadMs: distribution(overhead),
      overheadRepeatP50: spread(blocks(overhead, REPEATS).map((b) => distribution(b).p50)),
      history,
    };
  };
  const orchestra = await variant('orchestra');
  const raw = await variant('raw');
  ctx.log(`fan-out 8 × 100 ms: orchestra overhead p50 ${orchestra.overheadMs.p50} ms (wall ${orchestra.wallMs.p50}) · raw overhead p50 ${raw.overheadMs.p50} ms (wall ${raw.wallMs.p50})`);
  return {
    branches, branchMs, maxConcurrency: branches, runs, orchestra, raw,
    overheadRatioP50: round(raw.overheadMs.p50 / orchestra.overheadMs.p50, 3),
    wallRatioP50: round(raw.wallMs.p50 / orchestra.wallMs.p50, 3),
  };
}
