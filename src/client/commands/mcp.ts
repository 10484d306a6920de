/** `orchestra mcp …`: Orchestra and MCP both ways — authorizing the worker's MCP client at remote servers. */
import type { Command } from 'commander';
import { login, NotAnHttpServerError } from '../../mcp/auth/login.js';
import { LOGIN_TIMEOUT_MS } from '../../mcp/auth/loopback.js';
import { TokenStore } from '../../mcp/auth/token-store.js';
import { loadMcpConfig } from '../../mcp/config.js';
import { UnknownServerError } from '../../mcp/pool.js';
import { err, out, UsageError } from '../output.js';

export function mcpCommands(program: Command): void {
  const mcp = program.command('mcp').description('MCP both ways: authorize Orchestra at remote MCP servers');

  mcp.command('login')
    .description('authorize Orchestra at a "url" MCP server (OAuth authorization code + PKCE); workers use and refresh the tokens')
    .argument('<server>', 'the server name in mcp.config.json')
    .option('--mcp-config <path>', 'the MCP config file (default: ORCHESTRA_MCP_CONFIG, else mcp.config.json)')
    .option('--port <port>', 'the local port the browser is sent back to (default: any free port)', (v) => Number(v))
    .action(async (server: string, opts: { mcpConfig?: string; port?: number }) => {
      const config = loadMcpConfig({ path: opts.mcpConfig });
      try {
        const result = await login(config, server, {
          port: opts.port,
          show: (url) => {
            err(`Open this URL in a browser to authorize Orchestra at "${server}" (waiting up to ${LOGIN_TIMEOUT_MS / 60_000} minutes):`);
            err(`  ${url.href}`);
          },
        });
        out(`authorized: "${server}" answers with ${result.tools} tool(s); tokens stored in ${result.file} (mode 600)`);
      } catch (e) {
        if (e instanceof NotAnHttpServerError || e instanceof UnknownServerError) throw new UsageError(e.message);
        throw e;
      }
    });

  mcp.command('logout')
    .description('forget the stored authorization for an MCP server')
    .argument('<server>')
    .action((server: string) => {
      const store = new TokenStore();
      out(store.remove(server) ? `forgot the authorization for "${server}" (${store.file(server)})` : `nothing stored for "${server}"`);
    });
}
