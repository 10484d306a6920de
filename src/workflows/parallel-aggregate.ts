/**
 * Parallel fan-out with result aggregation (seed 000 pattern 1, seed 001 §2, seed 002's parallel step).
 *
 * Every branch (an MCP tool call or a text analysis) runs as its own activity with its own timeout and retry policy,
 * at most `maxConcurrency` at a time. Each settles on its own — completed, failed, timed out or cancelled — so one slow
 * or failing branch never blocks or discards the others' results (the seeds' LangGraph version loses the whole superstep
 * on one failure). The aggregate then says what completed against the tolerance (seed 002's
 * parallel_failure_threshold); below it the run fails with a non-retryable `ToleranceNotMet` carrying the aggregate.
 *
 * A fan-out larger than one workflow should hold is split into child workflows (`parallelAggregatePartition`) of at
 * most PARTITION_SIZE branches each, sharing the concurrency limit; their aggregates are merged, so the caller sees one
 * fan-out either way.
 */
import {
  CancellationScope,
  CancelledFailure,
  defineSignal,
  defineUpdate,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { Duration, RetryPolicy } from '@temporalio/common';
import {
  branchId,
  PARTITION_SIZE,
  ParallelAggregateInput,
  PartitionInput,
  requiredSuccesses,
  StopRequest,
  type AggregateStatus,
  type BranchOutcome,
  type BranchRetry,
  type BranchStatus,
  type NamedBranch,
  type ParallelAggregateResult,
  type PartitionResult,
} from '../schemas/parallel-aggregate.js';
import { describeToolCall } from '../shared/tool-call.js';
import { retryPolicyFor } from '../shared/tool-retry.js';
import { validate } from '../shared/validation.js';
import { settleBounded } from './support/concurrency.js';
import { describeFailure } from './support/failures.js';
import { parseInput, rejectedUpdate } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { analyzeText } from './support/text-analysis.js';
import { callTool, stepKey } from './support/tools.js';
import { businessFailure } from '../shared/business-failure.js';

/** Counts at the moment a stop was asked for. */
export interface StopAnswer {
  completed: number;
  failed: number;
  timedOut: number;
  cancelled: number;
  pending: number;
}

/** A person stops the fan-out: branches still waiting or running are cancelled, the rest is aggregated. */
export const stopUpdate = defineUpdate<StopAnswer, [request: StopRequest]>('stop');
/** The parent tells its partitions to stop (the outcome is decided, or a person stopped it). */
export const stopPartitionSignal = defineSignal<[reason: string]>('stopPartition');

export async function parallelAggregate(raw: ParallelAggregateInput): Promise<ParallelAggregateResult> {
  const input = parseInput(ParallelAggregateInput, raw);
  const branches: NamedBranch[] = input.branches.map((branch, index) => ({ ...branch, id: branchId(branch, index) }));
  const progress = new ProgressReporter('parallelAggregate');
  const tolerance = new Tolerance(branches.length, requiredSuccesses(input, branches.length));
  const startedAt = Date.now();

  const partitioned = branches.length > PARTITION_SIZE;
  const fanOut: Stoppable & { run(): Promise<Settled> } = partitioned
    ? new PartitionedFanOut(branches, input, startedAt, onSettled)
    : new FanOut(branches, input, startedAt, onSettled);
  const running = partitioned
    ? `running ${branches.length} branches in ${fanOut.partitions} child workflows`
    : `running ${branches.length} branches, ${input.maxConcurrency} at a time`;

  function onSettled(outcome: BranchOutcome): void {
    tolerance.add(outcome.status);
    progress.update({ step: running, done: tolerance.settled, total: tolerance.total, details: tolerance.counts() });
    if (input.cancelWhenDecided && tolerance.decided && tolerance.settled < tolerance.total) {
      fanOut.stop(tolerance.met
        ? `the tolerance was met (${tolerance.completed} of ${tolerance.required} needed completed)`
        : `the tolerance can no longer be met (${tolerance.required} needed, at most ${tolerance.reachable} possible)`);
    }
  }

  let finished = false;
  setHandler(stopUpdate, (request) => {
    const { reason } = StopRequest.parse(request);
    fanOut.stop(`stopped by a person${reason ? `: ${reason}` : ''}`);
    return { ...tolerance.counts(), pending: tolerance.total - tolerance.settled };
  }, {
    validator: (request) => {
      if (finished) throw rejectedUpdate('the fan-out has already finished');
      const parsed = validate(StopRequest, request);
      if (!parsed.ok) throw rejectedUpdate(parsed.message);
    },
  });

  progress.update({ step: running, done: 0, total: branches.length, details: { ...tolerance.counts(), partitions: fanOut.partitions } });
  const settled = await fanOut.run();
  finished = true;

  const aggregate = aggregateOf(settled, {
    title: input.title,
    required: tolerance.required,
    startedAt,
    partitions: fanOut.partitions,
  });
  if (CancellationScope.current().consideredCancelled) {
    // A cancelled run carries no result: the branches that completed stay readable through the progress query.
    progress.update({ step: 'cancelled', state: 'failed', outcome: 'cancelled', details: { aggregate } });
    throw new CancelledFailure('the fan-out was cancelled');
  }
  if (aggregate.status === 'failed') {
    progress.update({ step: aggregate.summary, state: 'failed', outcome: aggregate.status });
    throw businessFailure({ type: 'ToleranceNotMet', message: aggregate.summary, details: [aggregate] });
  }
  progress.update({ step: aggregate.summary, state: 'completed', outcome: aggregate.status });
  return aggregate;
}

/**
 * One partition of a large fan-out, started by `parallelAggregate` as a child workflow: runs its branches and returns
 * their outcomes (the tolerance is the parent's). The parent's `stopPartition` signal cancels what is still running.
 */
export async function parallelAggregatePartition(raw: PartitionInput): Promise<PartitionResult> {
  const input = parseInput(PartitionInput, raw);
  const progress = new ProgressReporter('parallelAggregatePartition');
  const startedAtMs = Date.now();
  const total = input.branches.length;
  let done = 0;
  const step = `running ${total} branches, ${input.maxConcurrency} at a time`;
  const fanOut = new FanOut(input.branches, input, startedAtMs, () => {
    done += 1;
    progress.update({ step, done, total });
  });
  setHandler(stopPartitionSignal, (reason) => fanOut.stop(reason));
  progress.update({ step, done, total });
  const { branches, results } = await fanOut.run();
  progress.update({ step: `${branches.filter((b) => b.status === 'completed').length} of ${total} branches completed`, state: 'completed', outcome: 'completed' });
  return { startedAtMs, branches, results };
}

// ---------------------------------------------------------------------------------------------------------------------
// Running the branches

interface FanOutSettings {
  maxConcurrency: number;
  branchTimeout: number | string;
  retry?: BranchRetry;
}

/** Every branch's outcome in input order, and the completed ones' results by id. */
interface Settled {
  branches: BranchOutcome[];
  results: Record<string, unknown>;
}

interface Stoppable {
  /** Child workflows used (0 when the branches run in this workflow). */
  readonly partitions: number;
  /** Cancels what is still waiting or running; `reason` becomes their error message. The first reason wins. */
  stop(reason: string): void;
}

/** Branches as activities of this workflow, at most `maxConcurrency` at a time, each settling on its own. */
class FanOut implements Stoppable {
  readonly partitions = 0;
  private readonly outcomes: BranchOutcome[] = [];
  private readonly results: Record<string, unknown> = {};
  private readonly scope = new CancellationScope();
  private stopReason?: string;

  constructor(
    private readonly branches: NamedBranch[],
    private readonly settings: FanOutSettings,
    private readonly startedAt: number,
    private readonly onSettled: (outcome: BranchOutcome) => void,
  ) {}

  async run(): Promise<Settled> {
    const settled = await this.scope.run(() =>
      settleBounded(this.branches, this.settings.maxConcurrency, (branch, index) => this.runBranch(branch, index)));
    // A rejection here is a branch that was still waiting for its turn when the fan-out was cancelled.
    settled.forEach((s, index) => {
      if (s.status === 'rejected') this.notStarted(index, describeFailure(s.reason).message);
    });
    return { branches: this.outcomes, results: this.results };
  }

  stop(reason: string): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = reason;
    this.scope.cancel();
  }

  private async runBranch(branch: NamedBranch, index: number): Promise<void> {
    if (CancellationScope.current().consideredCancelled) return this.notStarted(index, 'cancelled');
    const started = Date.now();
    const timing = () => ({ startMs: started - this.startedAt, durationMs: Date.now() - started });
    try {
      this.results[branch.id] = await runBranch(branch, this.settings);
      this.settle(index, { id: branch.id, status: 'completed', ...timing() });
    } catch (err) {
      const failure = describeFailure(err);
      const message = failure.kind === 'cancelled' && this.stopReason ? this.stopReason : failure.message;
      this.settle(index, { id: branch.id, status: failure.kind, ...timing(), error: { type: failure.type, message } });
    }
  }

  private notStarted(index: number, message: string): void {
    this.settle(index, {
      id: this.branches[index].id, status: 'cancelled', durationMs: 0,
      error: { type: 'Cancelled', message: `${this.stopReason ?? message} (before it started)` },
    });
  }

  private settle(index: number, outcome: BranchOutcome): void {
    this.outcomes[index] = outcome;
    this.onSettled(outcome);
  }
}

