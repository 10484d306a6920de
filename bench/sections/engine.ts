/**
 * 6. The declarative engine's interpretation overhead: `definitionRun` running a definition against the hand-written
 * Orchestra workflow for the same pattern, on the same worker and server, interleaved run by run:
 *
 * - pipeline: `sequentialPipeline` (detect language → sentiment → keywords, bench/workflows.ts) against a 3-step
 *   definition of the same three text activities;
 * - fan-out: `parallelAggregate` with 8 `sleep` tool calls of 100 ms (as section 3) against a definition's `parallel`
 *   step with the same 8 calls;
 * - saga: `orderSaga` against examples/order-saga.yaml, with the same order (section 2's input: 6 store calls).
 *
 * Each run is started through the plain client and awaited, one at a time; the client's preparation of the input (for
 * the saga, reading and checking the definition as `orchestra run` does) happens before the clock starts and is
 * reported apart. The figure is the ratio definition p50 / hand-written p50 (goal ≤ 1.1); for the fan-out also the
 * overhead (wall − the slowest branch's own sleep).
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { prepareDefinitionRun } from '../../src/client/definitions.js';
import { projectRoot } from '../../src/runtime/paths.js';
import type { BenchContext } from '../lib/context.js';
import { breakdown, ORCHESTRA_ROUTING_MEMO } from '../lib/harness.js';
import { distribution, round, since, type Distribution } from '../lib/stats.js';
import { fanOutInput } from './fanout.js';
import { PIPELINE_TEXT } from './latency.js';
import { sagaInput } from './throughput.js';

const BRANCHES = 8;
const BRANCH_MS = 100;

/** The 3-step pipeline as a definition: the same activities, arguments and result as `sequentialPipeline`. */
const PIPELINE_DEFINITION = {
  orchestra: 1,
  name: 'bench-pipeline',
  steps: {
    language: { call: 'detectLanguage', input: { text: '${ input.text }' }, output: '${ result.code }' },
    sentiment: { dependsOn: ['language'], call: 'analyzeSentiment', input: { text: '${ input.text }' }, output: '${ result.label }' },
    keywords: { dependsOn: ['sentiment'], call: 'extractKeywords', input: { text: '${ input.text }', limit: 5 }, output: '${ result.keywords.term }' },
  },
  output: { language: '${ steps.language }', sentiment: '${ steps.sentiment }', keywords: '${ steps.keywords }' },
};

/** The 8-branch fan-out as a definition: one `parallel` step, every branch the bench server's `sleep` tool. */
const FAN_OUT_DEFINITION = {
  orchestra: 1,
  name: 'bench-fan-out',
  steps: {
    fan: {
      parallel: {
        branches: Object.fromEntries(Array.from({ length: BRANCHES }, (_, i) => [`sleep_${i + 1}`, { call: 'bench.sleep', readOnly: true, input: { ms: BRANCH_MS } }])),
      },
    },
  },
  output: '${ steps.fan }',
};

export interface EngineVariant {
  workflowType: string;
  /** Start → result, one run at a time (the client's preparation of the input is not in it: see `prepareMs`). */
  wallMs: Distribution;
  /** The client's work before the start (the saga's definition: read, checked, input checked as `orchestra run` does). */
  prepareMs?: Distribution;
  /** Fan-out only: wall time minus the slowest branch's own sleep. */
  overheadMs?: Distribution;
  /** Means over up to 10 sampled runs' histories (server clock): events, workflow tasks, the worker's time in them. */
  historyEvents: number;
  workflowTasks: number;
  workflowTaskRunMs: number;
  activityRunMs: number;
}

export interface EnginePair {
  pattern: 'pipeline' | 'fan-out' | 'saga';
  runs: number;
  handWritten: EngineVariant;
  definition: EngineVariant;
  /** definition wall p50 / hand-written wall p50 (1 = the engine costs nothing; goal ≤ 1.1). */
  ratioP50: number;
  ratioP95: number;
}

export interface EngineResult {
  warmup: number;
  pairs: EnginePair[];
}

/** One side of a pair: what to start, its input (made before the clock starts), and what its result must show. */
interface Side {
  type: string;
  input(): unknown;
  /** Throws unless the run did what it should; returns the slowest branch's sleep for the fan-out. */
  check(result: unknown): number | undefined;
}

const completed = (what: string) => (result: unknown) => {
  const status = (result as { status?: string }).status;
  if (status !== 'completed') throw new Error(`${what} ended ${status}: ${JSON.stringify(result).slice(0, 300)}`);
  return undefined;
};

const slowest = (results: Record<string, { sleptMs: number }>) => {
  const slept = Object.values(results).map((r) => r.sleptMs);
  if (slept.length !== BRANCHES) throw new Error(`${slept.length} of ${BRANCHES} branches completed`);
  return Math.max(...slept);
};

const SAGA_DEFINITION_FILE = path.join(projectRoot, 'examples', 'order-saga.yaml');

