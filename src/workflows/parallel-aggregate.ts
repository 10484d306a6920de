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
  ActivityFailure,
  CancellationScope,
  CancelledFailure,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { Duration, RetryPolicy } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';
import {
  AGGREGATE_LIMIT_BYTES,
  BRANCH_ERROR_CHARS,
  branchId,
  PARTITION_SIZE,
  PARTITION_TIMEOUT_MARGIN,
  ParallelAggregateInput,
  PartitionInput,
  requiredSuccesses,
  StopRequest,
  type BranchRetry,
  type NamedBranch,
} from '../schemas/parallel-aggregate-input.js';
import type {
  AggregateStatus,
  BranchOutcome,
  BranchStatus,
  ParallelAggregateResult,
  PartitionProgress,
  PartitionResult,
  SettledCounts,
} from '../schemas/parallel-aggregate.js';
import { describeToolCall } from '../shared/tool-call-description.js';
import { retryPolicyFor } from '../shared/tool-retry.js';
import { validate } from '../shared/validation.js';
import { settleBounded } from './support/concurrency.js';
import { deadLetter } from './support/dead-letters.js';
import { describeFailure } from './support/failures.js';
import { parseInput, rejectedUpdate } from './support/input.js';
import { orchestraMetrics } from './support/metrics.js';
import { partitionId, shareConcurrency, slicesOf, type Slice } from './support/partitions.js';
import { ProgressReporter } from './support/progress.js';
import { childRouting } from './support/queues.js';
import { analyzeText } from './support/text-analysis.js';
import { assertFits, formatBytes, jsonBytes, keepWithinBudget, type OmittedResult } from './support/result-budget.js';
import { callTool, stepKey } from './support/tools.js';
import { awaitThen } from './support/one-promise.js';
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
/** A partition tells its parent how many of its branches have settled (when the parent cancels once decided). */
export const partitionProgressSignal = defineSignal<[progress: PartitionProgress]>('partitionProgress');

const TOO_LARGE_ADVICE = 'split the fan-out into smaller runs, or give the branches shorter ids';
/** An `omittedResults` entry's bytes besides its id: `{"id":,"bytes":1234567},`. */
const OMITTED_ENTRY_BYTES = 24;

