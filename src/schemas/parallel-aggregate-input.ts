/**
 * parallelAggregate's input (and its partitions'): what the workflow itself checks in its first task, with the limits
 * and the helpers it runs on. Its own module, in zod/mini (src/shared/zod-mini.ts says why), apart from the aggregate's
 * schemas (./parallel-aggregate.ts, which re-exports this module for the catalogue and the client): every module a
 * workflow imports is evaluated again in each workflow's first task.
 */
import { z } from 'zod/mini';
import '../shared/zod-mini.js'; // English messages, as classic zod gives
import { TEXT_ANALYSES } from '../text/analyses.js';
import { Duration } from './common.js';

/** Above this many branches the fan-out is split into child workflows, each running at most this many. */
export const PARTITION_SIZE = 1000;
/**
 * The most branches one run takes. The aggregate carries ~120 bytes per branch and must fit Temporal's 2 MB payload
 * limit: past ~18,000 branches the parent could not complete (the bench saw TMPRL1103 at 20,000), so the limit is
 * set where the bench shows it completing (10,000). Larger jobs: split them into several runs.
 */
export const MAX_BRANCHES = 10_000;
/**
 * The most a fan-out's result (or a partition's) may take as JSON. Temporal refuses payloads over 2 MB, and a workflow
 * whose result it refuses retries its last task forever; this leaves room for the payload's own envelope.
 */
export const AGGREGATE_LIMIT_BYTES = 1_800_000;
/** How many bytes of branch results an aggregate keeps by default (`resultBudgetBytes`); the rest are listed as omitted. */
export const DEFAULT_RESULT_BUDGET_BYTES = 1_000_000;
/** A branch's error message is cut to this many characters in the aggregate (the full text is in the branch's history). */
export const BRANCH_ERROR_CHARS = 500;
/**
 * A partition's execution timeout is the most its branches can take — the sum of their timeouts over its concurrency,
 * plus the longest one (any schedule of the branches ends by then) — plus this margin for the workflow's own work.
 */
export const PARTITION_TIMEOUT_MARGIN = '5 minutes';
/** The most branches running at once (well under Temporal's 2,000 pending activities per workflow). */
export const MAX_CONCURRENCY = 1000;
export const MAX_BRANCH_TEXT = 100_000;

/** The text analyses of seed 001 §2 (src/text's own list: its module loads no model, so workflow code may import it). */
export { TEXT_ANALYSES };

const BranchId = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(100, 'must be at most 100 characters'));

/** A branch's own retry policy, over the default for its kind (tool calls: by the tool's retry safety). */
export const BranchRetry = z.strictObject({
  maximumAttempts: z.optional(z.number().check(z.int(), z.gte(1), z.lte(100))),
  initialInterval: z.optional(Duration),
  backoffCoefficient: z.optional(z.number().check(z.gte(1), z.lte(10))),
  maximumInterval: z.optional(Duration),
});
export type BranchRetry = z.input<typeof BranchRetry>;

const branchOptions = {
  /** The branch's whole time budget, retries included (schedule-to-close); past it the branch is `timed_out`. */
  timeout: z.optional(Duration),
  retry: z.optional(BranchRetry),
};

function toolBranch<I extends z.ZodMiniType>(id: I) {
  return z.strictObject({
    kind: z.literal('tool'),
    id,
    /** A server of the `mcpServers` config, e.g. `filesystem` or `store`. */
    server: z.string().check(z.minLength(1, 'must name a configured MCP server')),
    tool: z.string().check(z.minLength(1, 'must name a tool')),
    args: z._default(z.record(z.string(), z.unknown()), {}),
    /** Declares the call a read, retried freely (the server's readOnlyHint says the same). */
    readOnly: z.optional(z.boolean()),
    /** For a write: the key that makes retries safe. Default `<firstExecutionRunId>:branch:<id>` (one per run chain). */
    idempotencyKey: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    ...branchOptions,
  });
}

function textBranch<I extends z.ZodMiniType>(id: I) {
  return z.strictObject({
    kind: z.literal('text'),
    id,
    analysis: z.enum(TEXT_ANALYSES, { error: `must be one of ${TEXT_ANALYSES.join(', ')}` }),
    text: z.string({ error: 'must be a string' }).check(
      z.maxLength(MAX_BRANCH_TEXT, `must be at most ${MAX_BRANCH_TEXT} characters`),
      z.refine((s) => s.trim().length > 0, 'must not be empty'),
    ),
    ...branchOptions,
  });
}

const branchKinds = { error: 'must be "tool" (an MCP tool call) or "text" (a text analysis)' };

/** One branch: an MCP tool call, or a text analysis. `id` names it in the aggregate (default: see `branchId`). */
export const Branch = z.discriminatedUnion('kind', [toolBranch(z.optional(BranchId)), textBranch(z.optional(BranchId))], branchKinds);
export type Branch = z.input<typeof Branch>;
export type ParsedBranch = z.output<typeof Branch>;

