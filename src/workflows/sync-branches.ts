/**
 * Multi-branch processing with sync points (seed 003 Part 1): analyse the batch → route the items to specialised
 * branches (child workflows) → sync point → quality-weighted merge → quality validator → integrate.
 *
 * The sync point applies the seed's policy (src/sync-branches/sync-point.ts): every branch done → merge; at least 75 %
 * done → merge once a grace period has passed (the stragglers are stopped and return what they finished); otherwise
 * wait, and past the overall timeout stop the branches and rebalance the work they did not finish over fresh branches.
 * The validator approves the merge, sends the items below the bar back through the branches (bounded), or fails. With
 * `gates`, a person approves before the sync point and before the validator (the seed's interrupt_before) through the
 * reusable approval gate. Branches are child workflows, so a run that resumes (a worker restart, a replay) gets their
 * results from history and never processes a finished branch again.
 */
import { condition, workflowInfo } from '@temporalio/workflow';
import type { ApprovalRecord } from '../schemas/approval.js';
import { toMs } from '../schemas/common.js';
import {
  SyncBranchesInput,
  type BranchReport,
  type PlannedItem,
  type SyncBranchesResult,
  type SyncPointReport,
} from '../schemas/sync-branches.js';
import { businessFailure } from '../shared/business-failure.js';
import { allocateBranches, analyseBatch, BRANCH_CAPABILITY, rebalance, type BatchAnalysis, type BranchPlan } from '../sync-branches/batch.js';
import { Ledger, type Merged } from '../sync-branches/ledger.js';
import { syncDecision, type SyncPolicy } from '../sync-branches/sync-point.js';
import { validateQuality, type Validation } from '../sync-branches/validator.js';
import { ApprovalGate } from './support/approval.js';
import { BranchSet } from './support/branch-set.js';
import { parseInput } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { callTool } from './support/tools.js';

const pct = (n: number) => `${Math.round(n * 100)}%`;

