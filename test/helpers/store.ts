/** Orchestra's store MCP server over real stdio, for tests: start it on a temporary database and call its tools. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { StoreErrorBody } from '../../src/mcp/store/errors.js';
import { projectRoot } from '../../src/runtime/paths.js';
import { eventually as poll } from './eventually.js';

export const STORE_SERVER_ENTRY = path.join(projectRoot, 'src/mcp/store/server.ts');

export interface StoreServerHandle {
  client: Client;
  dir: string;
  dbPath: string;
  /** Server stderr lines, for diagnosing failures. */
  stderr: string[];
  /** Calls a tool and returns the raw MCP result. */
  call(name: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<CallToolResult>;
  /** Calls a tool and returns its structured result; throws (with the store error attached) on an error result. */
  ok<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<T>;
  /** Calls a tool that must fail and returns the store error body. */
  error(name: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<StoreErrorBody>;
  /** Opens the database file read-only (in this process) to check effects directly. */
  readDb<T>(read: (db: Database.Database) => T): T;
  close(): Promise<void>;
}

export interface StartStoreOptions {
  /** Extra environment (STORE_FAULTS, STORE_QUERY_TIMEOUT_MS, ...). */
  env?: Record<string, string>;
  /** Reuse a database file instead of a fresh temporary one. */
  dbPath?: string;
}

export async function startStoreServer(options: StartStoreOptions = {}): Promise<StoreServerHandle> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'orchestra-store-')));
  const dbPath = options.dbPath ?? path.join(dir, 'store.db');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', STORE_SERVER_ENTRY],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...options.env, STORE_DB: dbPath },
    cwd: projectRoot,
    stderr: 'pipe',
  });
  const stderr: string[] = [];
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (process.env.ORCHESTRA_TEST_VERBOSE) process.stderr.write(chunk);
  });
  const client = new Client({ name: 'store-test', version: '0.0.0' });
  await client.connect(transport);

  const call = async (name: string, args: Record<string, unknown> = {}, requestOptions?: RequestOptions) =>
    (await client.callTool({ name, arguments: args }, undefined, requestOptions)) as CallToolResult;

  return {
    client,
    dir,
    dbPath,
    stderr,
    call,
    async ok<T>(name: string, args?: Record<string, unknown>, requestOptions?: RequestOptions): Promise<T> {
      const result = await call(name, args, requestOptions);
      if (result.isError) {
        const text = result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');
        throw Object.assign(new Error(`${name} failed: ${text}`), { result });
      }
      return result.structuredContent as T;
    },
    async error(name: string, args?: Record<string, unknown>, requestOptions?: RequestOptions): Promise<StoreErrorBody> {
      const result = await call(name, args, requestOptions);
      if (!result.isError) throw new Error(`${name} was expected to fail but returned ${JSON.stringify(result.structuredContent)}`);
      const body = (result.structuredContent as { error?: StoreErrorBody } | undefined)?.error;
      if (!body) {
        const text = result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');
        throw new Error(`${name} failed without a structured error: ${text}`);
      }
      return body;
    },
    readDb<T>(read: (db: Database.Database) => T): T {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        return read(db);
      } finally {
        db.close();
      }
    },
    async close() {
      await client.close();
      if (!options.dbPath) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` (a cheap read) until it returns a truthy value; for effects that land asynchronously in the server. */
export async function eventually<T>(check: () => T | undefined | false, what: string, attempts = 200): Promise<T> {
  return await poll(() => check() || false, { what, timeoutMs: attempts * 25, intervalMs: 25 }) as T;
}
