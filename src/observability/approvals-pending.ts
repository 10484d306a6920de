/**
 * `orchestra_approvals_pending` from the cluster: each scrape asks Temporal's visibility how many running workflows are
 * flagged OrchestraApprovalPending (the approval gate sets it while it waits, src/workflows/support/approval.ts). A
 * per-process gauge cannot be right: a gate asked on one worker is often decided on another, and a restarted worker
 * forgets the gates it saw, so the sum over workers drifts (even below zero). Visibility is eventually consistent: a
 * decision shows within about a second.
 */
import type { Client } from '@temporalio/client';
import { APPROVAL_PENDING } from '../shared/search-attributes.js';
import { countApprovalsPendingWith } from './metrics.js';

/** The visibility query: runs still open that wait for a person. */
export const APPROVALS_PENDING_QUERY = `${APPROVAL_PENDING.name} = true AND ExecutionStatus = 'Running'`;

/** Counts pending approvals through `client` at every scrape of this process's metrics. */
export function countApprovalsPendingIn(client: Client): void {
  countApprovalsPendingWith(async () => (await client.workflow.count(APPROVALS_PENDING_QUERY)).count);
}
