/**
 * The worker's MCP client pool: one connection per configured server per worker process, shared by every activity
 * that runs there.
 *
 * - Lazy: a server starts (stdio) or is reached (HTTP) on the first call that needs it; concurrent first calls share
 *   one in-flight connect.
 * - Self-healing: when a connection closes (the server process died, the HTTP session was lost) it is forgotten, and
 *   the next call opens a fresh one. A request that timed out is followed by a ping; a server that does not answer it
 *   is restarted on the next call.
 * - Tool lists are cached per connection, dropped on `notifications/tools/list_changed` and on reconnect.
 * - stdio servers' stderr is forwarded line by line (prefixed with the server name) so their failures are visible, and
 *   its tail is quoted when a server fails to start. Both, and every message the pool produces, are redacted
 *   (src/shared/redact.ts): configured secrets never reach a log or a failure.
 * - `close()` ends every connection (stdio servers are stopped); call it when the worker shuts down.
 * - HTTP servers are reached through an authorizing fetch (src/mcp/auth/): OAuth per the MCP authorization spec.
 * - Servers' requests (elicitation, sampling) are answered by `handlers` (client-handlers.ts); only those declared.
 *   A call whose server may ask a person something runs on a connection of its own (`callToolAlone`, elicitation.ts).
 *
 * The client advertises no `roots` capability, so a server such as the filesystem server keeps the roots it was given
 * on its command line: a sandbox cannot be widened from the client side.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  McpError,
  ToolListChangedNotificationSchema,
  type CallToolRequest,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { redact, redactError } from '../shared/redact.js';
import { authorizedFetch, type AuthorizationOptions } from './auth/authorized-fetch.js';
import { clientCapabilities, registerClientHandlers, type ClientHandlers } from './client-handlers.js';
import { loadMcpConfig, type LoadMcpConfigOptions, type McpConfig, type McpServerSpec } from './config.js';

export type { Tool, CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export interface McpPoolOptions {
  /** How long starting a server plus the MCP handshake may take. Default 30 s. */
  connectTimeoutMs?: number;
  /** Receives each stderr line of a stdio server. Default: `[mcp:<server>] <line>` on the worker's stderr. */
  onServerStderr?: (server: string, line: string) => void;
  /** Receives the pool's own notices (connects, disconnects, transport errors). Default: the worker's stderr. */
  log?: (message: string) => void;
  /** OAuth for `url` servers: where user tokens live, and whether a person can be asked (src/mcp/auth/). */
  auth?: AuthorizationOptions;
  /** Answers servers' requests (elicitation); a capability is declared only when its handler is given. */
  handlers?: ClientHandlers;
}

/** The server name is not in the configuration. */
export class UnknownServerError extends Error {
  constructor(readonly server: string, readonly configured: string[]) {
    super(`no MCP server "${server}" is configured (configured: ${configured.join(', ') || 'none'})`);
    this.name = 'UnknownServerError';
  }
}

/** The server could not be started or reached, or failed its handshake. Nothing was sent to it. */
export class ServerUnavailableError extends Error {
  constructor(readonly server: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerUnavailableError';
  }
}

const STDERR_TAIL_LINES = 20;

/** One live connection to one server. */
export class McpConnection {
  alive = true;
  private tools?: Promise<Tool[]>;
  private readonly stderrTail: string[] = [];

  constructor(readonly spec: McpServerSpec, readonly client: Client, readonly transport: Transport) {}

  /** The tool list, fetched once per connection (all pages) and again after `tools/list_changed`. */
  listTools(): Promise<Tool[]> {
    if (!this.tools) {
      const fetching = (async () => {
        const tools: Tool[] = [];
        let cursor: string | undefined;
        do {
          const page = await this.client.listTools(cursor ? { cursor } : undefined);
          tools.push(...page.tools);
          cursor = page.nextCursor;
        } while (cursor);
        return tools;
      })();
      this.tools = fetching;
      fetching.catch(() => {
        if (this.tools === fetching) this.tools = undefined;
      });
    }
    return this.tools;
  }

  invalidateTools(): void {
    this.tools = undefined;
  }

  /** The stdio server's process id (undefined for HTTP servers or once it has exited). */
  get pid(): number | undefined {
    return this.transport instanceof StdioClientTransport ? (this.transport.pid ?? undefined) : undefined;
  }

  recordStderr(line: string): void {
    this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
  }

  get recentStderr(): string {
    return this.stderrTail.join('\n');
  }
}

interface Entry {
  connecting: Promise<McpConnection>;
  connection?: McpConnection;
}

export class McpPool {
  readonly servers: Readonly<Record<string, McpServerSpec>>;
  private readonly entries = new Map<string, Entry>();
  private readonly connectTimeoutMs: number;
  private readonly onServerStderr: (server: string, line: string) => void;
  private readonly log: (message: string) => void;
  private readonly options: McpPoolOptions;
  private closed = false;

