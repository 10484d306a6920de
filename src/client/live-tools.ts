/**
 * The live part of `orchestra validate`'s tool check: opens the MCP servers a definition calls, from the same
 * mcp.config.json the worker reads, with the project's McpPool, lists their tools, and closes them again. A server that
 * cannot be configured, started or listed is a warning, not a problem: the check is best-effort, and the run still
 * checks every call (ToolNotFound / InvalidToolArguments).
 */
import { loadMcpConfig } from '../mcp/config.js';
import { McpPool } from '../mcp/pool.js';
import type { ToolLists } from '../engine/tool-checks.js';

/** How long one server may take to start and answer its handshake here (the worker's pool default is 30 s). */
export const LIVE_TOOLS_CONNECT_TIMEOUT_MS = 30_000;

export interface LiveTools {
  tools: ToolLists;
  /** One line per server that could not be listed. */
  warnings: string[];
}

/** The tool lists of these servers (configured ones only; the static check reports the others). */
export async function listLiveTools(servers: Iterable<string>): Promise<LiveTools> {
  const wanted = [...new Set(servers)];
  if (!wanted.length) return { tools: {}, warnings: [] };
  let pool: McpPool;
  try {
    pool = new McpPool(loadMcpConfig(), { connectTimeoutMs: LIVE_TOOLS_CONNECT_TIMEOUT_MS, onServerStderr: () => undefined, log: () => undefined });
  } catch (err) {
    return { tools: {}, warnings: [`the MCP servers' tools were not checked: ${(err as Error).message}`] };
  }
  try {
    const tools: Record<string, ToolLists[string]> = {};
    const warnings: string[] = [];
    await Promise.all(wanted.filter((server) => pool.has(server)).map(async (server) => {
      try {
        tools[server] = (await pool.listTools(server)).map((t) => ({ name: t.name, inputSchema: t.inputSchema as Record<string, unknown> }));
      } catch (err) {
        warnings.push(`MCP server "${server}" could not be listed, so its tools were not checked: ${(err as Error).message}`);
      }
    }));
    return { tools, warnings };
  } finally {
    await pool.close();
  }
}
