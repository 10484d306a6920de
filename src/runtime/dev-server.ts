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
  /** `--dynamic-config-value` settings; default LIFTED_QUEUE_READER_LIMITS. Pass [] for the server's stock settings. */
  dynamicConfig?: string[];
}

/**
 * The dev server has one history shard whose queue readers are capped at 20 reads/s by default: after a handful of
 * workflows in a row, every workflow task waits ~35 ms to be dispatched (bench: 3-activity p50 201 → 83 ms without the
 * cap; see BENCHMARKS.md). A production cluster has many shards and its own settings; this is for the embedded server.
 */
export const LIFTED_QUEUE_READER_LIMITS = [
  'history.transferProcessorMaxPollRPS=1000',
  'history.timerProcessorMaxPollRPS=1000',
  'history.visibilityProcessorMaxPollRPS=1000',
];

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
      extraArgs: ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal',
        ...(options.dynamicConfig ?? LIFTED_QUEUE_READER_LIMITS).flatMap((value) => ['--dynamic-config-value', value])],
      log: { format: 'pretty', level: 'error' },
    },
  });
}

export const DEFAULT_UI_PORT = LOCAL_UI_PORT;