export async function parallelAggregate(raw: ParallelAggregateInput): Promise<ParallelAggregateResult> {
  const input = parseInput(ParallelAggregateInput, raw);
  const branches: NamedBranch[] = input.branches.map((branch, index) => ({ ...branch, id: branchId(branch, index) }));
  const progress = new ProgressReporter('parallelAggregate');
  const tolerance = new Tolerance(branches.length, requiredSuccesses(input, branches.length));
  const startedAt = Date.now();

  const partitioned = branches.length > PARTITION_SIZE;
  const fanOut: Stoppable & { run(): Promise<Settled> } = partitioned
    ? new PartitionedFanOut(branches, input, startedAt, onReport, input.cancelWhenDecided)
    : new FanOut(branches, input, startedAt, onSettled);
  const running = partitioned
    ? `running ${branches.length} branches in ${fanOut.partitions} child workflows`
    : `running ${branches.length} branches, ${input.maxConcurrency} at a time`;

  function onSettled(outcome: BranchOutcome): void {
    tolerance.add(outcome.status);
    onProgress();
  }

  /** A partition's settled counts: as its branches settle (when it reports them), and when it ends. */
  function onReport(partition: number, counts: SettledCounts): void {
    if (tolerance.report(partition, counts)) onProgress();
  }

  function onProgress(): void {
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
    resultBudgetBytes: input.resultBudgetBytes,
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
  const counts = new Tally();
  const parent = input.reportAs !== undefined && workflowInfo().parent ? new ParentReport(input.reportAs) : undefined;
  const step = `running ${total} branches, ${input.maxConcurrency} at a time`;
  const fanOut = new FanOut(input.branches, input, startedAtMs, (outcome) => {
    counts.add(outcome.status);
    progress.update({ step, done: counts.settled, total });
    parent?.send(counts.counts());
  });
  setHandler(stopPartitionSignal, (reason) => {
    parent?.close(); // the parent has decided: its result will carry the rest
    fanOut.stop(reason);
  });
  progress.update({ step, done: 0, total });
  const { branches, results } = await fanOut.run();
  const kept = keepWithinBudget(branches.map((b) => b.id), results, input.resultBudgetBytes);
  const result = { startedAtMs, branches, results: kept.results, omittedResults: kept.omitted };
  assertFits(`the result of partition ${workflowInfo().workflowId} (${total} branches)`, result, AGGREGATE_LIMIT_BYTES, TOO_LARGE_ADVICE);
  progress.update({ step: `${counts.completed} of ${total} branches completed`, state: 'completed', outcome: 'completed' });
  return result;
}

/**
 * A partition's reports to its parent: one signal at a time, each carrying the latest cumulative counts, so a burst of
 * settled branches becomes one signal per round trip rather than one per branch (at worst one per branch: the parent's
 * history stays within ~4 events per branch), and none once the parent has told it to stop.
 */
class ParentReport {
  private readonly parent = getExternalWorkflowHandle(workflowInfo().parent!.workflowId, workflowInfo().parent!.runId);
  private next?: SettledCounts;
  private sending = false;
  private closed = false;

  constructor(private readonly partition: number) {}

  send(counts: SettledCounts): void {
    if (this.closed) return;
    this.next = counts;
    if (!this.sending) void this.flush();
  }

  close(): void {
    this.closed = true;
    this.next = undefined;
  }

  private async flush(): Promise<void> {
    this.sending = true;
    try {
      while (this.next) {
        const counts = this.next;
        this.next = undefined;
        await this.parent.signal(partitionProgressSignal, { partition: this.partition, ...counts });
      }
    } catch {
      // The parent has closed (it was cancelled or terminated): there is no one left to tell.
    } finally {
      this.sending = false;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Running the branches

interface FanOutSettings {
  maxConcurrency: number;
  branchTimeout: number | string;
  retry?: BranchRetry;
  resultBudgetBytes: number;
}

/** Every branch's outcome in input order, the completed ones' results by id, and those a partition left out. */
interface Settled {
  branches: BranchOutcome[];
  results: Record<string, unknown>;
  omitted?: OmittedResult[];
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
      const deadLetterId = await deadLetterBranch(branch, this.settings, err);
      this.settle(index, {
        id: branch.id, status: failure.kind, ...timing(), error: { type: failure.type, message: shorten(message) }, ...(deadLetterId ? { deadLetterId } : {}),
      });
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
    orchestraMetrics.branch(outcome.status);
    this.onSettled(outcome);
  }
}

/**
 * One branch: its MCP tool call or text analysis, as an activity with the branch's timeout and retry policy. Not
 * `async` (one promise fewer per tool branch); each kind resumes its lane in the microtask turn it did as one `async`
 * function (./support/one-promise.ts), so branches settling together still schedule what comes next in the same order.
 */
function runBranch(branch: NamedBranch, settings: FanOutSettings): Promise<unknown> {
  if (branch.kind === 'text') return runTextBranch(branch, settings);
  return awaitThen(() => {
    const { call, options } = toolCallOf(branch, settings);
    return callTool(call, options);
  }, (result) => result);
}

/** A text branch, `async` as before: it hands back analyzeText's promise, which costs its caller the turns it did. */
async function runTextBranch(branch: Extract<NamedBranch, { kind: 'text' }>, settings: FanOutSettings): Promise<unknown> {
  const retry = branch.retry ?? settings.retry;
  return analyzeText(branch.analysis, branch.text, {
    ...branchTimeouts(branch, settings),
    ...(retry ? { retry: retryPolicy(retry) } : {}),
  });
}

/**
 * A tool branch that failed for good (retries spent, refused, timed out) is a unit of work whose effect never
 * happened: it is recorded in the dead-letter queue so a person can redrive it (`orchestra dlq redrive`), whether or
 * not the tolerance absorbed it — the aggregate's outcome stays the same. A text branch has no tool call to redrive, a
 * cancelled branch was stopped on purpose, and a branch that failed at once on an open breaker was routed around it
 * (see deadLetter): none is recorded.
 */
async function deadLetterBranch(branch: NamedBranch, settings: FanOutSettings, err: unknown): Promise<string | undefined> {
  if (branch.kind !== 'tool' || !(err instanceof ActivityFailure)) return undefined;
  const { call, options } = toolCallOf(branch, settings);
  return deadLetter({ step: `branch ${branch.id}`, call, retry: options.retry, hasFallback: options.hasFallback }, err);
}

/**
 * The branch's timeout governs every attempt too (not the activity proxies' 1-minute start-to-close): one attempt may
 * use the whole budget. A tool call keeps its short heartbeat timeout (src/shared/recovery.ts), which only notices a
 * dead worker sooner: the activity heartbeats while its request is in flight.
 */
function branchTimeouts(branch: NamedBranch, settings: FanOutSettings): { scheduleToCloseTimeout: Duration; startToCloseTimeout: Duration } {
  const budget = toDuration(branch.timeout ?? settings.branchTimeout);
  return { scheduleToCloseTimeout: budget, startToCloseTimeout: budget };
}

/** A tool branch's call and the options it runs with. */
function toolCallOf(branch: Extract<NamedBranch, { kind: 'tool' }>, settings: FanOutSettings) {
  const call = {
    server: branch.server,
    tool: branch.tool,
    args: branch.args,
    // Writes are safe to retry with a key; a tool without an idempotency_key argument ignores it.
    idempotencyKey: branch.idempotencyKey ?? stepKey(`branch:${branch.id}`),
  };
  const retry = branch.retry ?? settings.retry;
  const options = {
    readOnly: branch.readOnly,
    summary: `${describeToolCall(call)} — branch ${branch.id}`,
    hasFallback: true, // an open breaker fails the branch at once; the tolerance rule decides what that means
    ...branchTimeouts(branch, settings),
    retry: { ...retryPolicyFor(branch.readOnly ? { readOnlyHint: true } : undefined, true), ...retryPolicy(retry) },
  };
  return { call, options };
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

/** A branch's error message as the aggregate carries it: at most BRANCH_ERROR_CHARS characters. */
function shorten(message: string): string {
  return message.length > BRANCH_ERROR_CHARS ? `${message.slice(0, BRANCH_ERROR_CHARS - 1)}…` : message;
}

/**
 * A large fan-out as child workflows of at most PARTITION_SIZE branches each (Temporal allows 2,000 pending activities
 * and ~51k history events per workflow). The concurrency limit is shared: at most `maxConcurrency` partitions run at
 * once, with `maxConcurrency / running` branches each. The tolerance is judged here: from each partition's outcomes
 * when it ends and, with `report` (cancelWhenDecided), from the counts it signals as its branches settle, so the outcome
 * is decided — and the other partitions stopped — within a signal's round trip of the branch that decided it.
 * Each partition runs under an execution timeout from its branches' own (see PARTITION_TIMEOUT_MARGIN).
 */
class PartitionedFanOut implements Stoppable {
  readonly partitions: number;
  private readonly slices: Array<Slice<NamedBranch>>;
  private readonly outcomes: BranchOutcome[] = [];
  private readonly results: Record<string, unknown> = {};
  private readonly omitted: OmittedResult[] = [];
  private readonly running = new Set<ChildWorkflowHandle<typeof parallelAggregatePartition>>();
  private readonly signals: Array<Promise<void>> = [];
  private stopReason?: string;

  constructor(
    private readonly branches: NamedBranch[],
    private readonly settings: FanOutSettings,
    private readonly startedAt: number,
    private readonly onReport: (partition: number, counts: SettledCounts) => void,
    private readonly report: boolean,
  ) {
    this.slices = slicesOf(branches, PARTITION_SIZE);
    this.partitions = this.slices.length;
  }

  async run(): Promise<Settled> {
    if (this.report) setHandler(partitionProgressSignal, ({ partition, ...counts }) => this.onReport(partition, counts));
    const { concurrent, perPartition } = shareConcurrency(this.partitions, this.settings.maxConcurrency);
    const settled = await settleBounded(this.slices, concurrent, (slice, index) => this.runPartition(slice, index, perPartition));
    settled.forEach((s, index) => {
      if (s.status === 'rejected') this.settleSlice(this.slices[index], index, describeFailure(s.reason));
    });
    await Promise.all(this.signals);
    return { branches: this.outcomes, results: this.results, omitted: this.omitted };
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

  private async runPartition(slice: Slice<NamedBranch>, index: number, maxConcurrency: number): Promise<void> {
    if (this.stopReason !== undefined) {
      return this.settleSlice(slice, index, { kind: 'cancelled', type: 'Cancelled', message: `${this.stopReason} (before it started)` });
    }
    const first = slice.offset + 1;
    const last = slice.offset + slice.items.length;
    const { branchTimeout, retry, resultBudgetBytes } = this.settings;
    const handle = await startChild(parallelAggregatePartition, {
      workflowId: partitionId(workflowInfo().workflowId, index, this.partitions),
      ...childRouting(),
      args: [{
        branches: slice.items, maxConcurrency, branchTimeout, retry,
        // Each partition keeps its share of the result budget; the parent applies the whole budget again.
        resultBudgetBytes: Math.floor(resultBudgetBytes / this.partitions),
        ...(this.report ? { reportAs: index } : {}),
      }],
      workflowExecutionTimeout: partitionTimeoutMs(slice.items, branchTimeout, maxConcurrency),
      staticSummary: `Branches ${first}–${last} of ${this.branches.length} (partition ${index + 1} of ${this.partitions})`,
    });
    this.running.add(handle);
    if (this.stopReason !== undefined) this.signalStop(handle);
    try {
      const part = await handle.result();
      const shift = part.startedAtMs - this.startedAt;
      Object.assign(this.results, part.results);
      this.omitted.push(...part.omittedResults ?? []);
      part.branches.forEach((outcome, j) => {
        this.outcomes[slice.offset + j] = outcome.startMs === undefined ? outcome : { ...outcome, startMs: outcome.startMs + shift };
      });
      this.onReport(index, countsOf(part.branches));
    } finally {
      this.running.delete(handle);
    }
  }

  /** Every branch of a partition that did not report: cancelled before it started, or the partition itself failed. */
  private settleSlice(slice: Slice<NamedBranch>, index: number, failure: ReturnType<typeof describeFailure>): void {
    slice.items.forEach((branch, j) => {
      if (this.outcomes[slice.offset + j]) return;
      this.outcomes[slice.offset + j] = {
        id: branch.id, status: failure.kind, durationMs: 0, error: { type: failure.type, message: shorten(failure.message) },
      };
    });
    this.onReport(index, countsOf(this.outcomes.slice(slice.offset, slice.offset + slice.items.length)));
  }
}

/** The longest a partition can need: its branches' timeouts over its concurrency plus the longest one, plus a margin. */
function partitionTimeoutMs(branches: NamedBranch[], branchTimeout: number | string, concurrency: number): number {
  const budgets = branches.map((b) => msToNumber(toDuration(b.timeout ?? branchTimeout)));
  const sum = budgets.reduce((a, b) => a + b, 0);
  return Math.ceil(sum / concurrency) + Math.max(...budgets) + msToNumber(toDuration(PARTITION_TIMEOUT_MARGIN));
}

// ---------------------------------------------------------------------------------------------------------------------
// The tolerance and the aggregate

/** Settled branches counted by how they ended. */
class Tally implements SettledCounts {
  completed = 0;
  failed = 0;
  timedOut = 0;
  cancelled = 0;

  add(status: BranchStatus): void {
    if (status === 'completed') this.completed += 1;
    else if (status === 'failed') this.failed += 1;
    else if (status === 'timed_out') this.timedOut += 1;
    else this.cancelled += 1;
  }

  get settled(): number {
    return settledOf(this);
  }

  counts(): SettledCounts {
    return { completed: this.completed, failed: this.failed, timedOut: this.timedOut, cancelled: this.cancelled };
  }
}

function settledOf(c: SettledCounts): number {
  return c.completed + c.failed + c.timedOut + c.cancelled;
}

function countsOf(outcomes: BranchOutcome[]): SettledCounts {
  const tally = new Tally();
  for (const outcome of outcomes) if (outcome) tally.add(outcome.status);
  return tally.counts();
}

/**
 * Counts branches as they settle — its own branches one by one, a partition's as the cumulative counts it reports — and
 * decides the outcome once it can no longer change.
 */
class Tolerance {
  private readonly own = new Tally();
  private readonly parts: SettledCounts[] = [];

  constructor(readonly total: number, readonly required: number) {}

  add(status: BranchStatus): void {
    this.own.add(status);
  }

  /** A partition's counts so far; an older report (fewer settled) changes nothing. True when the counts moved. */
  report(partition: number, counts: SettledCounts): boolean {
    const known = this.parts[partition];
    if (known && settledOf(known) >= settledOf(counts)) return false;
    this.parts[partition] = counts;
    return true;
  }

  private sum(key: keyof SettledCounts): number {
    return this.parts.reduce((n, part) => n + (part?.[key] ?? 0), this.own[key]);
  }

  get completed(): number {
    return this.sum('completed');
  }

  get settled(): number {
    return this.sum('completed') + this.sum('failed') + this.sum('timedOut') + this.sum('cancelled');
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
    return {
      completed: this.completed, failed: this.sum('failed'), timedOut: this.sum('timedOut'), cancelled: this.sum('cancelled'),
      required: this.required,
    };
  }
}

/**
 * The aggregate, within Temporal's payload limit: branch results are kept in branch order up to the result budget (and
 * what room the rest of the aggregate leaves), the others listed as omitted; an aggregate that would not fit even so
 * fails with `AggregateTooLarge` rather than leave the run hanging.
 */
function aggregateOf(
  settled: Settled,
  context: { title?: string; required: number; startedAt: number; partitions: number; resultBudgetBytes: number },
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
  const summaryOf = (omitted: number) => `${status}: ${completed.length} of ${total} branches completed${missing.length ? ` (${missing.join(', ')})` : ''}`
    + `, ${context.required} needed, in ${(processingTimeMs / 1000).toFixed(1)} s`
    + (omitted ? `; ${omitted} results left out over the ${formatBytes(context.resultBudgetBytes)} result budget (see omittedResults)` : '');

  const aggregate: ParallelAggregateResult = {
    ...(context.title ? { title: context.title } : {}),
    status,
    total,
    required: context.required,
    completed,
    failed,
    timedOut,
    cancelled,
    results: {},
    omittedResults: [],
    branches,
    startedAt: new Date(context.startedAt).toISOString(),
    processingTimeMs,
    partitions: context.partitions,
    summary: summaryOf(0),
  };
  const what = `the aggregate of ${total} branches`;
  assertFits(`${what}, without any result,`, aggregate, AGGREGATE_LIMIT_BYTES, TOO_LARGE_ADVICE);
  // What the rest of the aggregate leaves, less room for the longer summary and an omitted list naming every result.
  const omittedReserve = completed.reduce((n, id) => n + jsonBytes(id) + OMITTED_ENTRY_BYTES, 0);
  const room = AGGREGATE_LIMIT_BYTES - jsonBytes(aggregate) - omittedReserve - 200;
  const kept = keepWithinBudget(completed, settled.results, Math.min(context.resultBudgetBytes, room), settled.omitted);
  aggregate.results = kept.results;
  aggregate.omittedResults = kept.omitted;
  aggregate.summary = summaryOf(kept.omitted.length);
  assertFits(what, aggregate, AGGREGATE_LIMIT_BYTES, TOO_LARGE_ADVICE);
  return aggregate;
}
