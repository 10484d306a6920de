import type { Breakers } from '../mcp/breaker/breakers.js';
import type { McpPool } from '../mcp/pool.js';
import { businessFailuresWithoutStacks } from '../shared/business-failure.js';
import { createLlmActivities } from './llm.js';
import { createLlmToolActivities } from './llm-tools.js';
import { createPoolActivities } from './resource-pool.js';
import { createToolActivities } from './mcp.js';
import { createTextActivities } from './text.js';

/** What the activities touch, built once per worker process and passed in (tests pass the same real ones). */
export interface ActivityDeps {
  /** Connections to the configured MCP servers (filesystem, store, …). */
  mcp: McpPool;
  /** The MCP servers' circuit breakers, shared through their board file; tool calls run unguarded without them. */
  breakers?: Breakers;
}

/** Every activity the worker registers, grouped by what they touch; business failures leave without a stack trace. */
export function createActivities(deps: ActivityDeps) {
  return businessFailuresWithoutStacks({
    ...createToolActivities(deps.mcp, { breakers: deps.breakers }),
    ...createTextActivities(),
    ...createLlmActivities(),
    ...createLlmToolActivities(),
    ...createPoolActivities(),
  });
}

export type Activities = ReturnType<typeof createActivities>;
