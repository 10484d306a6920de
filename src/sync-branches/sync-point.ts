/**
 * The seed's sync point (`_synchronization_point_node` and `_route_after_synchronization`) as one pure rule: given how
 * many branches have finished and how long the sync point has waited, merge, merge after a grace period, keep waiting,
 * or recover from a timeout by rebalancing the remaining work.
 */

/** The seed's sync-point settings; the schema's defaults come from here. */
export const SYNC_DEFAULTS = {
  /** sync_progress ≥ 0.75 → "waiting_final": merge what is done once the grace period has passed. */
  mergeRatio: 0.75,
  /** How long a sync point at or above `mergeRatio` waits for the rest before merging (ours: the seed names no figure). */
  gracePeriod: '1 minute',
  /** How long a sync point waits in all before recovering (the seed's agent `timeout_seconds`: 300). */
  overallTimeout: '5 minutes',
  /** Timeout recoveries (rebalance and retry) before the run gives up (the seed's `retry_attempts`: 3). */
  maxRebalances: 3,
} as const;

/** The seed's actions after the sync point. */
export type SyncAction = 'proceed_to_data_merge' | 'conditional_proceed' | 'continue_waiting' | 'timeout_recovery';
/** The seed's `sync_status`, plus `timed_out` for the recovery. */
export type SyncStatus = 'completed' | 'waiting_final' | 'waiting' | 'timed_out';

export interface SyncPolicy {
  mergeRatio: number;
  graceMs: number;
  timeoutMs: number;
}

export interface SyncState {
  /** Branches that must finish (the sync point's required branches). */
  required: number;
  /** Branches that have finished (completed or failed: settled). */
  finished: number;
  /** When the sync point started waiting, and now (workflow time, ms). */
  startedAt: number;
  now: number;
  /** When progress first reached `mergeRatio`, if it has. */
  thresholdReachedAt?: number;
}

export interface SyncDecision {
  progress: number;
  status: SyncStatus;
  action: SyncAction;
  /** For `continue_waiting`: when to look again if no branch finishes first. */
  wakeAt?: number;
}

/**
 * All finished → merge. At or past the overall timeout → merge what is done when progress ≥ mergeRatio (the grace
 * period could not run out first), else recover (rebalance). Progress ≥ mergeRatio → merge once the grace period since
 * it got there has passed, else wait until then. Below → wait until the timeout.
 */
export function syncDecision(state: SyncState, policy: SyncPolicy): SyncDecision {
  const progress = state.required === 0 ? 1 : state.finished / state.required;
  if (progress >= 1) return { progress, status: 'completed', action: 'proceed_to_data_merge' };
  const timeoutAt = state.startedAt + policy.timeoutMs;
  if (progress >= policy.mergeRatio) {
    const graceEndsAt = (state.thresholdReachedAt ?? state.now) + policy.graceMs;
    if (state.now >= graceEndsAt || state.now >= timeoutAt) return { progress, status: 'waiting_final', action: 'conditional_proceed' };
    return { progress, status: 'waiting_final', action: 'continue_waiting', wakeAt: Math.min(graceEndsAt, timeoutAt) };
  }
  if (state.now >= timeoutAt) return { progress, status: 'timed_out', action: 'timeout_recovery' };
  return { progress, status: 'waiting', action: 'continue_waiting', wakeAt: timeoutAt };
}
