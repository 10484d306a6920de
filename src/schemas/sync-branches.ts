/**
 * Sync-point branches with a quality-weighted merge (seed 003 Part 1): the batch of items, the sync point's thresholds
 * and timers, the quality validator's bar, the optional human gates, and the result. Defaults are the seed's (see
 * src/sync-branches/, which holds the rules themselves).
 */
import { z } from 'zod';
import { ITEM_KINDS, PRIORITIES, SOURCE_TYPES, type Lane, type WorkflowMode } from '../sync-branches/batch.js';
import { SYNC_DEFAULTS, type SyncAction, type SyncStatus } from '../sync-branches/sync-point.js';
import { QUALITY_DEFAULTS, type Verdict } from '../sync-branches/validator.js';
import type { BranchWeight } from '../sync-branches/merge.js';
import type { Fields } from '../sync-branches/records.js';
import type { ApprovalRecord } from './approval.js';
import { Duration } from './common.js';

/** The most items one run takes, and records one item may yield: every record travels through the run's history. */
export const MAX_ITEMS = 20;
export const MAX_RECORDS_PER_ITEM = 200;

const Scalar = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);
const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

export const FieldRule = z.strictObject({
  field: z.string().min(1).max(100),
  /** The field must be present and not empty (default true). */
  required: z.boolean().optional(),
  oneOf: z.array(Scalar).min(1).max(50).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

const itemFields = {
  id: z.string().regex(/^[A-Za-z0-9._-]{1,60}$/, 'use 1–60 letters, digits, ".", "-" or "_"'),
  /** streaming → branch alpha, batch → beta, realtime → gamma (ingestion items). */
  sourceType: enumOf(SOURCE_TYPES),
  /** An aggregation goes to branch primary (high priority) or secondary. */
  kind: enumOf(ITEM_KINDS).default('ingestion'),
  priority: enumOf(PRIORITIES).default('normal'),
  /** Records the item is expected to yield (the batch analysis reads it); default `maxRecords`. */
  size: z.number().int().min(1).max(1_000_000).optional(),
  /** Checks on the item's records besides the built-in ones. */
  rules: z.array(FieldRule).max(20).default([]),
};

export const SyncItem = z.discriminatedUnion('from', [
  /** Rows of a read-only store query (`store.query`). */
  z.strictObject({ from: z.literal('store'), sql: z.string().trim().min(1).max(10_000), params: z.array(Scalar).max(100).default([]), ...itemFields }),
  /** Lines of a text file in the filesystem sandbox (`filesystem.read_text_file`): log lines or JSON lines. */
  z.strictObject({ from: z.literal('file'), path: z.string().trim().min(1).max(500), ...itemFields }),
], { error: 'must be "store" (with sql) or "file" (with path)' });
export type SyncItem = z.output<typeof SyncItem>;
/** An item as a branch gets it: its size settled. */
export type PlannedItem = SyncItem & { size: number };

export const SyncBranchesInput = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  items: z.array(SyncItem).min(1, 'must list at least one item').max(MAX_ITEMS, `must list at most ${MAX_ITEMS} items`)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((item, index) => {
        if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `"${item.id}" is used by an earlier item` });
        seen.add(item.id);
      });
    }),
  /** The most records read per item (store rows, file lines). */
  maxRecords: z.number().int().min(1).max(MAX_RECORDS_PER_ITEM).default(100),
  /** The share of worker capacity free for this batch (the seed's cluster_cpu; > 0.7 allows parallel mode). */
  capacity: z.number().min(0).max(1).default(1),
  /** The most branches running at once in parallel mode (the seed's max_concurrent_workers; at most 5). */
  maxBranches: z.number().int().min(1).max(5).default(5),
  sync: z.strictObject({
    /** Progress at which the sync point merges after the grace period. */
    mergeRatio: z.number().gt(0).max(1).default(SYNC_DEFAULTS.mergeRatio),
    gracePeriod: z._default(Duration, SYNC_DEFAULTS.gracePeriod),
    /** How long the sync point waits in all before it rebalances the remaining work and retries it. */
    overallTimeout: z._default(Duration, SYNC_DEFAULTS.overallTimeout),
    maxRebalances: z.number().int().min(0).max(10).default(SYNC_DEFAULTS.maxRebalances),
  }).prefault({}),
  quality: z.strictObject({
    approveAt: z.number().min(0).max(1).default(QUALITY_DEFAULTS.approveAt),
    criticalBelow: z.number().min(0).max(1).default(QUALITY_DEFAULTS.criticalBelow),
    maxRevisions: z.number().int().min(0).max(5).default(QUALITY_DEFAULTS.maxRevisions),
  }).prefault({}).refine((q) => q.criticalBelow <= q.approveAt, { message: 'must not exceed approveAt', path: ['criticalBelow'] }),
  /** The seed's interrupt_before: a person approves before the sync point and/or before the quality validator. */
  gates: z.strictObject({
    beforeSync: z.boolean().default(false),
    beforeValidator: z.boolean().default(false),
    timeout: z._default(Duration, '24 hours'),
  }).prefault({}),
  /** Where the merged records are written in the filesystem sandbox (JSON lines); default `sync/<workflowId>.jsonl`. */
  output: z.string().trim().min(1).max(500).optional(),
});
export type SyncBranchesInput = z.input<typeof SyncBranchesInput>;
export type SyncBranchesOptions = z.output<typeof SyncBranchesInput>;