/** One branch: its MCP tool call or text analysis, as an activity with the branch's timeout and retry policy. */
async function runBranch(branch: NamedBranch, settings: FanOutSettings): Promise<unknown> {
  const scheduleToCloseTimeout = toDuration(branch.timeout ?? settings.branchTimeout);
  const retry = branch.retry ?? settings.retry;
  if (branch.kind === 'text') {
    return analyzeText(branch.analysis, branch.text, {
      scheduleToCloseTimeout,
      ...(retry ? { retry: retryPolicy(retry) } : {}),
    });
  }
  const call = {
    server: branch.server,
    tool: branch.tool,
    args: branch.args,
    // Writes are safe to retry with a key; a tool without an idempotency_key argument ignores it.
    idempotencyKey: branch.idempotencyKey ?? stepKey(`branch:${branch.id}`),
  };
  const result = await callTool(call, {
    readOnly: branch.readOnly,
    summary: `${describeToolCall(call)} — branch ${branch.id}`,
    scheduleToCloseTimeout,
    retry: { ...retryPolicyFor(branch.readOnly ? { readOnlyHint: true } : undefined, true), ...retryPolicy(retry) },
  });
  return result;
}

function retryPolicy(retry: BranchRetry | undefined): RetryPolicy {
  if (!retry) return {};
  const policy: RetryPolicy = {};
  if (retry.maximumAttempts !== undefined) policy.maximumAttempts = retry.maximumAttempts;
  if (retry.initialInterval !== undefined) policy.initialInterval = toDuration(retry.initialInterval);
  if (retry.backoffCoefficient !== undefined) policy.backoffCoefficient = retry.backoffCoefficient;
  if (retry.maximumInterval !== undefined) policy.maximumInterval = toDuration(retry.maximumInterval);
  return policy;
}

