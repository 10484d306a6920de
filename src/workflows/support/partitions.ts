/**
 * Splitting a large fan-out into child workflows (partitions), shared by `parallelAggregate` and the engine's `map`:
 * even slices of at most `maxSize` items, and the fan-out's concurrency limit shared among the partitions running.
 */

/** A partition's items and where they start in the whole list. */
export interface Slice<T> {
  offset: number;
  items: T[];
}

/** At most `maxSize` items per slice, as even as can be: 2,500 items by 1,000 → 834 + 833 + 833. */
export function slicesOf<T>(items: readonly T[], maxSize: number): Array<Slice<T>> {
  const count = Math.ceil(items.length / maxSize);
  const size = Math.ceil(items.length / Math.max(1, count));
  const slices: Array<Slice<T>> = [];
  for (let offset = 0; offset < items.length; offset += size) slices.push({ offset, items: items.slice(offset, offset + size) });
  return slices;
}

/**
 * The limit shared: at most `maxConcurrency` partitions run at once, with `maxConcurrency / running` items each (at
 * least one), so the whole fan-out keeps about `maxConcurrency` items in flight.
 */
export function shareConcurrency(partitions: number, maxConcurrency: number): { concurrent: number; perPartition: number } {
  const concurrent = Math.max(1, Math.min(partitions, maxConcurrency));
  return { concurrent, perPartition: Math.max(1, Math.floor(maxConcurrency / concurrent)) };
}

/** A partition's child workflow id: `<parent>-part-2-of-3` (`prefix` tells apart several fan-outs of one run). */
export function partitionId(parentId: string, index: number, partitions: number, prefix = ''): string {
  return `${parentId}${prefix}-part-${index + 1}-of-${partitions}`;
}
