/**
 * Investigations behind the goals: what changes when the same steps run as local activities (in the worker, inside
 * the workflow task, with no activity task round trip through the server). Not product figures: bench-only variants.
 *
 *  - latency: sequentialPipeline (remote activities) vs sequentialPipelineLocal, interleaved;
 *  - saga throughput: rawOrderSaga vs rawOrderSagaLocal at a few concurrencies (on the raw twin's worker).
 */
import { randomUUID } from 'node:crypto';
import type { BenchContext } from '../lib/context.js';
import { benchCpu, breakdown, type HistoryBreakdown } from '../lib/harness.js';
import { cpuShare } from '../lib/machine.js';
import { distribution, round, since, type Distribution } from '../lib/stats.js';
import { sagaInput } from './throughput.js';

const TEXT = 'Our June invoice was charged twice. Please refund the duplicate payment and confirm the July invoice is right.';

export interface TuningResult {
  localLatency: {
    runs: number;
    remote: { latencyMs: Distribution; history: HistoryBreakdown };
    local: { latencyMs: Distribution; history: HistoryBreakdown };
  };
  localSaga: Array<{
    concurrency: number;
    remote: { perSecond: number; latencyMs: Distribution; events: number; cpu: ReturnType<typeof cpuShare> };
    local: { perSecond: number; latencyMs: Distribution; events: number; cpu: ReturnType<typeof cpuShare> };
  }>;
  secondsPerPoint: number;
}

export async function tuning(ctx: BenchContext): Promise<TuningResult> {
  const taskQueue = ctx.worker.taskQueue;
  const runs = ctx.counts?.runs ?? (ctx.quick ? 3 : 100);
  const samples = { remote: [] as number[], local: [] as number[] };
  const lastId = { remote: '', local: '' };
  const types = { remote: 'sequentialPipeline', local: 'sequentialPipelineLocal' } as const;
  for (let i = -5; i < runs; i++) {
    for (const v of i % 2 ? (['local', 'remote'] as const) : (['remote', 'local'] as const)) {
      const workflowId = `bench-tuning-${v}-${randomUUID()}`;
      const start = performance.now();
      await ctx.client.workflow.execute(types[v], { taskQueue, workflowId, args: [{ text: TEXT }] });
      if (i < 0) continue;
      samples[v].push(since(start));
      lastId[v] = workflowId;
    }
  }
  const history = async (id: string) => breakdown((await ctx.client.workflow.getHandle(id).fetchHistory()).events ?? []);
  const localLatency = {
    runs,
    remote: { latencyMs: distribution(samples.remote), history: await history(lastId.remote) },
    local: { latencyMs: distribution(samples.local), history: await history(lastId.local) },
  };
  ctx.log(`tuning: 3-step pipeline p50 remote ${localLatency.remote.latencyMs.p50} ms · local activities ${localLatency.local.latencyMs.p50} ms`);

  const seconds = ctx.counts?.seconds ?? (ctx.quick ? 1 : 6);
  const localSaga: TuningResult['localSaga'] = [];
  for (const concurrency of ctx.counts?.localSweep ?? (ctx.quick ? [4] : [8, 32])) {
    const point: Partial<TuningResult['localSaga'][number]> = { concurrency };
    for (const v of ['remote', 'local'] as const) {
      const type = v === 'remote' ? 'rawOrderSaga' : 'rawOrderSagaLocal';
      const cpuBefore = benchCpu();
      const t0 = performance.now();
      const latencies: number[] = [];
      let id = '';
      await Promise.all(Array.from({ length: concurrency }, async (_, k) => {
        for (let i = 0; performance.now() - t0 < seconds * 1000; i++) {
          const orderId = `tuning-${v}-${concurrency}-${k}-${i}-${randomUUID().slice(0, 8)}`;
          const start = performance.now();
          const result = await ctx.client.workflow.execute(type, { taskQueue: ctx.twin.taskQueue, workflowId: `${type}-${orderId}`, args: [sagaInput(orderId)] }) as { status: string };
          if (result.status !== 'completed') throw new Error(`${type} ended ${result.status}`);
          latencies.push(since(start));
          id = `${type}-${orderId}`;
        }
      }));
      const elapsed = since(t0) / 1000;
      point[v] = {
        perSecond: round(latencies.length / elapsed, 2),
        latencyMs: distribution(latencies),
        events: (await history(id)).events,
        cpu: cpuShare(cpuBefore, benchCpu()),
      };
    }
    localSaga.push(point as TuningResult['localSaga'][number]);
    ctx.log(`tuning: raw saga N=${concurrency}: remote ${point.remote!.perSecond}/s · local activities ${point.local!.perSecond}/s`);
  }
  return { localLatency, localSaga, secondsPerPoint: seconds };
}
