import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../shared/search-attributes.js';
import { resolveExecutable, TEMPORAL_CLI } from './binaries.js';
import { LOCAL_UI_PORT } from './connection.js';

export interface DevServerOptions {
  port?: number;
  uiPort?: number;
  /** SQLite file that keeps runs across restarts; omit for an in-memory server. */
  dbFile?: string;
  /** Bind address; 127.0.0.1 keeps it off the network. */
  ip?: string;
}

/**
 * Starts the Temporal CLI's dev server (Temporal Server + Web UI + SQLite) through the SDK's ephemeral-server support,
 * with Orchestra's search attributes registered and SQLite in WAL mode. Stop it with `teardown()`.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  if (options.dbFile) fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: resolveExecutable(TEMPORAL_CLI),
      ip: options.ip ?? '127.0.0.1',
      port: options.port,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      dbFilename: options.dbFile,
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      extraArgs: ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'],
      log: { format: 'pretty', level: 'error' },
    },
  });
}

export const DEFAULT_UI_PORT = LOCAL_UI_PORT;
