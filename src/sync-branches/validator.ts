/**
 * The seed's quality validator (`_data_quality_validation_node` and `_route_quality_validation`), pure: approve the
 * merged data, send the items below the bar back through the branches (a bounded revision loop), or fail critically.
 */

export const QUALITY_DEFAULTS = {
  /** Merged quality at or above this is approved (the seed's `quality_threshold`: 0.8). */
  approveAt: 0.8,
  /** Merged quality below this is a critical failure at once (ours: the seed's neutral 0.5, "no quality known"). */
  criticalBelow: 0.5,
  /** Revision rounds before giving up (the seed's `iteration_limit` of 3 passes: the first and two revisions). */
  maxRevisions: 2,
} as const;

export type Verdict = 'quality_approved' | 'needs_revision' | 'critical_failure';

export interface QualityPolicy {
  approveAt: number;
  criticalBelow: number;
  maxRevisions: number;
}

export interface ValidatorInput {
  /** The merged quality score. */
  qualityScore: number;
  /** Records merged. */
  records: number;
  /** Each merged item's quality (undefined: it yielded no records). */
  items: ReadonlyArray<{ id: string; quality?: number }>;
  /** Revisions already made. */
  revisions: number;
}

/** The failure a critical verdict ends the run with: too poor (or nothing) at once, or still short after the revisions. */
export type QualityFailure = 'QualityCritical' | 'QualityNotMet';

export interface Validation {
  verdict: Verdict;
  reason: string;
  /** For `critical_failure`: the failure type the run ends with. */
  failure?: QualityFailure;
  /** For `needs_revision`: the items to process again (quality below `approveAt`). */
  revise: string[];
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

/**
 * Approved at or above `approveAt`. Critical: nothing merged, below `criticalBelow`, or still below `approveAt` after
 * `maxRevisions` revisions. Otherwise the items below `approveAt` go back through the branches.
 */
export function validateQuality(input: ValidatorInput, policy: QualityPolicy): Validation {
  const score = pct(input.qualityScore);
  if (input.records === 0) return { verdict: 'critical_failure', failure: 'QualityCritical', reason: 'no records were merged', revise: [] };
  if (input.qualityScore >= policy.approveAt) {
    return { verdict: 'quality_approved', reason: `quality ${score} ≥ ${pct(policy.approveAt)}`, revise: [] };
  }
  if (input.qualityScore < policy.criticalBelow) {
    return { verdict: 'critical_failure', failure: 'QualityCritical', reason: `quality ${score} < ${pct(policy.criticalBelow)}: too poor to revise`, revise: [] };
  }
  if (input.revisions >= policy.maxRevisions) {
    return {
      verdict: 'critical_failure',
      failure: 'QualityNotMet',
      reason: `quality ${score} still < ${pct(policy.approveAt)} after ${input.revisions} revision${input.revisions === 1 ? '' : 's'} (the most allowed)`,
      revise: [],
    };
  }
  const revise = input.items.filter((item) => item.quality !== undefined && item.quality < policy.approveAt).map((item) => item.id);
  if (!revise.length) return { verdict: 'critical_failure', failure: 'QualityNotMet', reason: `quality ${score} < ${pct(policy.approveAt)} with no item below it to revise`, revise };
  return { verdict: 'needs_revision', reason: `quality ${score} < ${pct(policy.approveAt)}: ${revise.length} item(s) go back through the branches`, revise };
}
