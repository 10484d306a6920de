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
