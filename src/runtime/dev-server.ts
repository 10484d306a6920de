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
  /** `--dynamic-config-value` settings; default EMBEDDED_SERVER_SETTINGS. Pass [] for the server's stock settings. */
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
 * While a workflow task is in flight, the server buffers the run's new events (activity completions); past 100 of them
 * (`history.maximumBufferedEventsBatch`) it fails the task in flight (cause FORCE_CLOSE_COMMAND) to flush them, and the
 * worker throws away its cached run and replays the whole history on the next task. A fan-out parent with 200 calls in
 * flight crosses that line in any task that takes a few hundred ms: at 1,000 branches the parent's history showed 2–8
 * such failures per run, each replaying ~3,000 events (bench/FINDINGS.md, round 5: 7.3–11.4 s and 7–12 s of worker CPU
 * per run with them; 6.6–7.2 s and 6–6.6 s without). 1,000 keeps the server's 2 MB byte limit on buffered events.
 */
export const BUFFERED_EVENTS_LIMIT = ['history.maximumBufferedEventsBatch=1000'];

/** What `npm start`'s server runs with (and the bench's headline server). */
export const EMBEDDED_SERVER_SETTINGS = [...LIFTED_QUEUE_READER_LIMITS, ...BUFFERED_EVENTS_LIMIT];

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
        ...(options.dynamicConfig ?? EMBEDDED_SERVER_SETTINGS).flatMap((value) => ['--dynamic-config-value', value])],
      log: { format: 'pretty', level: 'error' },
    },
  });
}

export const DEFAULT_UI_PORT = LOCAL_UI_PORT;
