import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/runtime/paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in the project root with extra environment; resolves with its exit code and output. */
export function runProcess(command: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const ORCHESTRA = path.join(projectRoot, 'bin/orchestra.js');

/** Runs the real `orchestra` command (bin/orchestra.js) as a user would, with extra environment. */
export function orchestraCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runProcess(process.execPath, [ORCHESTRA, ...args], env);
}

/**
 * Runs the real `orchestra` command on a pseudo-terminal (util-linux `script`), as a person at a terminal would: what
 * it writes there (stdout and stderr together, control sequences included) and its exit code.
 */
export function orchestraCliOnTerminal(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, ORCHESTRA, ...args].map(quote).join(' ');
  return runProcess('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], env);
}
