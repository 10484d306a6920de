import { workflowInfo } from '@temporalio/workflow';
import { capabilityQueue, type Capability } from '../../shared/capabilities.js';

/** The task queue for this run's activities of a capability: `<the run's queue>-<capability>`. */
export function queueFor(capability: Capability): string {
  return capabilityQueue(workflowInfo().taskQueue, capability);
}
