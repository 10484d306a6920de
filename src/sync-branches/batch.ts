/**
 * The batch analyser and the parallel coordinator of seed 003 Part 1, as pure functions: which mode a batch runs in
 * (parallel / sequential / adaptive), which branch each item goes to (by source type and priority), and how the work
 * left over at a timed-out sync point is spread again (the seed's load balancer). The schema, the workflow and the
 * tests share them.
 */

/** Where an item's records come from (seed: `source_type`); real-time is the seed's "else" branch. */
export const SOURCE_TYPES = ['streaming', 'batch', 'realtime'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];
/** What an item is (seed: branch `type`): data to ingest, or an aggregation over data. */
export const ITEM_KINDS = ['ingestion', 'aggregation'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The seed's five specialised branches, in the order a sequential batch runs them (ingestion before aggregation). */
export const LANES = ['alpha', 'beta', 'gamma', 'primary', 'secondary'] as const;
/** A branch that runs work rebalanced after a timed-out sync point: items of any lane. */
export type Lane = (typeof LANES)[number] | 'rebalanced';

/** What each lane is for, as the seed names its nodes. */
export const LANE_ROLES: Record<Lane, string> = {
  alpha: 'data_ingestion_branch_alpha (streaming ingestion)',
  beta: 'data_validation_branch_beta (batch ingestion)',
  gamma: 'data_transformation_branch_gamma (real-time ingestion)',
  primary: 'data_aggregation_branch_primary (high-priority aggregation)',
  secondary: 'data_quality_branch_secondary (other aggregations)',
  rebalanced: 'load_balancer (work left at a timed-out sync point)',
};

/**
 * The capability every branch needs: the task queue a branch's child workflow runs on is this capability's. Until
 * capability queues exist, it is the parent's own queue (see `branchTaskQueue` in the workflow).
 */
export const BRANCH_CAPABILITY = 'analysis';

/** What the analyser and the router read of an item. */
export interface BatchItem {
  id: string;
  sourceType: SourceType;
  kind: ItemKind;
  priority: Priority;
  /** Records the item is expected to yield (its size). */
  size: number;
}

export type WorkflowMode = 'parallel' | 'sequential' | 'adaptive';

/** The seed's thresholds for choosing the mode, and the scales of the complexity score (ours; see `analyseBatch`). */
export const MODE_RULES = {
  /** complexity_score > 0.8 and cluster_cpu > 0.7 → parallel, at most 5 branches at once. */
  parallelComplexity: 0.8,
  parallelCapacity: 0.7,
  parallelBranches: 5,
  /** data_dependency_score > 0.6 → sequential, 1 branch at a time. */
  sequentialDependency: 0.6,
  /** Otherwise adaptive, 3 branches at a time. */
  adaptiveBranches: 3,
  /** A batch of this many items counts as fully complex on count … */
  fullCount: 10,
  /** … and of this many expected records on size. */
  fullSize: 1000,
} as const;

export interface BatchAnalysis {
  mode: WorkflowMode;
  /** How many branches may run at once. */
  maxBranches: number;
  complexityScore: number;
  dataDependencyScore: number;
  /** The share of worker capacity available (the seed's cluster_cpu), from the input. */
  capacity: number;
  items: number;
  totalSize: number;
  sourceTypes: SourceType[];
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The seed's `_data_batch_analysis_node`, with its scores made concrete (the seed leaves them abstract):
 * - complexity_score = 0.4 × min(1, items / 10) + 0.4 × min(1, expected records / 1,000) + 0.2 × (distinct source types / 3)
 *   — many items, much data and mixed sources make a batch worth spreading out;
 * - data_dependency_score = the share of aggregation items: an aggregation summarises data the batch ingests, so a batch
 *   made mostly of them is order-dependent;
 * - cluster_cpu = `capacity` (the share of worker capacity the caller says is free).
 * Then the seed's rule: complexity > 0.8 and capacity > 0.7 → parallel (min(5, maxBranches)); dependency > 0.6 →
 * sequential (1); otherwise adaptive (min(3, maxBranches)).
 */
export function analyseBatch(items: readonly BatchItem[], options: { capacity: number; maxBranches: number }): BatchAnalysis {
  const totalSize = items.reduce((n, item) => n + item.size, 0);
  const sourceTypes = SOURCE_TYPES.filter((type) => items.some((item) => item.sourceType === type));
  const complexityScore = round3(0.4 * Math.min(1, items.length / MODE_RULES.fullCount)
    + 0.4 * Math.min(1, totalSize / MODE_RULES.fullSize)
    + 0.2 * (sourceTypes.length / SOURCE_TYPES.length));
  const dataDependencyScore = items.length ? round3(items.filter((item) => item.kind === 'aggregation').length / items.length) : 0;
  const base = { complexityScore, dataDependencyScore, capacity: options.capacity, items: items.length, totalSize, sourceTypes };
  if (complexityScore > MODE_RULES.parallelComplexity && options.capacity > MODE_RULES.parallelCapacity) {
    return { mode: 'parallel', maxBranches: Math.min(MODE_RULES.parallelBranches, options.maxBranches), ...base };
  }
  if (dataDependencyScore > MODE_RULES.sequentialDependency) return { mode: 'sequential', maxBranches: 1, ...base };
  return { mode: 'adaptive', maxBranches: Math.min(MODE_RULES.adaptiveBranches, options.maxBranches), ...base };
}

/**
 * The seed's `_parallel_coordination_node` routing: ingestion by source type (streaming → alpha, batch → beta,
 * anything else, i.e. real-time → gamma); aggregation by priority (high → primary, else → secondary).
 */
export function laneOf(item: Pick<BatchItem, 'kind' | 'sourceType' | 'priority'>): Lane {
  if (item.kind === 'aggregation') return item.priority === 'high' ? 'primary' : 'secondary';
  if (item.sourceType === 'streaming') return 'alpha';
  if (item.sourceType === 'batch') return 'beta';
  return 'gamma';
}

/** One branch to run: its id (unique in the run), its lane and its items in order. */
export interface BranchPlan<T extends BatchItem = BatchItem> {
  id: string;
  lane: Lane;
  items: T[];
}

/**
 * One branch per lane in use, in lane order, items in input order; high-priority items first within a lane. `prefix`
 * tells a revision's branches from the first round's (`rev1-alpha`).
 */
export function allocateBranches<T extends BatchItem>(items: readonly T[], prefix = ''): Array<BranchPlan<T>> {
  const rank = (p: Priority) => PRIORITIES.indexOf(p);
  return LANES.flatMap((lane) => {
    const mine = items.filter((item) => laneOf(item) === lane);
    const ordered = mine.map((item, i) => ({ item, i })).sort((a, b) => rank(a.item.priority) - rank(b.item.priority) || a.i - b.i).map((x) => x.item);
    return ordered.length ? [{ id: `${prefix}${lane}`, lane, items: ordered }] : [];
  });
}

/**
 * The seed's load balancer after a timed-out sync point: the items no branch finished are spread over up to
 * `maxBranches` fresh branches (at least one), largest first onto the least-loaded branch (longest-processing-time
 * scheduling), so a branch that was overloaded no longer holds everything it held. Ids: `<prefix>b1`, `<prefix>b2`, ….
 */
export function rebalance<T extends BatchItem>(remaining: readonly T[], maxBranches: number, prefix: string): Array<BranchPlan<T>> {
  const count = Math.max(1, Math.min(maxBranches, remaining.length));
  const branches: Array<BranchPlan<T> & { load: number }> = Array.from({ length: count }, (_, i) => ({
    id: `${prefix}b${i + 1}`, lane: 'rebalanced' as const, items: [], load: 0,
  }));
  const bySize = remaining.map((item, i) => ({ item, i })).sort((a, b) => b.item.size - a.item.size || a.i - b.i);
  for (const { item } of bySize) {
    const target = branches.reduce((least, b) => (b.load < least.load ? b : least), branches[0]);
    target.items.push(item);
    target.load += item.size;
  }
  return branches.filter((b) => b.items.length).map(({ load: _load, ...plan }) => plan);
}