  constructor(config: McpConfig | Record<string, McpServerSpec>, options: McpPoolOptions = {}) {
    this.servers = isMcpConfig(config) ? config.servers : config;
    this.options = options;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    // Server output and the pool's notices are shown to operators: redacted here, once, whoever receives them.
    const onServerStderr = options.onServerStderr ?? ((server, line) => process.stderr.write(`[mcp:${server}] ${line}\n`));
    const log = options.log ?? ((message) => process.stderr.write(`orchestra: ${message}\n`));
    this.onServerStderr = (server, line) => onServerStderr(server, redact(line));
    this.log = (message) => log(redact(message));
  }

  /** A pool over the configuration file the worker was pointed at (see loadMcpConfig). */
  static fromConfigFile(load: LoadMcpConfigOptions = {}, options: McpPoolOptions = {}): McpPool {
    return new McpPool(loadMcpConfig(load), options);
  }

  get serverNames(): string[] {
    return Object.keys(this.servers);
  }

  has(server: string): boolean {
    return Object.hasOwn(this.servers, server);
  }

  /** The live connection to a server, opening it if needed. Throws UnknownServerError / ServerUnavailableError. */
  async connection(server: string): Promise<McpConnection> {
    for (;;) {
      if (this.closed) throw new ServerUnavailableError(server, 'the MCP pool is closed (the worker is shutting down)');
      const spec = this.servers[server];
      if (!spec || !this.has(server)) throw new UnknownServerError(server, this.serverNames);
      let entry = this.entries.get(server);
      if (!entry) {
        const connecting = this.open(spec);
        const created: Entry = { connecting };
        entry = created;
        this.entries.set(server, created);
        connecting.then(
          (connection) => {
            created.connection = connection;
            if (!connection.alive) this.forget(server, connection);
          },
          () => {
            if (this.entries.get(server) === created) this.entries.delete(server);
          },
        );
      }
      const connection = await entry.connecting;
      if (connection.alive) return connection;
      this.forget(server, connection); // died between connect and use: loop and open a fresh one
    }
  }

  async listTools(server: string): Promise<Tool[]> {
    return (await this.connection(server)).listTools();
  }

  /** The tool's definition; if it is not in the cached list, the list is fetched once more before giving up. */
  async findTool(server: string, name: string): Promise<Tool | undefined> {
    const connection = await this.connection(server);
    const cached = (await connection.listTools()).find((tool) => tool.name === name);
    if (cached) return cached;
    connection.invalidateTools();
    return (await connection.listTools()).find((tool) => tool.name === name);
  }

  /**
   * Calls a tool on the server's current connection. A connection-level failure also retires the connection, so the
   * next call (the activity's retry) starts from a fresh one.
   */
  async callTool(server: string, params: CallToolRequest['params'], options?: RequestOptions): Promise<CallToolResult> {
    const connection = await this.connection(server);
    try {
      return (await connection.client.callTool(params, undefined, options)) as CallToolResult;
    } catch (err) {
      if (isConnectionFailure(err)) {
        this.retire(connection, `call to ${params.name} failed: ${(err as Error).message}`);
      } else if (err instanceof McpError && err.code === ErrorCode.RequestTimeout && !options?.signal?.aborted) {
        this.checkResponsive(connection);
      }
      throw err;
    }
  }

  /**
   * Calls a tool on a connection of its own, opened for this call and closed after it, whose client answers the
   * server's requests with `handlers` (and declares only those). For a call the server may ask a question: on this
   * connection any question is this call's (src/mcp/elicitation.ts says why that takes a connection).
   */
  async callToolAlone(server: string, params: CallToolRequest['params'], options: RequestOptions | undefined, handlers: ClientHandlers): Promise<CallToolResult> {
    if (this.closed) throw new ServerUnavailableError(server, 'the MCP pool is closed (the worker is shutting down)');
    const spec = this.servers[server];
    if (!spec || !this.has(server)) throw new UnknownServerError(server, this.serverNames);
    const connection = await this.open(spec, { ...this.options.handlers, ...handlers });
    try {
      return (await connection.client.callTool(params, undefined, options)) as CallToolResult;
    } finally {
      connection.alive = false;
      await connection.client.close().catch(() => undefined);
    }
  }

  /** The process id of a stdio server's current connection (for diagnostics and tests). */
  pid(server: string): number | undefined {
    return this.entries.get(server)?.connection?.pid;
  }

