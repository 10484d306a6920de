/**
 * `orchestra stats`: how runs went — counts by execution status and business outcome (from visibility), and latency
 * p50/p95/max per workflow type (start to close) and per step (from the closed runs' histories, via their timelines).
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { TimelineStep } from './timeline.js';

export interface Latency {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function latency(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: sorted[sorted.length - 1] };
}

/**
 * The name steps are grouped under across runs: a tool call's `server.tool` (its summary's head, without the
 * per-run phrase), otherwise the activity type; timers, children and updates by their kind.
 */
export function stepKey(step: TimelineStep): string {
  if (step.kind !== 'activity') return step.kind === 'update' ? step.step : step.kind;
  if (step.activity === 'callTool') return step.step.split(/\s/)[0] || 'callTool';
  return step.activity ?? step.step;
}

export interface RunStats {
  runs: number;
  byStatus: Record<string, number>;
  byOutcome: Record<string, number>;
  /** Closed runs' start-to-close latency per workflow type. */
  workflows: Record<string, Latency>;
  /** Finished steps' latency (scheduled to ended, retries included) per workflow type and step. */
  steps: Record<string, Record<string, Latency>>;
  /** How many histories the step figures come from. */
  historiesRead: number;
}

const countBy = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

function group<T>(items: T[], key: (item: T) => string, value: (item: T) => number | undefined): Record<string, Latency> {
  const groups = new Map<string, number[]>();
  for (const item of items) {
    const v = value(item);
    if (v === undefined) continue;
    groups.set(key(item), [...(groups.get(key(item)) ?? []), v]);
  }
  return Object.fromEntries([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, vs]) => [k, latency(vs)]));
}

export function runStats(
  runs: Array<Pick<WorkflowExecutionInfo, 'type' | 'status' | 'startTime' | 'closeTime'> & { outcome?: string }>,
  timelines: Array<{ type: string; steps: TimelineStep[] }>,
): RunStats {
  const steps: Record<string, Record<string, Latency>> = {};
  for (const type of [...new Set(timelines.map((t) => t.type))].sort()) {
    const all = timelines.filter((t) => t.type === type).flatMap((t) => t.steps);
    steps[type] = group(all, stepKey, (s) => s.durationMs);
  }
  return {
    runs: runs.length,
    byStatus: countBy(runs.map((r) => r.status.name)),
    byOutcome: countBy(runs.flatMap((r) => (r.outcome ? [r.outcome] : []))),
    workflows: group(runs, (r) => r.type, (r) => (r.closeTime ? r.closeTime.getTime() - r.startTime.getTime() : undefined)),
    steps,
    historiesRead: timelines.length,
  };
}
