/**
 * Join rules of `parallel` and `map`, as one number: how many of the n branches must complete. `all` is n, `any` is
 * 1, `{quorum: k}` is k, `{toleratedFailurePercentage: p}` is n minus the failures p% allows (rounded down). The join
 * is decided as soon as that many completed (success) or too many failed for it to be reached (failure).
 */
import type { Join } from './definition.js';

export function requiredSuccesses(join: Join, n: number): number {
  if (join === 'all') return n;
  if (join === 'any') return Math.min(1, n);
  if ('quorum' in join) return Math.min(join.quorum, n);
  return n - Math.floor((n * join.toleratedFailurePercentage) / 100);
}

export type JoinOutcome = 'succeeded' | 'failed' | 'undecided';

export function joinOutcome(required: number, n: number, completed: number, failed: number): JoinOutcome {
  if (completed >= required) return 'succeeded';
  if (failed > n - required) return 'failed';
  return 'undecided';
}
