/**
 * Per-task costs, from histories: Orchestra's `callTools` with three read-only `store.get_customer` calls against the
 * raw twin's `rawCallTools` (the same three `callTool` activities on a plain SDK worker), one run at a time,
 * interleaved. From each run's history (server clock, millisecond resolution): the worker's time in the first workflow
 * task (start → complete: the workflow created in its sandbox up to its first command), in each later workflow task,
 * and each activity's start → complete (for a store read: the stdio round trip, validation and the store itself, plus
 * the result's trip back through the server). The spreads are over runs: min / median / max.
 */
import { randomUUID } from 'node:crypto';
import type { BenchContext } from '../lib/context.js';
import { breakdown, type HistoryBreakdown } from '../lib/harness.js';
import { distribution, since, spread, type Distribution, type Spread } from '../lib/stats.js';

export const STORE_READS = Array.from({ length: 3 }, () => ({ server: 'store', tool: 'get_customer', args: { customer_id: 'cust-001' } }));

export interface TaskCosts {
  workflowType: string;
  wallMs: Distribution;
  historyEvents: number;
  workflowTasks: number;
  /** Per run: the first workflow task, the mean of the later ones, the mean activity (start → complete), ms. */
  firstWorkflowTaskMs: Spread;
  laterWorkflowTaskMs: Spread;
  activityMs: Spread;
  /** Per run: the mean time an activity waited to be picked up (schedule → start; 0 = eagerly dispatched). */
  activityQueueMs: Spread;
  /** Per run: workflow tasks waiting for the worker (schedule → start), summed. */
  workflowTaskQueueMs: Spread;
}

export interface TasksResult {
  runs: number;
  calls: number;
  orchestra: TaskCosts;
  raw: TaskCosts;
  /** Investigation: callTools with its tool calls on the `tools` capability queue (a deployment split by capability:
   * no eager activity dispatch). Older results files have `sameQueue` instead (the reverse investigation). */
  capabilityQueues?: TaskCosts;
}

export async function tasks(ctx: BenchContext): Promise<TasksResult> {
  const runs = ctx.counts?.runs ?? (ctx.quick ? 3 : 40);
  const warmup = ctx.quick ? 1 : 5;
  const input = { calls: STORE_READS };
  const variants = {
    orchestra: async () => (await ctx.orchestra.start('callTools', input, { taskQueue: ctx.worker.taskQueue })).workflowId,
    capabilityQueues: async () => (await ctx.orchestra.start('callTools', input, { taskQueue: ctx.worker.taskQueue, activityQueues: 'capability' })).workflowId,
    raw: async () => {
      const workflowId = `bench-tasks-raw-${randomUUID()}`;
      await ctx.client.workflow.start('rawCallTools', { taskQueue: ctx.twin.taskQueue, workflowId, args: [input] });
      return workflowId;
    },
  };
  type Variant = keyof typeof variants;
  const samples: Record<Variant, { wall: number[]; ids: string[] }> = { orchestra: { wall: [], ids: [] }, capabilityQueues: { wall: [], ids: [] }, raw: { wall: [], ids: [] } };
  for (let i = -warmup; i < runs; i++) {
    for (const v of i % 2 ? (['raw', 'capabilityQueues', 'orchestra'] as const) : (['orchestra', 'capabilityQueues', 'raw'] as const)) {
      const start = performance.now();
      const workflowId = await variants[v]();
      const result = await ctx.client.workflow.getHandle(workflowId).result() as { succeeded: number };
      const wall = since(start);
      if (result.succeeded !== STORE_READS.length) throw new Error(`${v}: ${result.succeeded} of ${STORE_READS.length} calls succeeded`);
      if (i < 0) continue;
      samples[v].wall.push(wall);
      samples[v].ids.push(workflowId);
    }
  }
  const costs = async (v: Variant): Promise<TaskCosts> => {
    const parts: HistoryBreakdown[] = await Promise.all(samples[v].ids.map(async (id) => breakdown((await ctx.client.workflow.getHandle(id).fetchHistory()).events ?? [])));
    return {
      workflowType: { orchestra: 'callTools', capabilityQueues: 'callTools', raw: 'rawCallTools' }[v],
      wallMs: distribution(samples[v].wall),
      historyEvents: parts[0].events,
      workflowTasks: parts[0].workflowTasks,
      firstWorkflowTaskMs: spread(parts.map((p) => p.firstWorkflowTaskRunMs)),
      laterWorkflowTaskMs: spread(parts.map((p) => p.laterWorkflowTaskRunMs)),
      activityMs: spread(parts.map((p) => p.activityRunMs / Math.max(1, p.activities))),
      activityQueueMs: spread(parts.map((p) => p.activityQueueMs / Math.max(1, p.activities))),
      workflowTaskQueueMs: spread(parts.map((p) => p.workflowTaskQueueMs)),
    };
  };
  const orchestra = await costs('orchestra');
  const raw = await costs('raw');
  const capabilityQueues = await costs('capabilityQueues');
  for (const [name, c] of [['orchestra', orchestra], ['tools on the capability queue', capabilityQueues], ['raw', raw]] as const) {
    ctx.log(`tasks ${name}: wall p50 ${c.wallMs.p50} ms, ${c.historyEvents} events, first workflow task ${c.firstWorkflowTaskMs.median} ms, later ${c.laterWorkflowTaskMs.median} ms, ` +
      `activity ${c.activityMs.median} ms (waits ${c.activityQueueMs.median} ms)`);
  }
  return { runs, calls: STORE_READS.length, orchestra, raw, capabilityQueues };
}
