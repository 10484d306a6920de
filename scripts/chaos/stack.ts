/**
 * The chaos suite's own stack: a Temporal dev server on a free port (optionally persisted to a file, so it can be
 * restarted), a scratch ORCHESTRA_HOME (store.db, files/, breakers.db), an MCP config written there, and real worker
 * processes (`src/workers/main.ts`, as `npm run worker` runs it) that can be killed with SIGKILL and started again.
 * Nothing here touches the ports or folders `npm start`, the tests or the bench use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import Database from 'better-sqlite3';
import { Orchestra } from '../../src/client/api.js';
import { startDevServer } from '../../src/runtime/dev-server.js';
import { capabilityQueue } from '../../src/shared/capabilities.js';
import { projectRoot } from '../../src/runtime/paths.js';
import { ensureSandbox } from '../../src/mcp/sandbox.js';
import { leanWorkflowModules } from '../../src/workers/bundle.js';
import { workflowsPath } from '../../src/workers/worker.js';

export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<unknown>;
  kill(): Promise<void>;
}

export class ChaosStack {
  env!: TestWorkflowEnvironment;
  orchestra!: Orchestra;
  readonly workers: WorkerProcess[] = [];
  private port = 0;
  private bundleFile = '';

  private constructor(readonly home: string, readonly taskQueue: string, private readonly persisted: boolean) {}

  /** A fresh stack: home, dev server, bundle. `mcpServers` overrides entries of the project's mcp.config.json. */
  static async start(name: string, options: { persisted?: boolean; mcp?: (config: McpConfigJson) => void } = {}): Promise<ChaosStack> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), `orchestra-chaos-${name}-`));
    const stack = new ChaosStack(home, `chaos-${name}`, options.persisted === true);
    await ensureSandbox({ dir: path.join(home, 'files') });
    const config = JSON.parse(fs.readFileSync(path.join(projectRoot, 'mcp.config.json'), 'utf8')) as McpConfigJson;
    options.mcp?.(config);
    fs.writeFileSync(path.join(home, 'mcp.config.json'), JSON.stringify(config, null, 2));
    stack.bundleFile = path.join(home, 'workflow-bundle.js');
    fs.writeFileSync(stack.bundleFile, (await sharedBundle()).code);
    await stack.startServer();
    return stack;
  }

  /** The first start picks free ports (the SDK's ephemeral server); a restart reuses the gRPC port the workers know. */
  async startServer(): Promise<void> {
    this.env = await startDevServer({ ...(this.port ? { port: this.port } : {}), ...(this.persisted ? { dbFile: path.join(this.home, 'temporal.db') } : {}) });
    this.port = Number(this.env.connection.options.address.split(':').pop());
    this.orchestra = Orchestra.fromClient(this.env.client);
  }

  async restartServer(): Promise<void> {
    await this.env.teardown();
    await this.startServer();
  }

  get workerEnv(): Record<string, string> {
    return {
      TEMPORAL_ADDRESS: `127.0.0.1:${this.port}`,
      ORCHESTRA_TASK_QUEUE: this.taskQueue,
      ORCHESTRA_HOME: this.home,
      ORCHESTRA_MCP_CONFIG: path.join(this.home, 'mcp.config.json'),
      ORCHESTRA_WORKFLOW_BUNDLE: this.bundleFile,
      ORCHESTRA_LOG_LEVEL: 'ERROR',
      // Several workers on this host at once: Orchestra's metrics on any free port, the SDK's (a fixed port) off.
      ORCHESTRA_METRICS_PORT: '0',
      ORCHESTRA_SDK_METRICS_PORT: 'off',
    };
  }

  startWorker(): WorkerProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/workers/main.ts')], {
      cwd: projectRoot,
      env: { ...process.env, ...this.workerEnv },
      stdio: ['ignore', 'ignore', process.env.CHAOS_VERBOSE ? 'inherit' : 'ignore'],
    });
    const exited = new Promise((resolve) => child.on('close', resolve));
    const worker: WorkerProcess = {
      child,
      exited,
      kill: async () => {
        // kill -9 the worker and, as its death would, orphan its MCP servers (they exit when their stdin closes).
        child.kill('SIGKILL');
        await exited;
      },
    };
    this.workers.push(worker);
    return worker;
  }

  /** Waits until the worker polls the tools queue for activities (it has started and connected; tool calls go there). */
  async polling(worker: WorkerProcess): Promise<void> {
    await until(async () => {
      const { pollers } = await this.env.client.workflowService.describeTaskQueue({
        namespace: 'default', taskQueue: { name: capabilityQueue(this.taskQueue, 'tools') }, taskQueueType: 2, // TASK_QUEUE_TYPE_ACTIVITY
      });
      return (pollers ?? []).some((p) => p.identity?.startsWith(`${worker.child.pid}@`));
    }, `worker pid ${worker.child.pid} to poll`, 120_000);
  }

  /** Reads the store's SQLite file (read-only) to check the effects. */
  store<T>(read: (db: Database.Database) => T): T {
    const db = new Database(path.join(this.home, 'store.db'), { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.kill().catch(() => undefined)));
    await this.env?.teardown().catch(() => undefined);
    if (!process.env.CHAOS_KEEP) fs.rmSync(this.home, { recursive: true, force: true });
  }
}

export interface McpConfigJson {
  mcpServers: Record<string, { env?: Record<string, string>; breaker?: Record<string, unknown>; [key: string]: unknown }>;
}

let bundle: ReturnType<typeof bundleWorkflowCode> | undefined;
function sharedBundle() {
  bundle ??= bundleWorkflowCode({ workflowsPath, webpackConfigHook: leanWorkflowModules, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  return bundle;
}

/** The pids of `parent`'s child processes whose command line contains `match` (Linux /proc). */
export function childPids(parent: number, match: string): number[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) return [];
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      return cmd.includes(match) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

/** Waits until `check` holds, polling; throws after `timeoutMs` naming what it waited for. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not there yet (a table not created, a run not started)
    }
    if (Date.now() > end) throw new Error(`chaos: timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What each scenario reports. */
export interface ScenarioReport {
  scenario: string;
  started: number;
  finished: number;
  lost: number;
  duplicated: number;
  notes: string[];
  figures?: Record<string, number | string>;
}
