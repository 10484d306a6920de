/**
 * Parallel fan-out with result aggregation (seed 000 pattern 1, seed 001 §2, seed 002's parallel step): the typed
 * aggregate, and (re-exported from ./parallel-aggregate-input.ts, which the workflow imports) the branches, the
 * concurrency limit and tolerance.
 */
import { z } from 'zod';

export * from './parallel-aggregate-input.js';

// ---------------------------------------------------------------------------------------------------------------------
// The aggregate

export const BranchStatus = z.enum(['completed', 'failed', 'timed_out', 'cancelled']);
export type BranchStatus = z.infer<typeof BranchStatus>;

export const BranchError = z.object({ type: z.string(), message: z.string() });

export const BranchOutcome = z.object({
  id: z.string(),
  status: BranchStatus,
  /** When the branch started, in ms after the fan-out started; absent when it was cancelled before it started. */
  startMs: z.number().optional(),
  /** How long it ran (0 when it never started). */
  durationMs: z.number(),
  /** Why it did not complete. */
  error: BranchError.optional(),
  /** A tool branch that failed for good: its dead letter (`orchestra dlq show <id>`), to correct and redrive. */
  deadLetterId: z.string().optional(),
});
export type BranchOutcome = z.infer<typeof BranchOutcome>;

/** A completed branch whose result the aggregate left out (over the result budget), and the result's size. */
export const OmittedResult = z.object({ id: z.string(), bytes: z.number().int() });

export const AggregateStatus = z.enum(['succeeded', 'partial', 'failed']);
export type AggregateStatus = z.infer<typeof AggregateStatus>;

export const ParallelAggregateResult = z.object({
  title: z.string().optional(),
  /** succeeded: every branch completed; partial: the tolerance is met but not every branch completed; failed: not met. */
  status: AggregateStatus,
  total: z.number().int(),
  /** Completed branches needed (the tolerance). */
  required: z.number().int(),
  completed: z.array(z.string()),
  failed: z.array(BranchError.extend({ id: z.string() })),
  timedOut: z.array(z.string()),
  cancelled: z.array(z.string()),
  /**
   * Each completed branch's result by id: a tool's structured result (else its text), or the analysis — as many as
   * fit in `resultBudgetBytes`, in branch order.
   */
  results: z.record(z.string(), z.unknown()),
  /** Completed branches whose results did not fit in the result budget: id and size. Empty when every result fit. */
  omittedResults: z.array(OmittedResult),
  /** Every branch in input order: status, start and duration, error. */
  branches: z.array(BranchOutcome),
  startedAt: z.string(),
  processingTimeMs: z.number(),
  /** Child workflows the branches were split into (0: all ran in this workflow). */
  partitions: z.number().int(),
  /** One line: what completed, what did not, against the tolerance. */
  summary: z.string(),
});
export type ParallelAggregateResult = z.infer<typeof ParallelAggregateResult>;

// ---------------------------------------------------------------------------------------------------------------------
// Partitions (child workflows of a large fan-out)

export const PartitionResult = z.object({
  /** Workflow time (epoch ms) when the partition started its branches. */
  startedAtMs: z.number(),
  branches: z.array(BranchOutcome),
  results: z.record(z.string(), z.unknown()),
  /** Results over the partition's share of the budget (absent from partitions started before budgets existed). */
  omittedResults: z.array(OmittedResult).optional(),
});
export type PartitionResult = z.infer<typeof PartitionResult>;

/** Settled branches, by how they ended. */
export interface SettledCounts {
  completed: number;
  failed: number;
  timedOut: number;
  cancelled: number;
}

/** What a partition tells its parent as its branches settle (cumulative counts, so a late signal changes nothing). */
export interface PartitionProgress extends SettledCounts {
  partition: number;
}
