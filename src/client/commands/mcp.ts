/**
 * `orchestra mcp …`: Orchestra and MCP both ways — serving Orchestra's workflows as MCP tools, and authorizing the
 * worker's MCP client at remote servers.
 */
import type { Command } from 'commander';
import { login, NotAnHttpServerError } from '../../mcp/auth/login.js';
import { LOGIN_TIMEOUT_MS } from '../../mcp/auth/loopback.js';
import { TokenStore } from '../../mcp/auth/token-store.js';
import { loadMcpConfig } from '../../mcp/config.js';
import { HttpServeConfigError } from '../../mcp/http-serve.js';
import { UnknownServerError } from '../../mcp/pool.js';
import { MCP_TOKEN_ENV, runServe } from '../../mcp/serve/run.js';
import { DEFAULT_WAIT_SECONDS } from '../../mcp/serve/server.js';
import { err, out, UsageError } from '../output.js';

export function mcpCommands(program: Command): void {
  const mcp = program.command('mcp').description('MCP both ways: serve the workflows as MCP tools; authorize Orchestra at remote MCP servers');

  mcp.command('serve')
    .description('serve every workflow type as an MCP tool (plus follow_run, answer_run, cancel_run), over stdio or Streamable HTTP')
    .option('--http <host:port>', `serve Streamable HTTP at http://host:port/mcp (bearer token from ${MCP_TOKEN_ENV}; required unless on loopback)`)
    .option('--allowed-host <host:port...>', 'more Host header values to accept (behind a reverse proxy); others get 403')
    .option('--wait-seconds <n>', `how long a call waits for its run before answering "still running" (default ${DEFAULT_WAIT_SECONDS})`, (v) => Number(v))
    .action(async (opts: { http?: string; allowedHost?: string[]; waitSeconds?: number }) => {
      if (opts.waitSeconds !== undefined && !(opts.waitSeconds >= 0)) throw new UsageError('--wait-seconds must be a number ≥ 0');
      try {
        await runServe({ http: opts.http, allowedHosts: opts.allowedHost, waitSeconds: opts.waitSeconds, log: err });
      } catch (e) {
        if (e instanceof HttpServeConfigError) throw new UsageError(e.message);
        throw e;
      }
    });

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