  /** Closes every connection and refuses new calls. Safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true;
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.allSettled(entries.map(async (entry) => {
      const connection = await entry.connecting;
      connection.alive = false;
      await connection.client.close();
    }));
  }

  private async open(spec: McpServerSpec, handlers = this.options.handlers): Promise<McpConnection> {
    const client = new Client({ name: 'orchestra', version: '0.1.0' }, { capabilities: clientCapabilities(handlers) });
    registerClientHandlers(client, spec.name, handlers);
    const transport: Transport = spec.transport === 'stdio'
      ? new StdioClientTransport({ command: spec.command, args: spec.args, env: spec.env, cwd: spec.cwd, stderr: 'pipe' })
      : new StreamableHTTPClientTransport(spec.url, { requestInit: { headers: spec.headers }, fetch: this.fetchFor(spec) });
    const connection = new McpConnection(spec, client, transport);

    if (transport instanceof StdioClientTransport) forwardLines(transport, (line) => {
      connection.recordStderr(redact(line));
      this.onServerStderr(spec.name, line);
    });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => connection.invalidateTools());
    client.onclose = () => {
      if (!connection.alive) return;
      connection.alive = false;
      connection.invalidateTools();
      this.forget(spec.name, connection);
      if (!this.closed) this.log(`MCP server "${spec.name}" disconnected; the next call reconnects`);
    };
    client.onerror = (error) => {
      // SDK 1.x race (modelcontextprotocol/typescript-sdk#2580): a progress notification that arrives together with
      // its response is dispatched after the response retired its token. Only that last progress is lost; not an error.
      if (this.closed || /progress notification for an unknown token/.test(error.message)) return;
      this.log(`MCP server "${spec.name}": ${error.message}`);
    };

    try {
      await client.connect(transport, { timeout: this.connectTimeoutMs });
    } catch (err) {
      connection.alive = false;
      await client.close().catch(() => undefined);
      const stderr = connection.recentStderr;
      throw new ServerUnavailableError(
        spec.name,
        redact(`could not start MCP server "${spec.name}" (${describeSpec(spec)}): ${(err as Error).message}` +
          (stderr ? `; its stderr ended with:\n${stderr}` : '')),
        { cause: redactError(err) },
      );
    }
    if (this.closed) {
      await client.close().catch(() => undefined);
      throw new ServerUnavailableError(spec.name, 'the MCP pool is closed (the worker is shutting down)');
    }
    const version = client.getServerVersion();
    this.log(`MCP server "${spec.name}" connected (${version ? `${version.name} ${version.version}` : 'unknown server'}` +
      `${connection.pid ? `, pid ${connection.pid}` : ''})`);
    return connection;
  }

  /** One authorizing fetch per HTTP server, kept across reconnects so its tokens are too. */
  private readonly fetches = new Map<string, ReturnType<typeof authorizedFetch>>();
  private fetchFor(spec: Extract<McpServerSpec, { transport: 'http' }>): ReturnType<typeof authorizedFetch> {
    let found = this.fetches.get(spec.name);
    if (!found) this.fetches.set(spec.name, found = authorizedFetch(spec, this.options.auth));
    return found;
  }

  /** Drops the entry for this connection (if it is still the current one). */
  private forget(server: string, connection: McpConnection): void {
    const entry = this.entries.get(server);
    if (entry?.connection === connection) this.entries.delete(server);
  }

  /** Takes a connection out of service and closes it (stopping a stdio server). */
  private retire(connection: McpConnection, why: string): void {
    if (!connection.alive) return;
    connection.alive = false;
    this.forget(connection.spec.name, connection);
    this.log(`MCP server "${connection.spec.name}": ${why}; reconnecting on the next call`);
    connection.client.close().catch(() => undefined);
  }

  /** After a timeout: a server that cannot answer a ping either is wedged, and is restarted on the next call. */
  private checkResponsive(connection: McpConnection): void {
    connection.client.ping({ timeout: 5_000 }).catch(() => this.retire(connection, 'no answer to ping after a timeout'));
  }
}

function isMcpConfig(value: McpConfig | Record<string, McpServerSpec>): value is McpConfig {
  return typeof (value as McpConfig).source === 'string' && typeof (value as McpConfig).servers === 'object';
}

/** Failures that mean this connection is unusable (as opposed to this one request failing). */
export function isConnectionFailure(err: unknown): boolean {
  if (err instanceof McpError) return err.code === ErrorCode.ConnectionClosed && !/cancelled/i.test(err.message);
  if (err instanceof StreamableHTTPError) return err.code === 404 || err.code === undefined; // session gone / no stream
  if (err instanceof Error && err.message === 'Not connected') return true;
  return err instanceof TypeError && /fetch failed/i.test(err.message); // HTTP server unreachable
}

function describeSpec(spec: McpServerSpec): string {
  return spec.transport === 'stdio' ? [spec.command, ...spec.args].join(' ') : spec.url.href;
}

function forwardLines(transport: StdioClientTransport, onLine: (line: string) => void): void {
  let partial = '';
  transport.stderr?.on('data', (chunk: Buffer | string) => {
    const lines = (partial + chunk.toString()).split(/\r?\n/);
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  });
  transport.stderr?.on('end', () => {
    if (partial.trim()) onLine(partial);
    partial = '';
  });
}
