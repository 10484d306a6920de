/** Real worker processes (`src/workers/main.ts`, as `npm run worker` runs it) for tests of crashes, shutdown and start-up. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/runtime/paths.js';
import { workflowBundle } from './temporal.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** Its stderr so far, as lines (the structured JSON log goes there). */
  stderr(): string[];
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
}

export function startWorkerProcess(env: Record<string, string>, args: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/workers/main.ts'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ORCHESTRA_LOG_LEVEL: 'WARN', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (process.env.ORCHESTRA_TEST_VERBOSE) process.stderr.write(chunk);
  });
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { child, stderr: () => stderr.split('\n').filter(Boolean), exited };
}

/** Writes the project's MCP config into `home` with STORE_FAULTS for the store server; returns the file. */
export function mcpConfigWithStoreFaults(home: string, faults: Record<string, unknown>): string {
  const config = JSON.parse(fs.readFileSync(path.join(projectRoot, 'mcp.config.json'), 'utf8'));
  config.mcpServers.store.env.STORE_FAULTS = JSON.stringify(faults);
  const file = path.join(home, `mcp-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

/**
 * A workflow bundle file for ORCHESTRA_WORKFLOW_BUNDLE, so worker processes start without bundling, seconds sooner:
 * the one `npm test` built for the whole run, else this process's bundle written into `dir`.
 */
export async function prebuiltBundle(dir: string): Promise<string> {
  const shared = process.env.ORCHESTRA_TEST_WORKFLOW_BUNDLE;
  if (shared) return shared;
  const file = path.join(dir, 'workflow-bundle.js');
  if (!fs.existsSync(file)) fs.writeFileSync(file, (await workflowBundle()).code);
  return file;
}