/** Durations arrive validated by the schema: milliseconds, or `ms` strings such as "30s". */
function toDuration(value: number | string): Duration {
  return value as Duration;
}

/**
 * A large fan-out as child workflows of at most PARTITION_SIZE branches each (Temporal allows 2,000 pending activities
 * and ~51k history events per workflow). The concurrency limit is shared: at most `maxConcurrency` partitions run at
 * once, with `maxConcurrency / running` branches each. The tolerance is judged here as partitions report back.
 */
class PartitionedFanOut implements Stoppable {
  readonly partitions: number;
  private readonly slices: Array<{ offset: number; branches: NamedBranch[] }> = [];
  private readonly outcomes: BranchOutcome[] = [];
  private readonly results: Record<string, unknown> = {};
  private readonly running = new Set<ChildWorkflowHandle<typeof parallelAggregatePartition>>();
  private readonly signals: Array<Promise<void>> = [];
  private stopReason?: string;

  constructor(
    private readonly branches: NamedBranch[],
    private readonly settings: FanOutSettings,
    private readonly startedAt: number,
    private readonly onSettled: (outcome: BranchOutcome) => void,
  ) {
    this.partitions = Math.ceil(branches.length / PARTITION_SIZE);
    const size = Math.ceil(branches.length / this.partitions); // even slices: 2,500 → 834 + 833 + 833
    for (let offset = 0; offset < branches.length; offset += size) {
      this.slices.push({ offset, branches: branches.slice(offset, offset + size) });
    }
  }

  async run(): Promise<Settled> {
    const concurrent = Math.min(this.partitions, this.settings.maxConcurrency);
    const perPartition = Math.max(1, Math.floor(this.settings.maxConcurrency / concurrent));
    const settled = await settleBounded(this.slices, concurrent, (slice, index) => this.runPartition(slice, index, perPartition));
    settled.forEach((s, index) => {
      if (s.status === 'rejected') this.settleSlice(this.slices[index], describeFailure(s.reason));
    });
    await Promise.all(this.signals);
    return { branches: this.outcomes, results: this.results };
  }

