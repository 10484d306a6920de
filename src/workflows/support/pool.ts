/**
 * The resource pool from workflow code: acquire (waits while the pool is full; heartbeats so a cancellation stops the
 * wait at once) and release (retried: a grant must never be left behind), as activities named in the Web UI.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { PoolActivities } from '../../activities/resource-pool.js';

export const poolActivities = proxyActivities<PoolActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes: ['InvalidUpdate', 'RequestWithdrawn', 'InvalidInput'] },
});

/** Gives a grant (or a queued request) back; an unknown id is a no-op, so a holder and its parent may both call it. */
export function releaseGrant(pool: string, requestId: string, outcome?: { agentType: string; succeeded: boolean }) {
  return poolActivities.releaseResources.executeWithOptions(
    { summary: `release ${requestId} to pool ${pool}`, startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 20, maximumInterval: '10 seconds' } },
    [{ pool, request: { requestId, ...(outcome ? { outcome } : {}) } }]);
}