export async function syncBranches(raw: SyncBranchesInput): Promise<SyncBranchesResult> {
  const input = parseInput(SyncBranchesInput, raw);
  const progress = new ProgressReporter('syncBranches');
  const items: PlannedItem[] = input.items.map((item) => ({ ...item, size: item.size ?? input.maxRecords }));
  const analysis = analyseBatch(items, { capacity: input.capacity, maxBranches: input.maxBranches });
  const policy: SyncPolicy = { mergeRatio: input.sync.mergeRatio, graceMs: toMs(input.sync.gracePeriod)!, timeoutMs: toMs(input.sync.overallTimeout)! };
  const ledger = new Ledger(items.map((item) => item.id));
  const branches: BranchReport[] = [];
  const syncPoints: SyncPointReport[] = [];
  const approvals: ApprovalRecord[] = [];
  let rebalances = 0;
  progress.update({ step: `${analysis.mode} mode: ${items.length} items, ${analysis.maxBranches} branch(es) at a time`, details: { analysis } });

  /** The seed's interrupt_before: a person approves, or the run stops here. */
  async function gate(subject: string): Promise<void> {
    const outcome = await new ApprovalGate(progress).request(subject, { timeout: input.gates.timeout });
    if (outcome.status === 'approved') {
      approvals.push(outcome.record);
      return;
    }
    progress.update({ step: `${subject}: ${outcome.status === 'denied' ? 'denied' : 'no decision in time'}`, state: 'failed', outcome: outcome.status });
    if (outcome.status === 'denied') {
      throw businessFailure({ type: 'ApprovalDenied', message: `${subject}: denied by ${outcome.record.approver}`, details: [outcome.record] });
    }
    throw businessFailure({ type: 'ApprovalTimedOut', message: `${subject}: no decision by ${outcome.timedOutAt}` });
  }

  /** Records how a round's branches ended, and their results in the ledger. */
  function account(set: BranchSet, revision: number): void {
    for (const plan of set.plans) {
      const end = set.ends.get(plan.id) ?? { status: 'not_started' as const };
      const report: BranchReport = {
        branch: plan.id, lane: plan.lane, capability: BRANCH_CAPABILITY, revision, items: plan.items.map((item) => item.id), status: end.status,
      };
      if (end.status === 'completed' || end.status === 'stopped') {
        report.durationMs = end.result.durationMs;
        ledger.addBranch(plan.id, end.result.durationMs, end.result.processed);
      }
      if (end.status === 'failed') report.error = end.error;
      branches.push(report);
    }
  }

  /** One round: run the branches to the sync point, rebalancing on timeouts, until the sync point lets them merge. */
  async function toSyncPoint(plans: Array<BranchPlan<PlannedItem>>, revision: number): Promise<void> {
    let set = new BranchSet(plans, analysis.maxBranches, input.maxRecords);
    set.start();
    if (input.gates.beforeSync) await gate(`proceed to the sync point of ${describeRound(plans, revision)}`);
    let attempt = 0;
    let startedAt = Date.now();
    let thresholdReachedAt: number | undefined;
    for (;;) {
      const now = Date.now();
      const decision = syncDecision({ required: set.total, finished: set.finished, startedAt, now, thresholdReachedAt }, policy);
      if (decision.progress >= policy.mergeRatio) thresholdReachedAt ??= now;
      const finished = set.plans.filter((p) => set.ends.has(p.id)).map((p) => p.id);
      const point: SyncPointReport = {
        revision, attempt, progress: decision.progress, status: decision.status, action: decision.action, finished,
        remaining: set.plans.filter((p) => !set.ends.has(p.id)).map((p) => p.id), at: new Date(now).toISOString(),
      };
      const last = syncPoints.at(-1);
      if (!last || last.status !== point.status || last.progress !== point.progress || last.action !== point.action) syncPoints.push(point);
      progress.update({
        step: `sync point: ${finished.length} of ${set.total} branches done (${pct(decision.progress)}), ${decision.status} → ${decision.action}`,
        done: finished.length, total: set.total, details: { sync: point },
      });

      switch (decision.action) {
        case 'proceed_to_data_merge':
          await set.settled();
          account(set, revision);
          return;
        case 'conditional_proceed':
          await set.stop(`the sync point merged at ${pct(decision.progress)} after the grace period`);
          account(set, revision);
          return;
        case 'continue_waiting': {
          const seen = set.finished;
          await condition(() => set.finished > seen, decision.wakeAt! - now);
          break;
        }
        case 'timeout_recovery': {
          await set.stop('the sync point timed out: the work left is rebalanced');
          account(set, revision);
          const remaining = set.remainingItems();
          if (!remaining.length) return;
          if (rebalances >= input.sync.maxRebalances) {
            progress.update({ step: `the sync point timed out after ${rebalances} rebalance(s)`, state: 'failed', outcome: 'sync_timed_out' });
            throw businessFailure({
              type: 'SyncTimedOut',
              message: `the sync point timed out ${attempt + 1} time(s); ${remaining.length} item(s) unfinished after ${rebalances} rebalance(s): ${remaining.map((i) => i.id).join(', ')}`,
              details: [{ syncPoints, branches }],
            });
          }
          rebalances += 1;
          attempt += 1;
          const prefix = `${revision ? `rev${revision}-` : ''}rb${rebalances}-`;
          set = new BranchSet(rebalance(remaining, analysis.maxBranches, prefix), analysis.maxBranches, input.maxRecords);
          set.start();
          progress.update({ step: `rebalanced ${remaining.length} item(s) over ${set.total} branch(es)`, details: { rebalances } });
          startedAt = Date.now();
          thresholdReachedAt = undefined;
          break;
        }
      }
    }
  }

  let revision = 0;
  let plans = allocateBranches(items);
  let merged: Merged;
  let validation: Validation;
  for (;;) {
    await toSyncPoint(plans, revision);
    merged = ledger.merge();
    progress.update({ step: `merged ${merged.records.length} records, quality ${pct(merged.score.qualityScore)}`, details: { qualityScore: merged.score.qualityScore } });
    if (input.gates.beforeValidator) {
      await gate(`validate ${merged.records.length} merged records (quality ${pct(merged.score.qualityScore)}${revision ? `, revision ${revision}` : ''})`);
    }
    validation = validateQuality({ qualityScore: merged.score.qualityScore, records: merged.records.length, items: merged.items, revisions: revision }, input.quality);
    progress.update({ step: `quality validator: ${validation.verdict} — ${validation.reason}` });
    if (validation.verdict === 'quality_approved') break;
    if (validation.verdict === 'critical_failure') {
      progress.update({ step: validation.reason, state: 'failed', outcome: 'critical_failure' });
      throw businessFailure({ type: validation.failure!, message: validation.reason, details: [{ validation, merge: report(merged), branches, syncPoints, revisions: revision }] });
    }
    revision += 1;
    const again = new Set(validation.revise);
    plans = allocateBranches(items.filter((item) => again.has(item.id)), `rev${revision}-`);
  }

  const path = input.output ?? `sync/${workflowInfo().workflowId.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`;
  progress.update({ step: `integrating: writing ${merged.records.length} records to ${path}` });
  await writeOutput(path, merged);

  const summary = `${analysis.mode}: ${merged.records.length} records from ${merged.score.branches.length} branch(es), quality ${pct(merged.score.qualityScore)}`
    + `${revision ? ` after ${revision} revision(s)` : ''}${rebalances ? `, ${rebalances} rebalance(s)` : ''}`
    + `${merged.unmerged.length ? `; not merged: ${merged.unmerged.join(', ')}` : ''}`;
  progress.update({ step: summary, state: 'completed', outcome: 'quality_approved' });
  return {
    ...(input.title ? { title: input.title } : {}),
    outcome: 'quality_approved',
    analysis: analysisReport(analysis),
    branches,
    syncPoints,
    rebalances,
    revisions: revision,
    merge: report(merged),
    validation: { verdict: validation.verdict, reason: validation.reason, qualityScore: merged.score.qualityScore },
    items: items.map((item) => {
      const result = ledger.result(item.id);
      return {
        item: item.id, branch: result?.branch ?? '', records: result?.records.length ?? 0,
        ...(result?.quality !== undefined ? { quality: result.quality } : {}), ...(result?.error ? { error: result.error } : {}),
      };
    }),
    approvals,
    output: { path, records: merged.records.length },
    summary,
  };
}

