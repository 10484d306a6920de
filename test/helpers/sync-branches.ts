/**
 * Plumbing shared by the syncBranches workflow tests: item builders, waiting on the sync point and the gates, and
 * reading a closed run's result or failure.
 */
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Orchestra } from '../../src/client/api.js';
import type { PendingApproval } from '../../src/schemas/approval.js';
import type { SyncBranchesInput, SyncBranchesResult } from '../../src/schemas/sync-branches.js';
import { DECIDE_UPDATE } from '../../src/shared/approval.js';
import { eventually } from './eventually.js';

export type Item = SyncBranchesInput['items'][number];
export const file = (id: string, p: string, sourceType: Item['sourceType'], extra: Partial<Item> = {}): Item => ({ id, from: 'file', path: p, sourceType, ...extra } as Item);
export const store = (id: string, sql: string, sourceType: Item['sourceType'], extra: Partial<Item> = {}): Item => ({ id, from: 'store', sql, sourceType, ...extra } as Item);
export const REVENUE = store('revenue', 'SELECT month, category, revenue FROM historical_data ORDER BY month, category', 'batch', { kind: 'aggregation', priority: 'high' });
export const GOOD = ['2024-06-11T13:48:26.265Z INFO  etl loaded batch=1 rows=10', '2024-06-11T13:48:27.265Z INFO  etl loaded batch=2 rows=12', '2024-06-11T13:48:28.265Z WARN  etl slow batch=3 rows=9'];

/** The failure a run ended with: its type and its first detail. */
export async function failureOf(result: Promise<unknown>): Promise<{ type: string; message: string; details: Record<string, unknown> }> {
  let failure: ApplicationFailure | undefined;
  await assert.rejects(result, (err: unknown) => {
    assert.ok(err instanceof WorkflowFailedError);
    assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
    failure = err.cause;
    return true;
  });
  return { type: failure!.type!, message: failure!.message, details: (failure!.details?.[0] ?? {}) as Record<string, unknown> };
}

/** Waits until the run asks a person, and returns what it asks. */
export async function pendingGate(orchestra: Orchestra, workflowId: string, subject: RegExp): Promise<PendingApproval> {
  return eventually(async () => {
    const progress = await orchestra.progress(workflowId);
    const pending = progress.details?.pendingApproval as PendingApproval | undefined;
    assert.ok(pending, `no gate pending yet: ${progress.step}`);
    assert.match(pending.subject, subject);
    return pending;
  }, { what: `a gate matching ${subject}` });
}

/**
 * The run's result once it has closed, without ever awaiting it while it runs: awaiting a result lets the time-skipping
 * server jump to the next timer (the grace period, the overall timeout) while branches still do real work, so the tests
 * move time themselves (`env.sleep`) exactly where a timer should fire.
 */
export async function closedResult(orchestra: Orchestra, workflowId: string): Promise<SyncBranchesResult> {
  await closed(orchestra, workflowId);
  return await orchestra.result(workflowId) as SyncBranchesResult;
}

export async function closed(orchestra: Orchestra, workflowId: string): Promise<void> {
  await eventually(async () => (await orchestra.handle(workflowId).describe()).status.name !== 'RUNNING', { what: `${workflowId} to close`, timeoutMs: 60_000 });
}

/** The history events of a run, by type name. */
export async function eventsOf(orchestra: Orchestra, workflowId: string) {
  const history = await orchestra.handle(workflowId).fetchHistory();
  return history.events ?? [];
}

/** Waits until the run's sync point reports `status` with `finished` branches done. */
export async function atSyncPoint(orchestra: Orchestra, workflowId: string, status: string, finished: number): Promise<void> {
  await eventually(async () => {
    const sync = (await orchestra.progress(workflowId)).details?.sync as { status: string; finished: string[] } | undefined;
    assert.deepEqual([sync?.status, sync?.finished.length], [status, finished]);
  }, { what: `the sync point to be ${status} with ${finished} branches done`, timeoutMs: 60_000 });
}

export const approve = (orchestra: Orchestra, workflowId: string, decision: 'approved' | 'denied' = 'approved') =>
  orchestra.handle(workflowId).executeUpdate(DECIDE_UPDATE, { args: [{ decision, approver: 'Grace Hopper' }] });

