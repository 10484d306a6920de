import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { Orchestra } from '../client/api.js';
import type { DemoActions, DemoRun } from './runs.js';

export interface DemoOutcome {
  title: string;
  workflowType: string;
  workflowId: string;
  /** CANCELLED only for a run meant to end cancelled (`endsCancelled`); any other cancellation is FAILED. */
  status: 'COMPLETED' | 'CANCELLED' | 'FAILED';
  url?: string;
  result?: unknown;
  error?: string;
}

/** Runs every demo concurrently against a live worker and reports each run's final status and Web UI link. */
export async function runDemos(orchestra: Orchestra, runs: DemoRun[]): Promise<DemoOutcome[]> {
  return Promise.all(runs.map(async (demo): Promise<DemoOutcome> => {
    const base = { title: demo.title, workflowType: demo.type, workflowId: demo.workflowId, url: orchestra.url(demo.workflowId) };
    try {
      await orchestra.start(demo.type, demo.input as never, { workflowId: demo.workflowId });
      await demo.interact?.(actions(orchestra, demo.workflowId));
      const result = await orchestra.result(demo.workflowId);
      return { ...base, status: 'COMPLETED', result };
    } catch (err) {
      if (demo.endsCancelled && err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure) return { ...base, status: 'CANCELLED' };
      return { ...base, status: 'FAILED', error: describeError(err) };
    }
  }));
}

function actions(orchestra: Orchestra, workflowId: string): DemoActions {
  return {
    workflowId,
    update: (name, args) => orchestra.update(workflowId, name, args),
    signal: (name, args) => orchestra.signal(workflowId, name, args),
    cancel: () => orchestra.cancel(workflowId),
    async waitForStep(predicate) {
      for (let attempt = 0; attempt < 300; attempt++) {
        const progress = await orchestra.progress(workflowId).catch(() => undefined);
        if (progress && predicate(progress.step)) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`${workflowId} never reached the expected step`);
    },
  };
}

/** A failure's type, message and causes on one line. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  while (current instanceof Error && parts.length < 6) {
    const type = (current as { type?: string }).type;
    parts.push(`${type ?? current.name}: ${current.message}`);
    current = current.cause;
  }
  return parts.length ? parts.join(' ← ') : String(err);
}

export function printOutcomes(outcomes: DemoOutcome[], write: (line: string) => void = console.log): void {
  for (const o of outcomes) {
    write(`${o.status === 'FAILED' ? '✘' : '✔'} ${o.title}`);
    write(`    workflow id  ${o.workflowId}`);
    write(`    status       ${o.status}${o.error ? ` — ${o.error}` : ''}`);
    const outcome = describeOutcome(o.result);
    if (outcome) write(`    outcome      ${outcome}`);
    if (o.url) write(`    Web UI       ${o.url}`);
  }
}

/** The pattern's own verdict from a result, where it states one (`compensated`, `partial`, `APPROVED: …`, …). */
function describeOutcome(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as Record<string, unknown>;
  const parts = [r.status, r.stopReason, r.route, r.priority, r.escalated === true ? 'escalated' : undefined, r.summary,
    r.result, typeof r.generator === 'string' ? `written by: ${r.generator}` : undefined]
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .map((v) => (v.length > 100 ? `${v.slice(0, 99)}…` : v));
  return parts.length ? [...new Set(parts)].join(' · ') : undefined;
}