function describeRound(plans: ReadonlyArray<BranchPlan<PlannedItem>>, revision: number): string {
  return `${plans.length} branch(es) (${plans.map((p) => p.id).join(', ')})${revision ? `, revision ${revision}` : ''}`;
}

function analysisReport(a: BatchAnalysis): SyncBranchesResult['analysis'] {
  return { ...a, sourceTypes: [...a.sourceTypes] };
}

function report(merged: Merged): SyncBranchesResult['merge'] {
  return {
    qualityScore: merged.score.qualityScore,
    totalWeight: merged.score.totalWeight,
    weights: merged.score.branches,
    sourceAttribution: Object.fromEntries(merged.score.branches.map((b) => [b.branch, b.share])),
    records: merged.records.length,
    unmerged: merged.unmerged,
  };
}

/** The final integrator: the merged records as JSON lines in the filesystem sandbox (writing the same file again is harmless). */
async function writeOutput(path: string, merged: Merged): Promise<void> {
  const directory = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  if (directory) await callTool({ server: 'filesystem', tool: 'create_directory', args: { path: directory } }, { summary: `filesystem.create_directory ${directory}` });
  const content = merged.records.map((record) => JSON.stringify(record)).join('\n') + (merged.records.length ? '\n' : '');
  await callTool({ server: 'filesystem', tool: 'write_file', args: { path, content } }, { summary: `filesystem.write_file ${path} (${merged.records.length} merged records)` });
}
