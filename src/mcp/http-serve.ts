/**
 * Serving an MCP server over Streamable HTTP, for Orchestra's own servers (`orchestra mcp serve --http`, the store
 * server's `--http`): one node:http listener, one MCP session (a fresh server instance from `createServer`) per
 * client, on the path `/mcp`.
 *
 * Guards, in this order, before a request reaches the MCP layer:
 * - DNS-rebinding protection: the Host header must be one this listener answers to (the bound `host:port`, plus
 *   `localhost`/`127.0.0.1`/`[::1]` when bound to loopback, plus `allowedHosts`), and an Origin header, when sent, must
 *   be http(s) on one of those hosts. Anything else is 403.
 * - Authentication: `Authorization: Bearer <token>` compared in constant time; 401 with a `WWW-Authenticate: Bearer`
 *   challenge otherwise. Without a token the listener refuses to bind anywhere but loopback.
 * The SDK's transport does the rest (sessions, SSE streams, resumability headers, DELETE).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

export const MCP_PATH = '/mcp';
/** Largest request body accepted (a workflow input with its items; far above any MCP message Orchestra expects). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface HttpServeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The bearer token clients must send; required unless `host` is a loopback address. */
  token?: string;
  /** More Host header values to accept (`name:port`), e.g. the name a reverse proxy forwards. */
  allowedHosts?: string[];
  /** A fresh MCP server for each session. */
  createServer: () => McpServer | Server;
  log?: (message: string) => void;
}

export interface HttpServing {
  /** `http://host:port/mcp` */
  url: string;
  close(): Promise<void>;
}

/** The listen address or the token setting cannot work; nothing was started. */
export class HttpServeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpServeConfigError';
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** `host:port` as written on a command line (`127.0.0.1:8765`, `[::1]:8765`, `:8765` for 127.0.0.1). */
export function parseListenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new HttpServeConfigError(`--http expects host:port (e.g. 127.0.0.1:8765), got "${text}"`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

export async function serveStreamableHttp(options: HttpServeOptions): Promise<HttpServing> {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const loopback = LOOPBACK.has(options.host);
  if (!options.token && !loopback) {
    throw new HttpServeConfigError(`serving on ${options.host} needs a bearer token (set ORCHESTRA_MCP_TOKEN); without one only loopback addresses are allowed`);
  }
  const token = options.token ? Buffer.from(options.token) : undefined;
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let allowedHosts = new Set<string>();

  const listener = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`MCP HTTP: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) reply(res, 500, 'internal error');
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin;
    if (!allowedHosts.has(req.headers.host ?? '') || (origin !== undefined && !originAllowed(origin))) {
      return reply(res, 403, 'forbidden host or origin (DNS-rebinding protection)');
    }
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="orchestra"');
      return reply(res, 401, 'missing or wrong bearer token');
    }
    if (url.pathname !== MCP_PATH) return reply(res, 404, `not found: MCP is served at ${MCP_PATH}`);

    const body = req.method === 'POST' ? await readJson(req) : undefined;
    if (body === PARSE_ERROR) return reply(res, 400, 'Parse error: the body is not JSON');
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const transport = sessions.get(sessionId);
      if (!transport) return reply(res, 404, 'unknown or expired MCP session');
      return transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) return reply(res, 400, 'no MCP session: send initialize first');
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => { sessions.set(id, transport); },
    });
    const server = options.createServer();
    let closed = false;
    transport.onclose = () => {
      if (closed) return;
      closed = true;
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  function originAllowed(origin: string): boolean {
    try {
      const parsed = new URL(origin);
      return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && allowedHosts.has(parsed.host);
    } catch {
      return false;
    }
  }

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port, options.host, () => resolve());
  });
  const { port } = listener.address() as AddressInfo;
  const hostPart = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  allowedHosts = new Set([`${hostPart}:${port}`, ...(loopback ? ['localhost', '127.0.0.1', '[::1]'].map((h) => `${h}:${port}`) : []),
    ...(options.allowedHosts ?? [])]);
  return {
    url: `http://${hostPart}:${port}${MCP_PATH}`,
    close: async () => {
      await Promise.allSettled([...sessions.values()].map((transport) => transport.close()));
      listener.closeAllConnections();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

const PARSE_ERROR = Symbol('parse error');

function bearerMatches(header: string | undefined, token: Buffer): boolean {
  const presented = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '');
  return presented.length === token.length && timingSafeEqual(presented, token);
}

function reply(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return PARSE_ERROR;
  }
}
