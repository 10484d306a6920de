/**
 * 1. Latency: a sequential three-activity workflow, start → result, one run at a time. Orchestra's way of writing it
 * (parseInput + ProgressReporter) on Orchestra's worker, and the raw SDK's on the twin's plain worker, interleaved run
 * by run so drift on a noisy machine hits both; the runs fall in `REPEATS` consecutive blocks, whose p50s give the
 * headline figure's spread.
 */
import { randomUUID } from 'node:crypto';
import type { BenchContext } from '../lib/context.js';
import { breakdown, meanBreakdown, type HistoryBreakdown } from '../lib/harness.js';
import { blocks, distribution, round, since, spread, type Distribution, type Spread } from '../lib/stats.js';

/** How many consecutive blocks (repeats) the measured runs form. */
export const REPEATS = 3;

export const PIPELINE_TEXT = 'Our June invoice was charged twice. Please refund the duplicate payment and confirm the July invoice is right.';

export interface LatencyVariant {
  workflowType: string;
  latencyMs: Distribution;
  /** p50 of each repeat (consecutive block of runs): min / median / max. */
  repeatP50: Spread;
  /** Averages over the sampled runs' histories: where the time went on the server's clock. */
  historyMean: HistoryBreakdown;
  historyEvents: number;
}

export interface LatencyResult {
  runs: number;
  warmup: number;
  activitiesPerRun: number;
  orchestra: LatencyVariant;
  raw: LatencyVariant;
  /** raw p50 / orchestra p50 (1 = Orchestra costs nothing; < 1 = Orchestra slower). */
  ratioP50: number;
  /** The same ratio per repeat. */
  ratioRepeats: Spread;
  samples: { orchestra: number[]; raw: number[] };
}

export async function latency(ctx: BenchContext): Promise<LatencyResult> {
  const runs = ctx.counts?.runs ?? (ctx.quick ? 6 : 210);
  const warmup = ctx.quick ? 2 : 20;
  const types = { orchestra: 'sequentialPipeline', raw: 'sequentialPipelineRaw' } as const;
  const samples = { orchestra: [] as number[], raw: [] as number[] };
  const ids = { orchestra: [] as string[], raw: [] as string[] };

  const once = async (variant: keyof typeof types) => {
    const workflowId = `bench-latency-${variant}-${randomUUID()}`;
    const start = performance.now();
    const taskQueue = variant === 'raw' ? ctx.twin.taskQueue : ctx.worker.taskQueue;
    const handle = await ctx.client.workflow.start(types[variant], { taskQueue, workflowId, args: [{ text: PIPELINE_TEXT }] });
    await handle.result();
    return { ms: since(start), workflowId };
  };

  for (let i = 0; i < warmup; i++) for (const v of ['orchestra', 'raw'] as const) await once(v);
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so neither always runs right after the other's cleanup.
    for (const v of i % 2 ? (['raw', 'orchestra'] as const) : (['orchestra', 'raw'] as const)) {
      const { ms, workflowId } = await once(v);
      samples[v].push(ms);
      ids[v].push(workflowId);
    }
  }

  const variant = async (v: keyof typeof types): Promise<LatencyVariant> => {
    const sampled = ids[v].filter((_, i) => i % Math.max(1, Math.floor(ids[v].length / 20)) === 0);
    const parts = await Promise.all(sampled.map(async (id) => breakdown((await ctx.client.workflow.getHandle(id).fetchHistory()).events ?? [])));
    const mean = meanBreakdown(parts);
    const repeatP50 = spread(blocks(samples[v], REPEATS).map((b) => distribution(b).p50));
    return { workflowType: types[v], latencyMs: distribution(samples[v]), repeatP50, historyMean: mean, historyEvents: mean.events };
  };
  const orchestra = await variant('orchestra');
  const raw = await variant('raw');
  ctx.log(`latency: orchestra p50 ${orchestra.latencyMs.p50} ms (repeats ${orchestra.repeatP50.values.join(', ')}) p95 ${orchestra.latencyMs.p95} ms · raw p50 ${raw.latencyMs.p50} ms (repeats ${raw.repeatP50.values.join(', ')}) p95 ${raw.latencyMs.p95} ms`);
  return {
    runs,
    warmup,
    activitiesPerRun: 3,
    orchestra,
    raw,
    ratioP50: round(raw.latencyMs.p50 / orchestra.latencyMs.p50, 3),
    ratioRepeats: spread(raw.repeatP50.values.map((r, i) => round(r / orchestra.repeatP50.values[i], 3))),
    samples: { orchestra: samples.orchestra.map((s) => round(s, 1)), raw: samples.raw.map((s) => round(s, 1)) },
  };
}
