/**
 * Keeping what a workflow returns under Temporal's payload limit (2 MB per payload by default). A result over it is
 * refused by the server when the workflow completes, and the workflow task then fails and retries forever: the run
 * hangs with nothing a caller can see. So a fan-out keeps branch results only up to a budget (the rest are listed as
 * omitted, with their sizes), and refuses, with a typed non-retryable failure that names the sizes, a result that
 * would still not fit.
 */
import { ApplicationFailure } from '@temporalio/common';

/** A result left out of an aggregate: the branch and the size of its result (JSON, bytes). */
export interface OmittedResult {
  id: string;
  bytes: number;
}

/**
 * The size of a value as JSON, in UTF-8 bytes (what the default payload converter writes). Counted by hand because
 * workflow code has no Buffer; the count follows UTF-8's rules: 1 byte below U+0080, 2 below U+0800, 4 for a
 * surrogate pair, else 3.
 */
export function jsonBytes(value: unknown): number {
  const json = JSON.stringify(value) ?? 'null';
  let bytes = 0;
  for (let i = 0; i < json.length; i += 1) {
    const code = json.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < json.length) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Keeps results in the given order while they fit in `budget` bytes (a result that does not fit is skipped, a later
 * smaller one may still fit); the others are omitted with their sizes. `earlier` lists results already omitted
 * upstream (by a partition), which stay omitted.
 */
export function keepWithinBudget(
  ids: readonly string[],
  results: Readonly<Record<string, unknown>>,
  budget: number,
  earlier: readonly OmittedResult[] = [],
): { results: Record<string, unknown>; omitted: OmittedResult[] } {
  const upstream = new Map(earlier.map((o) => [o.id, o.bytes]));
  const kept: Record<string, unknown> = {};
  const omitted: OmittedResult[] = [];
  let used = 0;
  for (const id of ids) {
    const before = upstream.get(id);
    if (before !== undefined) {
      omitted.push({ id, bytes: before });
      continue;
    }
    if (!Object.hasOwn(results, id)) continue;
    const bytes = jsonBytes(results[id]);
    const entry = jsonBytes(id) + 2 + bytes; // "id":value,
    if (used + entry <= budget) {
      kept[id] = results[id];
      used += entry;
    } else {
      omitted.push({ id, bytes });
    }
  }
  return { results: kept, omitted };
}

/** Throws a non-retryable `AggregateTooLarge` naming the sizes when `value` would not fit in `limit` bytes. */
export function assertFits(what: string, value: unknown, limit: number, advice: string): void {
  const bytes = jsonBytes(value);
  if (bytes <= limit) return;
  throw ApplicationFailure.create({
    type: 'AggregateTooLarge',
    nonRetryable: true,
    message: `${what} takes ${formatBytes(bytes)}, over the ${formatBytes(limit)} a workflow result may take `
      + `(Temporal refuses payloads over 2 MB): ${advice}`,
    details: [{ bytes, limit }],
  });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1_000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(2)} MB`;
}
