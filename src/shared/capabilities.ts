/**
 * Task queues per capability, named once. Workflow tasks (and any activity not routed elsewhere) run on the base queue
 * (`orchestra`, or ORCHESTRA_TASK_QUEUE); each capability's activities run on `<base>-<capability>`, derived from the
 * queue the workflow runs on, so workers can be run and scaled per capability:
 *
 *   tools     MCP tool calls (I/O bound: many at once, rate-limited for servers with quotas)
 *   analysis  text analysis (CPU bound: about one per core)
 *   agents    language-model generation (slow, metered: few at once)
 *
 * Pure (no process, no I/O): workflow code imports it.
 */
export const CAPABILITIES = ['workflows', 'tools', 'analysis', 'agents'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export function isCapability(value: string): value is Capability {
  return (CAPABILITIES as readonly string[]).includes(value);
}

/** The task queue of a capability for a base queue: the base itself for workflows, `<base>-<capability>` otherwise. */
export function capabilityQueue(base: string, capability: Capability): string {
  return capability === 'workflows' ? base : `${base}-${capability}`;
}

/**
 * Where a run sends its activities, chosen when it starts and kept in its memo (ACTIVITY_QUEUES_MEMO), so a replay
 * routes them the same way:
 * - `capability` (the default, and every run without the memo): each capability's own queue, so each capability's
 *   workers can be scaled on their own (`npm run worker -- --queues tools`).
 * - `workflow`: the run's own queue. The worker that completes a workflow task then gets the activities it scheduled
 *   back with the completion (the SDK's eager activity dispatch, which Temporal offers for the workflow's own queue
 *   only): no trip through the server's task matching and no wait for a poller. For a worker that serves every queue
 *   (`npm start`, `npm run worker` without `--queues`); in a deployment split by capability, the workflow workers would
 *   run the activities and the capability workers would sit idle.
 * Pure (no process, no I/O): workflow code imports it.
 */
export const ACTIVITY_QUEUES = ['capability', 'workflow'] as const;
export type ActivityQueues = (typeof ACTIVITY_QUEUES)[number];

/** The memo field that records a run's ActivityQueues (absent: `capability`). */
export const ACTIVITY_QUEUES_MEMO = 'orchestraActivityQueues';

export function isActivityQueues(value: string): value is ActivityQueues {
  return (ACTIVITY_QUEUES as readonly string[]).includes(value);
}
