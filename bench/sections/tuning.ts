/**
 * Investigations behind the goals: what changes when the same steps run as local activities (in the worker, inside
 * the workflow task, with no activity task round trip through the server). Not product figures: bench-only variants.
 *
 *  - latency: sequentialPipeline (remote activities) vs sequentialPipelineLocal, interleaved;
 *  - saga throughput: rawOrderSaga (its catalogue lookup local, as orderSaga's) vs rawOrderSagaLocal (every store call
 *    local) at a few concurrencies (on the raw twin's worker);
 *  - eager workflow start: the raw 3-step pipeline started by a client on the worker's own connection, in the worker's
 *    process, with and without `requestEagerStart` (the server hands the first workflow task back in the start response).
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { analyzeSentiment, detectLanguage, extractKeywords } from '../../src/text/index.js';
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
  eagerStart: {
    runs: number;
    /** How many of the eager requests the server did start eagerly. */
    eagerlyStarted: number;
    plain: { latencyMs: Distribution; history: HistoryBreakdown };
    eager: { latencyMs: Distribution; history: HistoryBreakdown };
  };
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
  const eagerStart = await eagerWorkflowStart(ctx, runs);
  ctx.log(`tuning: eager workflow start p50 ${eagerStart.eager.latencyMs.p50} ms (${eagerStart.eagerlyStarted}/${runs} started eagerly) · plain start ${eagerStart.plain.latencyMs.p50} ms`);
  return { localLatency, localSaga, secondsPerPoint: seconds, eagerStart };
}

/**
 * Eager workflow start needs the client and a worker of the run's task queue in one process, on one connection (the
 * server returns the first workflow task to that worker in the start response): a plain SDK worker with the twin's
 * bundle and text activities in the bench's own process, and a client on its NativeConnection.
 */
async function eagerWorkflowStart(ctx: BenchContext, runs: number): Promise<TuningResult['eagerStart']> {
  const namespace = ctx.env.namespace ?? 'default';
  const connection = await NativeConnection.connect({ address: ctx.env.address });
  const taskQueue = `bench-eager-${randomUUID()}`;
  const worker = await Worker.create({
    connection, namespace, taskQueue, workflowBundle: { codePath: ctx.twinBundlePath },
    activities: {
      detectLanguage: async (input: { text: string }) => detectLanguage(input.text),
      analyzeSentiment: async (input: { text: string }) => analyzeSentiment(input.text),
      extractKeywords: async (input: { text: string; limit?: number }) => extractKeywords(input.text, { limit: input.limit }),
    },
  });
  const client = new Client({ connection, namespace });
  const samples = { plain: [] as number[], eager: [] as number[] };
  const lastId = { plain: '', eager: '' };
  let eagerlyStarted = 0;
  try {
    await worker.runUntil(async () => {
      for (let i = -5; i < runs; i++) {
        for (const v of i % 2 ? (['eager', 'plain'] as const) : (['plain', 'eager'] as const)) {
          const workflowId = `bench-eager-${v}-${randomUUID()}`;
          const start = performance.now();
          const handle = await client.workflow.start('sequentialPipelineRaw', { taskQueue, workflowId, args: [{ text: TEXT }], requestEagerStart: v === 'eager' });
          await handle.result();
          if (i < 0) continue;
          samples[v].push(since(start));
          lastId[v] = workflowId;
          if (v === 'eager' && handle.eagerlyStarted) eagerlyStarted += 1;
        }
      }
    });
    const history = async (id: string) => breakdown((await ctx.client.workflow.getHandle(id).fetchHistory()).events ?? []);
    return {
      runs, eagerlyStarted,
      plain: { latencyMs: distribution(samples.plain), history: await history(lastId.plain) },
      eager: { latencyMs: distribution(samples.eager), history: await history(lastId.eager) },
    };
  } finally {
    await connection.close();
  }
}