/** A branch whose id is settled (what partitions receive). */
export const NamedBranch = z.discriminatedUnion('kind', [toolBranch(BranchId), textBranch(BranchId)], branchKinds);
export type NamedBranch = z.output<typeof NamedBranch>;

/** The id of a branch: its own, else `<server>.<tool>#<n>` or `<analysis>#<n>` (n = its position, from 1). */
export function branchId(branch: ParsedBranch, index: number): string {
  if (branch.id) return branch.id;
  return branch.kind === 'tool' ? `${branch.server}.${branch.tool}#${index + 1}` : `${branch.analysis}#${index + 1}`;
}

const FanOutSettings = {
  /** How many branches run at once (seed 002's max_parallel_steps, default 10). */
  maxConcurrency: z._default(z.number().check(z.int(), z.gte(1), z.lte(MAX_CONCURRENCY)), 10),
  /** A branch's time budget unless it sets its own `timeout`. */
  branchTimeout: z._default(Duration, '1 minute'),
  /** The retry policy of every branch that does not set its own. */
  retry: z.optional(BranchRetry),
  /**
   * How many bytes of branch results (as JSON) the aggregate keeps, in branch order; results past it are left out and
   * listed in `omittedResults` with their sizes (the full result stays in the branch's activity in history).
   */
  resultBudgetBytes: z._default(z.number().check(z.int(), z.gte(0), z.lte(AGGREGATE_LIMIT_BYTES)), DEFAULT_RESULT_BUDGET_BYTES),
};

export const ParallelAggregateInput = z.strictObject({
  /** What the fan-out is for (seed 000's query): shown in the Web UI and the result. */
  title: z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(200))),
  branches: z.array(Branch).check(z.minLength(1, 'must list at least one branch'), z.maxLength(MAX_BRANCHES, `must list at most ${MAX_BRANCHES} branches`)),
  ...FanOutSettings,
  /**
   * The tolerance: the share of branches that must complete (seed 002's parallel_failure_threshold; default 0.5).
   * Give this or `minSuccesses`, not both.
   */
  minSuccessRatio: z.optional(z.number().check(z.gt(0, 'must be more than 0'), z.lte(1, 'must be at most 1'))),
  /** The tolerance as a count of branches that must complete. */
  minSuccesses: z.optional(z.number().check(z.int(), z.gte(1))),
  /** Cancel the branches still waiting or running as soon as the outcome is decided (met, or out of reach). */
  cancelWhenDecided: z._default(z.boolean(), false),
}).check(z.superRefine((input, ctx) => {
  const seen = new Map<string, number>();
  input.branches.forEach((branch, index) => {
    const id = branchId(branch, index);
    const first = seen.get(id);
    if (first === undefined) seen.set(id, index);
    else ctx.addIssue({ code: 'custom', path: ['branches', index, 'id'], message: `duplicate id "${id}" (also branches[${first}])` });
  });
  if (input.minSuccessRatio !== undefined && input.minSuccesses !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['minSuccesses'], message: 'give minSuccesses or minSuccessRatio, not both' });
  }
  if (input.minSuccesses !== undefined && input.minSuccesses > input.branches.length) {
    ctx.addIssue({
      code: 'custom', path: ['minSuccesses'],
      message: `must be at most the number of branches (${input.branches.length})`,
    });
  }
}));
export type ParallelAggregateInput = z.input<typeof ParallelAggregateInput>;
export type ParsedParallelAggregateInput = z.output<typeof ParallelAggregateInput>;

/** How many branches must complete for the fan-out to count. */
export function requiredSuccesses(input: Pick<ParsedParallelAggregateInput, 'minSuccesses' | 'minSuccessRatio'>, total: number): number {
  if (input.minSuccesses !== undefined) return input.minSuccesses;
  // ratio × total, rounded up; the epsilon keeps 0.7 × 10 at 7 despite floating point.
  return Math.max(1, Math.ceil((input.minSuccessRatio ?? 0.5) * total - 1e-9));
}

/** A partition's input (a child workflow of a large fan-out). */
export const PartitionInput = z.strictObject({
  branches: z.array(NamedBranch).check(z.minLength(1), z.maxLength(PARTITION_SIZE)),
  ...FanOutSettings,
  /** The partition's number (from 0): when given, it signals its settled counts to the parent as branches settle. */
  reportAs: z.optional(z.number().check(z.int(), z.gte(0))),
});
export type PartitionInput = z.input<typeof PartitionInput>;

/** What a person can send: stop the fan-out now and aggregate what has finished. */
export const StopRequest = z._default(z.strictObject({ reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))) }), {});
export type StopRequest = z.input<typeof StopRequest>;
