/**
 * What the CLI prints and how it fails: stdout/stderr lines, JSON, aligned tables, `--input` reading, and the error
 * classes that carry their exit code (0 success, 1 the workflow failed or nothing happened, 2 bad usage or input or a
 * rejected update, 3 Temporal unreachable).
 */
import fs from 'node:fs';
import type { Progress } from '../shared/progress.js';

export const out = (line: string) => process.stdout.write(`${line}\n`);
export const err = (line: string) => process.stderr.write(`${line}\n`);

/** An error the CLI reports as one line and an exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/** Bad usage or input: nothing was sent. Exit 2. */
export class UsageError extends CliError {
  constructor(message: string) { super(message, 2); }
}

/** The workflow refused what was sent (an update's validator or a missing handler); nothing was recorded. Exit 2. */
export class RejectedError extends CliError {
  constructor(message: string) { super(message, 2); }
}

/** No run has that id. Exit 2. */
export class RunNotFoundError extends CliError {
  constructor(workflowId: string, namespace: string) { super(`no run with id "${workflowId}" in namespace "${namespace}"`, 2); }
}

/** The command was understood but changed nothing (cancel a closed run, signal a finished one). Exit 1. */
export class NothingHappenedError extends CliError {
  constructor(message: string) { super(message, 1); }
}

/** `--input '{"a":1}'` or `--input @file.json`; undefined when the option was not given. */
export function readJson(text: string | undefined, what: string): unknown {
  if (text === undefined) return undefined;
  const source = text.startsWith('@') ? readFile(text.slice(1), what) : text;
  try {
    return JSON.parse(source);
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function readFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} file ${file}: ${(e as Error).message}`);
  }
}

/** JSON on stdout: one line with `--json`, indented otherwise. */
export function print(value: unknown, json: boolean): void {
  out(json ? JSON.stringify(value) : JSON.stringify(value, null, 2));
}

/**
 * An aligned table with a header. Columns fit their longest cell, up to `max` characters (longer cells are cut with
 * `…`, so a long workflow id never pushes the other columns out of line); the last column is never cut.
 */
export function table(headers: string[], rows: string[][], max = 48): string[] {
  const widths = headers.map((h, i) => Math.min(max, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((cell, i) => {
    if (i === cells.length - 1) return cell;
    const fitted = cell.length > widths[i] ? `${cell.slice(0, widths[i] - 1)}…` : cell;
    return fitted.padEnd(widths[i]);
  }).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** A progress report in words, counters labelled: `running — iteration 2/5 (3 of 5 done)`. */
export function progressLine(p: Progress): string {
  const counts = p.total !== undefined ? ` (${p.done ?? 0} of ${p.total} done)` : '';
  return `${p.state} — ${p.step}${counts}`;
}

/** A one-line spinner on stderr, fed by the workflow's progress query; silent when stderr is not a terminal. */
export function spinner(enabled: boolean) {
  const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  let i = 0;
  let text = 'starting';
  const timer = enabled ? setInterval(() => process.stderr.write(`\r\x1b[2K${frames[i++ % frames.length]} ${text}`), 120) : undefined;
  return {
    set(p: Progress) { text = progressLine(p); },
    stop() {
      if (timer) { clearInterval(timer); process.stderr.write('\r\x1b[2K'); }
    },
  };
}
