/**
 * 2. Throughput: orderSaga (five store calls through the MCP store server) completed per second with N concurrent
 * starters, each starting a saga and waiting for its result, again and again, for a fixed time. Orchestra's orderSaga
 * started through Orchestra's client, and the raw-SDK saga (bench/raw-workflows.ts) through the plain client.
 * Rate = sagas completed inside the measured window / the window. The window opens after a warm-up (its time, and one
 * saga per starter) and lasts `secondsPerPoint`, or twice the warm-up's median latency when that is longer.
 */
import { randomUUID } from 'node:crypto';
import type { BenchContext } from '../lib/context.js';
import { benchCpu } from '../lib/harness.js';
import { cpuShare } from '../lib/machine.js';
import { distribution, median, round, spread, type Distribution, type Spread } from '../lib/stats.js';
import { REPEATS } from './latency.js';

/** A point that never gets steady (every saga failing, say) stops after this long. */
const MAX_POINT_MS = 120_000;

export interface LoadPoint {
  concurrency: number;
  /** Sagas that completed inside the measured window, and the window's length. */
  completed: number;
  windowSeconds: number;
  /** The median over the point's repeats (each its own window). */
  perSecond: number;
  /** Sagas/s of each repeat: min / median / max (one value where the point ran once). */
  repeats: Spread;
  /** Every saga of the run (warm-up included): start → result. */
  latencyMs: Distribution;
  /** The samples behind latencyMs (dropped from the results file). */
  latencies?: number[];
  /** Sagas that did not complete (failed, or ended compensated), with the first error. */
  failures: number;
  firstError?: string;
  /** Where the CPU went during the point (% of one core per process; the machine has 2). */
  cpu: ReturnType<typeof cpuShare>;
}

export interface ThroughputResult {
  workflowTypes: { orchestra: string; raw: string };
  secondsPerPoint: number;
  warmupSeconds: number;
  points: Array<{ concurrency: number; orchestra: LoadPoint; raw: LoadPoint; ratio: number }>;
}

/** One saga's input: a fresh order for a seeded customer, one item, a valid US address. */
export function sagaInput(orderId: string) {
  return {
    orderId,
    customer: { id: 'cust-001', name: 'Acme Corporation', email: 'billing@acme.example' },
    items: [{ sku: 'CABLE-004', quantity: 1 }],
    shippingAddress: { name: 'Acme Receiving', street: '1 Main Street', city: 'Springfield', postalCode: '62701', country: 'US' },
  };
}

