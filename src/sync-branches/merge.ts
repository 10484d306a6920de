/**
 * The seed's intelligent branch merger (`_merge_ingestion_intelligently`), pure: every branch that produced records is
 * weighted 0.7 × quality + 0.3 × 1 / (1 + seconds / 60) (quality first, faster second), the merged quality is the
 * weighted mean of the branches' qualities, and each branch's share of the weight is its source attribution. Records
 * keep the branch they came from.
 */

/** The seed's weights. */
export const MERGE_WEIGHTS = { quality: 0.7, speed: 0.3, speedScaleSeconds: 60 } as const;
/** The seed's quality for a branch that reports none (`performance.get("data_quality_score", 0.5)`). */
export const DEFAULT_BRANCH_QUALITY = 0.5;

/** What the merger reads of a finished branch. */
export interface MergeInput {
  branch: string;
  /** Mean record quality, 0–1; undefined when the branch reported none (no records). */
  quality?: number;
  /** The branch's execution time. */
  seconds: number;
}

export interface BranchWeight {
  branch: string;
  quality: number;
  seconds: number;
  /** 1 / (1 + seconds / 60) */
  timeFactor: number;
  /** 0.7 × quality + 0.3 × timeFactor */
  weight: number;
  /** weight / total weight */
  share: number;
}

export interface MergeScore {
  /** Σ quality × weight / Σ weight; 0 when nothing was merged (the seed's "no data" status). */
  qualityScore: number;
  totalWeight: number;
  branches: BranchWeight[];
}

export function branchWeight(quality: number, seconds: number): { timeFactor: number; weight: number } {
  const timeFactor = 1 / (1 + seconds / MERGE_WEIGHTS.speedScaleSeconds);
  return { timeFactor, weight: quality * MERGE_WEIGHTS.quality + timeFactor * MERGE_WEIGHTS.speed };
}

export function mergeScore(inputs: readonly MergeInput[]): MergeScore {
  const weighted = inputs.map((input) => {
    const quality = input.quality ?? DEFAULT_BRANCH_QUALITY;
    return { branch: input.branch, quality, seconds: input.seconds, ...branchWeight(quality, input.seconds) };
  });
  const totalWeight = weighted.reduce((n, b) => n + b.weight, 0);
  if (totalWeight === 0) return { qualityScore: 0, totalWeight: 0, branches: weighted.map((b) => ({ ...b, share: 0 })) };
  return {
    qualityScore: weighted.reduce((n, b) => n + b.quality * b.weight, 0) / totalWeight,
    totalWeight,
    branches: weighted.map((b) => ({ ...b, share: b.weight / totalWeight })),
  };
}

/** Mean of the records' qualities; undefined for none. */
export function meanQuality(qualities: readonly number[]): number | undefined {
  return qualities.length ? qualities.reduce((a, b) => a + b, 0) / qualities.length : undefined;
}
