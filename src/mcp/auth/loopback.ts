/**
 * The user agent of `orchestra mcp login`: a one-off HTTP listener on the loopback interface receives the
 * authorization server's redirect (RFC 8252 §7.3, "loopback interface redirection"), checks its `state` and hands the
 * code to the waiting flow. How the person reaches the authorization URL is the caller's choice (`show`): the CLI
 * prints it, the conformance client fetches it as a scripted browser.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizationUserAgent } from './user-provider.js';

/** How long a login waits for the person to finish in the browser. */
export const LOGIN_TIMEOUT_MS = 5 * 60_000;

export interface LoopbackOptions {
  /** Shows the authorization URL to the person (or visits it). */
  show: (authorizationUrl: URL) => void | Promise<void>;
  /** The listening port; 0 (default) picks a free one. */
  port?: number;
  timeoutMs?: number;
}

export class AuthorizationDeniedError extends Error {
  constructor(readonly error: string, description?: string) {
    super(`authorization was not granted: ${error}${description ? ` (${description})` : ''}`);
    this.name = 'AuthorizationDeniedError';
  }
}

export interface LoopbackUserAgent extends AuthorizationUserAgent {
  close(): Promise<void>;
}

interface Waiting {
  state: string;
  resolve: (code: string) => void;
  reject: (err: Error) => void;
}

export async function startLoopbackUserAgent(options: LoopbackOptions): Promise<LoopbackUserAgent> {
  let waiting: Waiting | undefined;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback' || !waiting || url.searchParams.get('state') !== waiting.state) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Unexpected request: this address only receives the authorization redirect of `orchestra mcp login`.\n');
      return;
    }
    const { resolve, reject } = waiting;
    waiting = undefined;
    const code = url.searchParams.get('code');
    if (code) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('Orchestra is authorized. You can close this tab.\n');
      resolve(code);
    } else {
      const error = url.searchParams.get('error') ?? 'no code in the redirect';
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`Authorization failed: ${error}\n`);
      reject(new AuthorizationDeniedError(error, url.searchParams.get('error_description') ?? undefined));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const timeoutMs = options.timeoutMs ?? LOGIN_TIMEOUT_MS;

  return {
    redirectUrl: `http://127.0.0.1:${port}/callback`,
    async authorize(authorizationUrl, state) {
      const code = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting = undefined;
          reject(new AuthorizationDeniedError('timeout', `no answer from the browser within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        waiting = {
          state,
          resolve: (value) => { clearTimeout(timer); resolve(value); },
          reject: (err) => { clearTimeout(timer); reject(err); },
        };
      });
      await options.show(authorizationUrl);
      return code;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