export async function throughput(ctx: BenchContext): Promise<ThroughputResult | { skipped: string }> {
  if (!ctx.has('orderSaga')) return { skipped: 'orderSaga has not landed in src/workflows yet' };
  if (!ctx.has('rawOrderSaga')) return { skipped: 'rawOrderSaga is missing from bench/raw-workflows.ts' };
  const sweep = ctx.counts?.sweep ?? (ctx.quick ? [1, 8] : [1, 2, 4, 8, 16, 32, 64, 128]);
  /** The headline points run REPEATS times (alternating variants each time); the rest of the curve once. */
  const headline = new Set([1, 8, 32, 128]);
  const seconds = ctx.counts?.seconds ?? (ctx.quick ? 1.5 : 5);
  const warmupSeconds = ctx.quick ? 0.3 : 1;
  const taskQueue = ctx.worker.taskQueue;

  const orchestraSaga = async (orderId: string) => {
    const run = await ctx.orchestra.start('orderSaga' as never, sagaInput(orderId) as never, { taskQueue });
    return ctx.client.workflow.getHandle(run.workflowId).result() as Promise<{ status: string }>;
  };
  const rawSaga = async (orderId: string) => {
    const handle = await ctx.client.workflow.start('rawOrderSaga', { taskQueue: ctx.twin.taskQueue, workflowId: `raw-order-saga-${orderId}`, args: [sagaInput(orderId)] });
    return handle.result() as Promise<{ status: string }>;
  };

  const load = async (concurrency: number, saga: (orderId: string) => Promise<{ status: string }>, tag: string): Promise<LoadPoint> => {
    const cpuBefore = benchCpu();
    const t0 = performance.now();
    // The window opens once the loop is steady (the warm-up time has passed and as many sagas as there are starters
    // have finished) and lasts at least `seconds`, or twice the warm-up's median latency when sagas take longer: a
    // window shorter than one saga would count none of them and read as 0/s.
    let windowStart: number | undefined;
    let deadline = Infinity;
    let windowSeconds = seconds;
    const warmupLatencies: number[] = [];
    const latencies: number[] = [];
    let completed = 0;
    let failures = 0;
    let firstError: string | undefined;
    const finished = (start: number, end: number) => {
      if (windowStart === undefined) {
        warmupLatencies.push(end - start);
        if (end - t0 >= warmupSeconds * 1000 && warmupLatencies.length >= concurrency) {
          windowStart = end;
          windowSeconds = Math.max(seconds, round((2 * median(warmupLatencies)) / 1000, 1));
          deadline = end + windowSeconds * 1000;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, async (_, starter) => {
      let i = 0;
      while (performance.now() < deadline && performance.now() - t0 < MAX_POINT_MS) {
        const orderId = `bench-${tag}-${concurrency}-${starter}-${i++}-${randomUUID().slice(0, 8)}`;
        const start = performance.now();
        try {
          const result = await saga(orderId);
          if (result.status !== 'completed') throw new Error(`saga ended ${result.status}: ${JSON.stringify(result).slice(0, 300)}`);
          const end = performance.now();
          latencies.push(end - start);
          if (windowStart !== undefined && end > windowStart && end <= deadline) completed += 1;
          finished(start, end);
        } catch (err) {
          failures += 1;
          firstError ??= (err as Error).stack ?? String(err);
          finished(start, performance.now());
        }
      }
    }));
    return {
      concurrency,
      completed,
      windowSeconds,
      perSecond: round(completed / windowSeconds, 2),
      repeats: spread([completed / windowSeconds]),
      latencyMs: distribution(latencies),
      latencies,
      failures,
      firstError,
      cpu: cpuShare(cpuBefore, benchCpu()),
    };
  };

  const points: ThroughputResult['points'] = [];
  for (const [index, concurrency] of sweep.entries()) {
    // Alternate which variant goes first at each point, so slow drift of the machine does not favour one.
    const runs: Record<'orchestra' | 'raw', LoadPoint[]> = { orchestra: [], raw: [] };
    const repeats = ctx.quick || !headline.has(concurrency) ? 1 : ctx.counts?.repeats ?? REPEATS;
    for (let r = 0; r < repeats; r++) {
      for (const variant of (index + r) % 2 ? (['raw', 'orchestra'] as const) : (['orchestra', 'raw'] as const)) {
        runs[variant].push(await load(concurrency, variant === 'orchestra' ? orchestraSaga : rawSaga, variant));
      }
    }
    const out = { orchestra: merge(runs.orchestra), raw: merge(runs.raw) };
    const ratio = round(out.raw!.perSecond ? out.orchestra!.perSecond / out.raw!.perSecond : NaN, 3);
    points.push({ concurrency, orchestra: out.orchestra!, raw: out.raw!, ratio });
    ctx.log(`throughput N=${concurrency}: orchestra ${out.orchestra!.perSecond}/s (p50 ${out.orchestra!.latencyMs.p50} ms) · raw ${out.raw!.perSecond}/s (p50 ${out.raw!.latencyMs.p50} ms)` +
      `${out.orchestra!.failures + out.raw!.failures ? ` · failures ${out.orchestra!.failures}/${out.raw!.failures}: ${out.orchestra!.firstError ?? out.raw!.firstError}` : ''}`);
  }
  return { workflowTypes: { orchestra: 'orderSaga', raw: 'rawOrderSaga' }, secondsPerPoint: seconds, warmupSeconds, points };
}

/** One point from its repeats: the median rate, every saga's latency, all failures; the CPU split of the first. */
function merge(points: LoadPoint[]): LoadPoint {
  const rates = points.map((p) => p.completed / p.windowSeconds);
  return {
    ...points[0],
    completed: points.reduce((sum, p) => sum + p.completed, 0),
    windowSeconds: points.reduce((sum, p) => sum + p.windowSeconds, 0),
    perSecond: round(median(rates), 2),
    repeats: spread(rates),
    latencyMs: distribution(points.flatMap((p) => p.latencies ?? [])),
    latencies: undefined,
    failures: points.reduce((sum, p) => sum + p.failures, 0),
    firstError: points.find((p) => p.firstError)?.firstError,
  };
}
