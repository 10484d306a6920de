/** `orchestra mcp serve --http` as a real subprocess (as a user starts it), for tests of Orchestra as an MCP server. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/runtime/paths.js';

export interface ServeProcess {
  /** `http://127.0.0.1:<port>/mcp` */
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `orchestra mcp serve --http 127.0.0.1:0 …args` and resolves once it says where it listens. */
export function startServeProcess(args: string[], env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin/orchestra.js'), 'mcp', 'serve', '--http', '127.0.0.1:0', ...args], {
    cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const ready = /ready at (http:\/\/\S+)/.exec(stderr);
      if (ready) resolve({ url: ready[1], child, stop: async () => { child.kill('SIGTERM'); await exited; } });
    });
    child.once('close', (code) => reject(new Error(`orchestra mcp serve exited (${code}) before it was ready:\n${stderr}`)));
  });
}