const PAIRS: Array<{ pattern: EnginePair['pattern']; handWritten: Side; definition: Side }> = [
  {
    pattern: 'pipeline',
    handWritten: { type: 'sequentialPipeline', input: () => ({ text: PIPELINE_TEXT }), check: () => undefined },
    definition: { type: 'definitionRun', input: () => ({ definition: PIPELINE_DEFINITION, input: { text: PIPELINE_TEXT } }), check: completed('the pipeline definition') },
  },
  {
    pattern: 'fan-out',
    handWritten: {
      type: 'parallelAggregate',
      input: () => fanOutInput(BRANCHES, BRANCH_MS, BRANCHES),
      check: (result) => slowest((result as { results: Record<string, { sleptMs: number }> }).results),
    },
    definition: {
      type: 'definitionRun',
      input: () => ({ definition: FAN_OUT_DEFINITION, input: {} }),
      check: (result) => {
        completed('the fan-out definition')(result);
        return slowest((result as { output: Record<string, { sleptMs: number }> }).output);
      },
    },
  },
  {
    pattern: 'saga',
    handWritten: { type: 'orderSaga', input: () => sagaInput(`bench-engine-${randomUUID()}`), check: completed('orderSaga') },
    definition: {
      type: 'definitionRun',
      input: () => prepareDefinitionRun(SAGA_DEFINITION_FILE, sagaInput(`bench-engine-${randomUUID()}`)),
      check: completed('order-saga.yaml'),
    },
  },
];

export async function engine(ctx: BenchContext): Promise<EngineResult | { skipped: string }> {
  for (const type of ['definitionRun', 'parallelAggregate', 'orderSaga']) {
    if (!ctx.has(type)) return { skipped: `${type} is not in src/workflows` };
  }
  const runs = ctx.counts?.runs ?? (ctx.quick ? 3 : 20);
  const warmup = ctx.quick ? 1 : 5;
  const taskQueue = ctx.worker.taskQueue;

  const out: EnginePair[] = [];
  for (const pair of PAIRS) {
    const samples = {
      handWritten: { wall: [] as number[], prepare: [] as number[], slowest: [] as number[], ids: [] as string[] },
      definition: { wall: [] as number[], prepare: [] as number[], slowest: [] as number[], ids: [] as string[] },
    };
    for (let i = -warmup; i < runs; i++) {
      // Alternate which goes first, so neither always runs right after the other.
      for (const v of i % 2 ? (['definition', 'handWritten'] as const) : (['handWritten', 'definition'] as const)) {
        const side = pair[v];
        const p0 = performance.now();
        const input = side.input();
        const prepare = since(p0);
        // Both sides start through the plain client (`sequentialPipeline` is bench-only, not in Orchestra's catalog).
        const workflowId = `bench-engine-${side.type}-${randomUUID()}`;
        const t0 = performance.now();
        const handle = await ctx.client.workflow.start(side.type, { taskQueue, workflowId, args: [input], ...ORCHESTRA_ROUTING_MEMO });
        const result = await handle.result() as unknown;
        const wall = since(t0);
        const slowestMs = side.check(result);
        if (i < 0) continue;
        samples[v].wall.push(wall);
        samples[v].prepare.push(prepare);
        if (slowestMs !== undefined) samples[v].slowest.push(slowestMs);
        samples[v].ids.push(workflowId);
      }
    }
    const variant = async (v: 'handWritten' | 'definition'): Promise<EngineVariant> => {
      const s = samples[v];
      const sampled = s.ids.filter((_, i) => i % Math.max(1, Math.floor(s.ids.length / 10)) === 0);
      const parts = await Promise.all(sampled.map(async (id) => breakdown((await ctx.client.workflow.getHandle(id).fetchHistory()).events ?? [])));
      const mean = (k: 'events' | 'workflowTasks' | 'workflowTaskRunMs' | 'activityRunMs') => round(parts.reduce((sum, x) => sum + x[k], 0) / parts.length, 1);
      const prepareMs = distribution(s.prepare);
      return {
        workflowType: pair[v].type,
        wallMs: distribution(s.wall),
        ...(prepareMs.p50 >= 0.5 ? { prepareMs } : {}),
        ...(s.slowest.length ? { overheadMs: distribution(s.wall.map((w, i) => w - s.slowest[i])) } : {}),
        historyEvents: mean('events'),
        workflowTasks: mean('workflowTasks'),
        workflowTaskRunMs: mean('workflowTaskRunMs'),
        activityRunMs: mean('activityRunMs'),
      };
    };
    const handWritten = await variant('handWritten');
    const definition = await variant('definition');
    const result: EnginePair = {
      pattern: pair.pattern, runs, handWritten, definition,
      ratioP50: round(definition.wallMs.p50 / handWritten.wallMs.p50, 3),
      ratioP95: round(definition.wallMs.p95 / handWritten.wallMs.p95, 3),
    };
    ctx.log(`engine ${pair.pattern}: ${handWritten.workflowType} p50 ${handWritten.wallMs.p50} ms · definition p50 ${definition.wallMs.p50} ms · ratio ${result.ratioP50}` +
      ` · workflow-task time ${handWritten.workflowTaskRunMs} vs ${definition.workflowTaskRunMs} ms`);
    out.push(result);
  }
  return { warmup, pairs: out };
}
