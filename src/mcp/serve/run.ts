/**
 * Running `orchestra mcp serve`: over stdio (for desktop hosts that start it as a subprocess; nothing but MCP goes to
 * stdout) or over Streamable HTTP (`--http host:port`, bearer token from ORCHESTRA_MCP_TOKEN, DNS-rebinding
 * protection; see src/mcp/http-serve.ts). Returns when the host disconnects (stdio) or on SIGINT/SIGTERM.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { Orchestra } from '../../client/api.js';
import { parseListenAddress, serveStreamableHttp } from '../http-serve.js';
import { createOrchestraMcpServer, type ServeOptions } from './server.js';

export const MCP_TOKEN_ENV = 'ORCHESTRA_MCP_TOKEN';

export interface RunServeOptions extends ServeOptions {
  /** `host:port`; absent means stdio. */
  http?: string;
  allowedHosts?: string[];
  log: (message: string) => void;
}

export async function runServe(options: RunServeOptions): Promise<void> {
  const address = options.http === undefined ? undefined : parseListenAddress(options.http);
  const orchestra = await Orchestra.connect();
  try {
    if (!address) {
      const server = createOrchestraMcpServer(orchestra, options);
      const closed = new Promise<void>((resolve) => { server.onclose = resolve; });
      await server.connect(new StdioServerTransport());
      options.log('Orchestra MCP server ready on stdio');
      await closed;
      return;
    }
    const serving = await serveStreamableHttp({
      ...address,
      token: process.env[MCP_TOKEN_ENV] || undefined,
      allowedHosts: options.allowedHosts,
      createServer: () => createOrchestraMcpServer(orchestra, options),
      log: options.log,
    });
    options.log(`Orchestra MCP server ready at ${serving.url}${process.env[MCP_TOKEN_ENV] ? ' (bearer token required)' : ' (no token: loopback only)'}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await serving.close();
  } finally {
    await orchestra.close();
  }
}
