/** Orchestra's MCP servers over HTTP as real subprocesses, started as a user starts them. */
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
  return startHttpServerProcess([path.join(projectRoot, 'bin/orchestra.js'), 'mcp', 'serve', '--http', '127.0.0.1:0', ...args], env);
}

/** Starts the store server with `--http 127.0.0.1:0` (as `npm run store -- --http …` does). */
export function startStoreHttpProcess(env: Record<string, string>): Promise<ServeProcess> {
  return startHttpServerProcess(['--import', 'tsx', path.join(projectRoot, 'src/mcp/store/server.ts'), '--http', '127.0.0.1:0'], env);
}

/** Runs node with `args`; resolves once the process logs `ready at <url>`. */
function startHttpServerProcess(args: string[], env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, args, { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const ready = /ready at (http:\/\/\S+)/.exec(stderr);
      if (ready) resolve({ url: ready[1], child, stop: async () => { child.kill('SIGTERM'); await exited; } });
    });
    child.once('close', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before it was ready:\n${stderr}`)));
  });
}