// ---------------------------------------------------------------------------------------------------------------------
// One branch (the `syncBranch` child workflow)

export interface BranchInput {
  branch: string;
  lane: Lane;
  /** `analysis`: the capability whose task queue runs the branch. */
  capability: string;
  items: PlannedItem[];
  maxRecords: number;
}

/** A merged record: its fields after transformation, its quality, and where it came from. */
export interface MergedRecord {
  item: string;
  branch: string;
  quality: number;
  problems?: string[];
  fields: Fields;
}

export interface ItemResult {
  item: string;
  branch: string;
  records: MergedRecord[];
  /** Mean record quality; absent when the item yielded no records or failed. */
  quality?: number;
  error?: { type: string; message: string };
}

export interface BranchResult {
  branch: string;
  lane: Lane;
  capability: string;
  processed: ItemResult[];
  /** Items it did not get to: it was stopped at the sync point. */
  remaining: string[];
  durationMs: number;
}

/** The signal by which the sync point stops a branch (merging without it, or rebalancing its work); its argument is why. */
export const STOP_BRANCH_SIGNAL = 'stopBranch';

// ---------------------------------------------------------------------------------------------------------------------
// The result

export interface BranchReport {
  branch: string;
  lane: Lane;
  capability: string;
  /** 0 for the first pass, n for the n-th revision. */
  revision: number;
  items: string[];
  status: 'completed' | 'stopped' | 'failed' | 'not_started';
  durationMs?: number;
  error?: { type: string; message: string };
}

export interface SyncPointReport {
  revision: number;
  attempt: number;
  progress: number;
  status: SyncStatus;
  action: SyncAction;
  finished: string[];
  remaining: string[];
  at: string;
}

export interface SyncBranchesResult {
  title?: string;
  outcome: 'quality_approved';
  analysis: {
    mode: WorkflowMode; maxBranches: number; complexityScore: number; dataDependencyScore: number; capacity: number;
    items: number; totalSize: number; sourceTypes: string[];
  };
  branches: BranchReport[];
  syncPoints: SyncPointReport[];
  rebalances: number;
  revisions: number;
  merge: {
    qualityScore: number;
    totalWeight: number;
    weights: BranchWeight[];
    /** Each branch's share of the merged weight (the seed's source attribution). */
    sourceAttribution: Record<string, number>;
    records: number;
    /** Items whose records are not in the merge: not finished when the sync point merged, or failed. */
    unmerged: string[];
  };
  validation: { verdict: Verdict; reason: string; qualityScore: number };
  items: Array<{ item: string; branch: string; records: number; quality?: number; error?: { type: string; message: string } }>;
  approvals: ApprovalRecord[];
  /** The merged records, one JSON object per line, in the filesystem sandbox. */
  output: { path: string; records: number };
  summary: string;
}

export const SyncBranchesResult = z.custom<SyncBranchesResult>((value) => typeof value === 'object' && value !== null);