  stop(reason: string): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = reason;
    for (const handle of this.running) this.signalStop(handle);
  }

  private signalStop(handle: ChildWorkflowHandle<typeof parallelAggregatePartition>): void {
    // A partition that finished in the meantime cannot take the signal: nothing is lost, its outcomes are reported.
    this.signals.push(handle.signal(stopPartitionSignal, this.stopReason ?? 'stopped').catch(() => undefined));
  }

  private async runPartition(slice: { offset: number; branches: NamedBranch[] }, index: number, maxConcurrency: number): Promise<void> {
    if (this.stopReason !== undefined) {
      return this.settleSlice(slice, { kind: 'cancelled', type: 'Cancelled', message: `${this.stopReason} (before it started)` });
    }
    const first = slice.offset + 1;
    const last = slice.offset + slice.branches.length;
    const handle = await startChild(parallelAggregatePartition, {
      workflowId: `${workflowInfo().workflowId}-part-${index + 1}-of-${this.partitions}`,
      args: [{ branches: slice.branches, maxConcurrency, branchTimeout: this.settings.branchTimeout, retry: this.settings.retry }],
      staticSummary: `Branches ${first}–${last} of ${this.branches.length} (partition ${index + 1} of ${this.partitions})`,
    });
    this.running.add(handle);
    if (this.stopReason !== undefined) this.signalStop(handle);
    try {
      const part = await handle.result();
      const shift = part.startedAtMs - this.startedAt;
      Object.assign(this.results, part.results);
      part.branches.forEach((outcome, j) => {
        this.settle(slice.offset + j, outcome.startMs === undefined ? outcome : { ...outcome, startMs: outcome.startMs + shift });
      });
    } finally {
      this.running.delete(handle);
    }
  }

  /** Every branch of a partition that did not report: cancelled before it started, or the partition itself failed. */
  private settleSlice(slice: { offset: number; branches: NamedBranch[] }, failure: ReturnType<typeof describeFailure>): void {
    slice.branches.forEach((branch, j) => {
      if (this.outcomes[slice.offset + j]) return;
      this.settle(slice.offset + j, { id: branch.id, status: failure.kind, durationMs: 0, error: { type: failure.type, message: failure.message } });
    });
  }

  private settle(index: number, outcome: BranchOutcome): void {
    this.outcomes[index] = outcome;
    this.onSettled(outcome);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The tolerance and the aggregate

/** Counts branches as they settle and decides the outcome once it can no longer change. */
class Tolerance {
  completed = 0;
  failed = 0;
  timedOut = 0;
  cancelled = 0;

  constructor(readonly total: number, readonly required: number) {}

  add(status: BranchStatus): void {
    if (status === 'completed') this.completed += 1;
    else if (status === 'failed') this.failed += 1;
    else if (status === 'timed_out') this.timedOut += 1;
    else this.cancelled += 1;
  }

  get settled(): number {
    return this.completed + this.failed + this.timedOut + this.cancelled;
  }

  /** The most branches that could still complete. */
  get reachable(): number {
    return this.completed + this.total - this.settled;
  }

  get met(): boolean {
    return this.completed >= this.required;
  }

  get decided(): boolean {
    return this.met || this.reachable < this.required;
  }

  counts() {
    return { completed: this.completed, failed: this.failed, timedOut: this.timedOut, cancelled: this.cancelled, required: this.required };
  }
}

function aggregateOf(
  settled: Settled,
  context: { title?: string; required: number; startedAt: number; partitions: number },
): ParallelAggregateResult {
  const { branches } = settled;
  const ids = (status: BranchStatus) => branches.filter((b) => b.status === status).map((b) => b.id);
  const completed = ids('completed');
  const failed = branches.filter((b) => b.status === 'failed').map((b) => ({ id: b.id, type: b.error?.type ?? 'Error', message: b.error?.message ?? '' }));
  const timedOut = ids('timed_out');
  const cancelled = ids('cancelled');
  const total = branches.length;
  const status: AggregateStatus = completed.length < context.required ? 'failed' : completed.length === total ? 'succeeded' : 'partial';
  const processingTimeMs = Date.now() - context.startedAt;

  const missing = [
    failed.length ? `${failed.length} failed` : '',
    timedOut.length ? `${timedOut.length} timed out` : '',
    cancelled.length ? `${cancelled.length} cancelled` : '',
  ].filter(Boolean);
  const summary = `${status}: ${completed.length} of ${total} branches completed${missing.length ? ` (${missing.join(', ')})` : ''}` +
    `, ${context.required} needed, in ${(processingTimeMs / 1000).toFixed(1)} s`;

  return {
    ...(context.title ? { title: context.title } : {}),
    status,
    total,
    required: context.required,
    completed,
    failed,
    timedOut,
    cancelled,
    results: Object.fromEntries(completed.map((id) => [id, settled.results[id]])),
    branches,
    startedAt: new Date(context.startedAt).toISOString(),
    processingTimeMs,
    partitions: context.partitions,
    summary,
  };
}
