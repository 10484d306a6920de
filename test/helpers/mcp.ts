/** Real MCP servers over stdio for tests: the official filesystem server and Orchestra's store server. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { StdioServerSpec } from '../../src/mcp/config.js';
import { McpPool, type McpPoolOptions } from '../../src/mcp/pool.js';
import { projectRoot } from '../../src/runtime/paths.js';
import { eventually } from './eventually.js';

export const FILESYSTEM_SERVER = path.join(projectRoot, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
export const STORE_SERVER = path.join(projectRoot, 'src/mcp/store/server.ts');

const tempDirs: string[] = [];

/** A fresh temporary folder (its real path), removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `orchestra-${prefix}-`)));
  if (tempDirs.length === 0) process.once('exit', () => tempDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  tempDirs.push(dir);
  return dir;
}

export function filesystemSpec(root: string, name = 'filesystem'): StdioServerSpec {
  return { name, transport: 'stdio', command: process.execPath, args: [FILESYSTEM_SERVER, root], env: {}, cwd: projectRoot };
}

export function storeSpec(db: string, faults?: Record<string, unknown>, name = 'store'): StdioServerSpec {
  return {
    name,
    transport: 'stdio',
    command: process.execPath,
    args: ['--import', 'tsx', STORE_SERVER],
    env: { STORE_DB: db, ...(faults ? { STORE_FAULTS: JSON.stringify(faults) } : {}) },
    cwd: projectRoot,
  };
}

/** A pool whose server stderr and notices are kept (and shown only when ORCHESTRA_TEST_VERBOSE is set). */
export function testPool(servers: StdioServerSpec[], options: McpPoolOptions = {}): McpPool & { output: string[] } {
  const output: string[] = [];
  const verbose = Boolean(process.env.ORCHESTRA_TEST_VERBOSE);
  const pool = new McpPool(Object.fromEntries(servers.map((spec) => [spec.name, spec])), {
    onServerStderr: (server, line) => {
      output.push(`[${server}] ${line}`);
      if (verbose) process.stderr.write(`[mcp:${server}] ${line}\n`);
    },
    log: (message) => {
      output.push(message);
      if (verbose) process.stderr.write(`pool: ${message}\n`);
    },
    ...options,
  });
  return Object.assign(pool, { output });
}

/**
 * A MockActivityEnvironment with a real activity Context and realistic timing (the SDK's defaults date the activity
 * to 1970 with a one-second timeout). Heartbeats are collected in `heartbeats`.
 */
export type TestActivityEnvironment = Omit<MockActivityEnvironment, 'run'> & {
  /** Runs an activity function in the environment's Context (typed: the SDK's own `run` loses the result type). */
  run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R>;
  heartbeats: unknown[];
};

export function activityEnv(info: Partial<Info> = {}): TestActivityEnvironment {
  const now = Date.now();
  const env = new MockActivityEnvironment({
    activityType: 'callTool',
    scheduledTimestampMs: now,
    currentAttemptScheduledTimestampMs: now,
    startToCloseTimeoutMs: 30_000,
    scheduleToCloseTimeoutMs: 0,
    ...info,
  }, { logger: new DefaultLogger(process.env.ORCHESTRA_TEST_VERBOSE ? 'DEBUG' : 'ERROR') }); // failures are asserted, not logged
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  return Object.assign(env, { heartbeats }) as unknown as TestActivityEnvironment;
}

/** Asserts that a promise rejects with an ApplicationFailure of this type (and retryability); returns it. */
export async function rejectsWith(
  promise: Promise<unknown>,
  expected: { type: string; nonRetryable?: boolean; message?: RegExp },
): Promise<ApplicationFailure> {
  let failure: unknown;
  try {
    await promise;
  } catch (err) {
    failure = err;
  }
  assert.ok(failure instanceof ApplicationFailure, `expected an ApplicationFailure ${expected.type}, got ${String(failure)}`);
  assert.equal(failure.type, expected.type, failure.message);
  if (expected.nonRetryable !== undefined) assert.equal(failure.nonRetryable, expected.nonRetryable, `nonRetryable of ${failure.type}: ${failure.message}`);
  if (expected.message) assert.match(failure.message, expected.message);
  return failure;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `condition` holds (see ./eventually.ts). */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  await eventually(condition, { timeoutMs, what, intervalMs: 25 });
}
