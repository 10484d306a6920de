import { workflowInfo } from '@temporalio/workflow';
import { ACTIVITY_QUEUES_MEMO, capabilityQueue, type Capability } from '../../shared/capabilities.js';

/** Whether this run sends its activities to its own queue (see ActivityQueues in src/shared/capabilities.ts). */
function onWorkflowQueue(): boolean {
  return workflowInfo().memo?.[ACTIVITY_QUEUES_MEMO] === 'workflow';
}

/**
 * The task queue for this run's activities of a capability: `<the run's queue>-<capability>`, or the run's own queue
 * when it was started with its activities there (eager activity dispatch).
 */
export function queueFor(capability: Capability): string {
  const { taskQueue } = workflowInfo();
  return onWorkflowQueue() ? taskQueue : capabilityQueue(taskQueue, capability);
}

/** The start options a child workflow takes to route its activities as this run does (spread into its options). */
export function childRouting(): { memo?: Record<string, unknown> } {
  return onWorkflowQueue() ? { memo: { [ACTIVITY_QUEUES_MEMO]: 'workflow' } } : {};
}
