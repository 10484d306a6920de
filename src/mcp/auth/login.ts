/**
 * `orchestra mcp login <server>`: the authorization-code flow with PKCE for one configured `url` server, run once by
 * a person so that workers can use (and refresh) the tokens afterwards. It connects the way a worker would, with a
 * loopback user agent attached: the server's 401 challenge names the scope, discovery finds the authorization server,
 * the person opens the printed URL, and the redirect brings the code back to this process. The tokens go to the
 * token store (mode 600) and nowhere else: never printed, never logged.
 */
import type { McpConfig } from '../config.js';
import { McpPool } from '../pool.js';
import { startLoopbackUserAgent } from './loopback.js';
import { TokenStore } from './token-store.js';

export interface LoginOptions {
  /** Shows the authorization URL to the person. */
  show: (authorizationUrl: URL) => void | Promise<void>;
  /** The loopback redirect port (0: any free port). */
  port?: number;
  store?: TokenStore;
  timeoutMs?: number;
}

export interface LoginResult {
  /** Where the tokens were stored. */
  file: string;
  /** The server's tools, proof that the authorization works. */
  tools: number;
}

export class NotAnHttpServerError extends Error {
  constructor(readonly server: string) {
    super(`MCP server "${server}" is a stdio server: only "url" servers use OAuth`);
    this.name = 'NotAnHttpServerError';
  }
}

export async function login(config: McpConfig, server: string, options: LoginOptions): Promise<LoginResult> {
  const spec = config.servers[server];
  if (spec?.transport === 'stdio') throw new NotAnHttpServerError(server);
  const store = options.store ?? new TokenStore();
  const userAgent = await startLoopbackUserAgent({ show: options.show, port: options.port, timeoutMs: options.timeoutMs });
  const pool = new McpPool(config, { auth: { store, userAgent }, log: () => undefined, onServerStderr: () => undefined });
  try {
    const tools = await pool.listTools(server); // an unknown server name fails here, naming the configured ones
    return { file: store.file(server), tools: tools.length };
  } finally {
    await pool.close();
    await userAgent.close();
  }
}
