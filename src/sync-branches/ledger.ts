/**
 * What the run keeps between rounds, pure: the latest result of every item (a revision's result replaces the first),
 * how long each branch took, and from those the quality-weighted merge — records in item order, each keeping the branch
 * it came from.
 */
import type { ItemResult, MergedRecord } from '../schemas/sync-branches.js';
import { meanQuality, mergeScore, type MergeScore } from './merge.js';

export interface Merged {
  score: MergeScore;
  records: MergedRecord[];
  /** Items with no records in the merge: not finished, failed, or empty. */
  unmerged: string[];
  items: Array<{ id: string; quality?: number }>;
}

export class Ledger {
  private readonly latest = new Map<string, ItemResult>();
  private readonly seconds = new Map<string, number>();

  constructor(private readonly itemOrder: readonly string[]) {}

  /** A branch's results: its processed items replace their earlier results. */
  addBranch(branch: string, durationMs: number, processed: readonly ItemResult[]): void {
    this.seconds.set(branch, durationMs / 1000);
    for (const result of processed) this.latest.set(result.item, result);
  }

  result(item: string): ItemResult | undefined {
    return this.latest.get(item);
  }

  merge(): Merged {
    const results = this.itemOrder.map((id) => this.latest.get(id)).filter((r): r is ItemResult => r !== undefined);
    const merged = results.filter((r) => !r.error && r.records.length);
    const branches = [...new Set(merged.map((r) => r.branch))];
    const score = mergeScore(branches.map((branch) => ({
      branch,
      quality: meanQuality(merged.filter((r) => r.branch === branch).flatMap((r) => r.records.map((record) => record.quality))),
      seconds: this.seconds.get(branch) ?? 0,
    })));
    return {
      score,
      records: merged.flatMap((r) => r.records),
      unmerged: this.itemOrder.filter((id) => !merged.some((r) => r.item === id)),
      items: merged.map((r) => ({ id: r.item, quality: r.quality })),
    };
  }
}
