/**
 * Shared test plumbing: the time-skipping test server and the local dev server (both from resolved binaries, never a
 * download), one workflow bundle per test run (or per test process, run on its own), and workers on their own task
 * queue per test.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import Database from 'better-sqlite3';
import { bundleWorkflowCode, Worker, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../src/activities/index.js';
import { Orchestra } from '../../src/client/api.js';
import { loadMcpConfig } from '../../src/mcp/config.js';
import { McpPool } from '../../src/mcp/pool.js';
import { ensureSandbox } from '../../src/mcp/sandbox.js';
import { resolveExecutable, TEMPORAL_TEST_SERVER } from '../../src/runtime/binaries.js';
import { startDevServer } from '../../src/runtime/dev-server.js';
import { registerSearchAttributes } from '../../src/runtime/search-attributes.js';
import { installRuntime } from '../../src/runtime/logging.js';
import { withObservability } from '../../src/observability/worker-options.js';
import { WORKFLOW_ACTIVATION_TIMEOUT } from '../../src/shared/recovery.js';
import { CAPABILITIES, capabilityQueue } from '../../src/shared/task-queues.js';
import { runWorkers } from '../../src/workers/pool.js';
import { workflowBundleOptions } from '../../src/workers/worker.js';

installRuntime({ level: 'ERROR' });

/** The time-skipping test server (timers of days take milliseconds) with Orchestra's search attributes. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: resolveExecutable(TEMPORAL_TEST_SERVER) } });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** A real Temporal dev server (in-memory SQLite, random port, no UI) with Orchestra's search attributes. */
export function localEnv(): Promise<TestWorkflowEnvironment> {
  return startDevServer();
}

export interface TestDeps extends ActivityDeps {
  /** The scratch ORCHESTRA_HOME: store.db (the store server's SQLite file) and files/ (the filesystem sandbox). */
  home: string;
  close(): Promise<void>;
}

/**
 * The real activity dependencies over a scratch home: the project's own mcp.config.json (the official filesystem
 * server on a seeded sandbox, Orchestra's store server on a fresh SQLite file). `storeEnv` adds to the store server's
 * environment, e.g. `{ STORE_FAULTS: JSON.stringify({ charge_payment: { fail: 2 } }) }`. Close it in `after`.
 */
export async function testDeps(storeEnv: Record<string, string> = {}): Promise<TestDeps> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'orchestra-test-'));
  await ensureSandbox({ dir: path.join(home, 'files') });
  const { STORE_DB: _ignored, ...inherited } = process.env;
  const config = loadMcpConfig({ env: { ...inherited, ORCHESTRA_HOME: home } });
  const store = config.servers.store;
  if (store?.transport === 'stdio') store.env = { ...store.env, ...storeEnv };
  const mcp = new McpPool(config, { onServerStderr: () => {}, log: () => {} });
  return { home, mcp, close: () => mcp.close() };
}

export interface TemporalTestContext {
  env: TestWorkflowEnvironment;
  deps: TestDeps;
}

/**
 * For a `describe` block: a Temporal server (the time-skipping test server, or a local dev server) and the real activity
 * dependencies, started before its tests and stopped after them. Read `t.env` / `t.deps` inside the tests.
 */
export function useTemporal(server: 'time-skipping' | 'local', storeEnv: Record<string, string> = {}): TemporalTestContext {
  const t = {} as TemporalTestContext;
  before(async () => {
    t.env = server === 'local' ? await localEnv() : await timeSkippingEnv();
    t.deps = await testDeps(storeEnv);
  });
  after(async () => {
    await t.deps?.close();
    await t.env?.teardown();
  });
  return t;
}

/** Asserts that a run failed at once on its input: a non-retryable `InvalidInput` whose message matches each pattern. */
export async function rejectsAsInvalidInput(result: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(result, (err: unknown) => {
    assert.ok(err instanceof WorkflowFailedError);
    assert.ok(err.cause instanceof ApplicationFailure);
    assert.equal(err.cause.type, 'InvalidInput');
    assert.equal(err.cause.nonRetryable, true);
    for (const pattern of patterns) assert.match(err.cause.message, pattern);
    return true;
  });
}

/**
 * How long a closed run took on the server's clock: its close time minus its start time. On the time-skipping server
 * this is the skipped time, e.g. a day for a day-long timer. (Not `env.currentTimeMs()` around the run: once nothing is
 * pending, the test server may jump its clock far ahead while a client waits.)
 */
export async function serverRunTimeMs(env: TestWorkflowEnvironment, workflowId: string, runId?: string): Promise<number> {
  const description = await env.client.workflow.getHandle(workflowId, runId).describe();
  assert.ok(description.closeTime, `${workflowId} has closed`);
  return description.closeTime.getTime() - description.startTime.getTime();
}

/** Reads the store server's SQLite file directly (read-only), to check a workflow's real effects. */
export function readStore<T>(deps: TestDeps, read: (db: Database.Database) => T): T {
  const db = new Database(path.join(deps.home, 'store.db'), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

let bundle: Promise<WorkflowBundle> | undefined;
/**
 * The workflow bundle: the one `npm test` built for the whole run (ORCHESTRA_TEST_WORKFLOW_BUNDLE, scripts/test.ts), or
 * built once in this test process when a file runs on its own. Bundling takes seconds of CPU; every worker reuses it.
 */
export function workflowBundle(): Promise<WorkflowBundle> {
  const prebuilt = process.env.ORCHESTRA_TEST_WORKFLOW_BUNDLE;
  bundle ??= prebuilt
    ? fs.promises.readFile(prebuilt, 'utf8').then((code) => ({ code }))
    : bundleWorkflowCode({ ...workflowBundleOptions, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  return bundle;
}

export interface WorkerRun {
  taskQueue: string;
  orchestra: Orchestra;
  worker: Worker;
}

/**
 * Runs `fn` while a worker polls a fresh task queue of `env` (and, as in production, one activity worker per capability
 * queue named after it: `<queue>-tools`, …). Activities are the real ones (built from `deps`) unless `activities`
 * replaces them — used only to inject infrastructure faults a real dependency cannot be made to produce.
 */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  deps: ActivityDeps,
  fn: (run: WorkerRun) => Promise<T>,
  options: { activities?: object; worker?: Partial<WorkerOptions> } = {},
): Promise<T> {
  const taskQueue = options.worker?.taskQueue ?? `test-${randomUUID()}`;
  const activities = options.activities ?? createActivities(deps);
  const worker = await Worker.create(withObservability({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    isolateExecutionTimeout: WORKFLOW_ACTIVATION_TIMEOUT, // as the product's worker: a loaded test host must not crash it
    ...options.worker,
  }));
  const { taskQueue: _base, maxCachedWorkflows: _cache, interceptors: _workflowSide, ...activitySettings } = options.worker ?? {};
  const capabilityWorkers = await Promise.all(CAPABILITIES.filter((c) => c !== 'workflows').map((capability) => Worker.create(withObservability({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: capabilityQueue(taskQueue, capability),
    activities,
    ...activitySettings,
  }))));
  const orchestra = Orchestra.fromClient(env.client);
  return (await runWorkers([worker, ...capabilityWorkers], fn({ taskQueue, orchestra, worker })))!;
}
