import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Orchestra's custom search attributes: what people filter runs by in the Web UI and `orchestra list`.
 * The dev server registers them at start (see src/runtime/dev-server.ts).
 */
export const PATTERN = defineSearchAttributeKey('OrchestraPattern', SearchAttributeType.KEYWORD);
export const STATUS = defineSearchAttributeKey('OrchestraStatus', SearchAttributeType.KEYWORD);
export const PRIORITY = defineSearchAttributeKey('OrchestraPriority', SearchAttributeType.KEYWORD);
export const ROUTE = defineSearchAttributeKey('OrchestraRoute', SearchAttributeType.KEYWORD);
export const ESCALATED = defineSearchAttributeKey('OrchestraEscalated', SearchAttributeType.BOOL);
/** A finished run's business outcome in the pattern's words (completed, compensated, partial, escalated, denied, …). */
export const OUTCOME = defineSearchAttributeKey('OrchestraOutcome', SearchAttributeType.KEYWORD);

/** True while the run waits for a person at an approval gate (src/workflows/support/approval.ts). */
export const APPROVAL_PENDING = defineSearchAttributeKey('OrchestraApprovalPending', SearchAttributeType.BOOL);

export const ALL_SEARCH_ATTRIBUTES = [PATTERN, STATUS, PRIORITY, ROUTE, ESCALATED, OUTCOME, APPROVAL_PENDING];
