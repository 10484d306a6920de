/**
 * The branches of one `syncBranches` round as child workflows (`syncBranch`), at most `concurrency` at a time: counts
 * them as they finish, and stops the rest at the sync point (each returns what it finished and names what it did not
 * get to; a branch still waiting for its turn never starts).
 */
import { startChild, workflowInfo, type ChildWorkflowHandle } from '@temporalio/workflow';
import type { BranchResult, PlannedItem } from '../../schemas/sync-branches.js';
import { BRANCH_CAPABILITY, LANE_ROLES, type BranchPlan } from '../../sync-branches/batch.js';
import { syncBranch, stopBranchSignal } from '../sync-branch.js';
import { settleBounded } from './concurrency.js';
import { describeFailure } from './failures.js';

/** How a branch of the round ended. */
export type BranchEnd =
  | { status: 'completed' | 'stopped'; result: BranchResult }
  | { status: 'failed'; error: { type: string; message: string } }
  | { status: 'not_started' };

/**
 * The task queue of a capability. Capability queues do not exist yet: every branch runs on the parent's own queue, so
 * one worker serves both; when they land, this is the one place that routes `analysis` to its queue.
 */
export function branchTaskQueue(_capability: string): string {
  return workflowInfo().taskQueue;
}

export class BranchSet {
  readonly ends = new Map<string, BranchEnd>();
  private readonly running = new Map<string, ChildWorkflowHandle<typeof syncBranch>>();
  private done?: Promise<unknown>;
  private stopReason?: string;

  constructor(
    readonly plans: Array<BranchPlan<PlannedItem>>,
    private readonly concurrency: number,
    private readonly maxRecords: number,
  ) {}

  start(): void {
    this.done = settleBounded(this.plans, this.concurrency, (plan) => this.run(plan));
  }

  get total(): number {
    return this.plans.length;
  }

  /** Branches that have ended (completed, stopped, failed or never started). */
  get finished(): number {
    return this.ends.size;
  }

  /** Waits for every branch to end. */
  async settled(): Promise<void> {
    await this.done;
  }

  /** Stops what is still running or waiting, then waits for every branch to end. */
  async stop(reason: string): Promise<void> {
    this.stopReason ??= reason;
    await Promise.all([...this.running.values()].map((handle) => this.signalStop(handle)));
    await this.done;
  }

  /** The items no branch of the round finished: stopped before them, or never started. */
  remainingItems(): PlannedItem[] {
    return this.plans.flatMap((plan) => {
      const end = this.ends.get(plan.id);
      if (end?.status === 'not_started') return plan.items;
      if (end?.status === 'stopped' || end?.status === 'completed') return plan.items.filter((item) => end.result.remaining.includes(item.id));
      return [];
    });
  }

  private async run(plan: BranchPlan<PlannedItem>): Promise<void> {
    if (this.stopReason !== undefined) {
      this.ends.set(plan.id, { status: 'not_started' });
      return;
    }
    try {
      const handle = await startChild(syncBranch, {
        workflowId: `${workflowInfo().workflowId}-${plan.id}`,
        taskQueue: branchTaskQueue(BRANCH_CAPABILITY),
        args: [{ branch: plan.id, lane: plan.lane, capability: BRANCH_CAPABILITY, items: plan.items, maxRecords: this.maxRecords }],
        staticSummary: `Branch ${plan.id} — ${LANE_ROLES[plan.lane]}: ${plan.items.map((item) => item.id).join(', ')} (capability ${BRANCH_CAPABILITY})`,
      });
      this.running.set(plan.id, handle);
      if (this.stopReason !== undefined) await this.signalStop(handle);
      const result = await handle.result();
      this.ends.set(plan.id, { status: result.remaining.length ? 'stopped' : 'completed', result });
    } catch (err) {
      const { type, message } = describeFailure(err);
      this.ends.set(plan.id, { status: 'failed', error: { type, message } });
    } finally {
      this.running.delete(plan.id);
    }
  }

  private async signalStop(handle: ChildWorkflowHandle<typeof syncBranch>): Promise<void> {
    // A branch that finished meanwhile cannot take the signal: its result is complete anyway.
    await handle.signal(stopBranchSignal, this.stopReason ?? 'stopped').catch(() => undefined);
  }
}
