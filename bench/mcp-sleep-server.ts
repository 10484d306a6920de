/**
 * A bench-only MCP server (stdio) with one tool, `sleep`: waits `ms` milliseconds and says how long it really waited.
 * The fan-out benchmarks' branches call it through parallelAggregate's real path (the callTool activity, the worker's
 * MCP pool), so a branch has a known, fixed duration and the rest of the wall time is orchestration.
 *
 *   node --import tsx bench/mcp-sleep-server.ts
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'orchestra-bench', version: '0.1.0' });
server.registerTool('sleep', {
  description: 'Waits the given milliseconds, then returns how long it waited.',
  inputSchema: { ms: z.number().int().min(0).max(60_000) },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
}, async ({ ms }, extra) => {
  const start = performance.now();
  await sleep(ms, undefined, { signal: extra.signal }).catch(() => undefined);
  const sleptMs = Math.round((performance.now() - start) * 100) / 100;
  return { content: [{ type: 'text', text: JSON.stringify({ sleptMs }) }], structuredContent: { sleptMs } };
});
await server.connect(new StdioServerTransport());
