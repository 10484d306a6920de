import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';

let installed = false;

export interface LoggingOptions {
  level?: LogLevel;
  /** Also write every entry to this JSON-lines file; stderr then only gets errors. */
  file?: string;
  /** Serve the SDK runtime's metrics for Prometheus at this address (`host:port`, path /metrics). */
  prometheus?: { bindAddress: string };
}

/**
 * Structured JSON logs (one object per line) for the worker, the SDK core and replay-safe workflow logs.
 * Installs the Temporal Runtime once per process, before any worker, client or server touches it.
 */
export function installRuntime(options: LoggingOptions = {}): void {
  if (installed) return;
  installed = true;
  const level = options.level ?? (process.env.ORCHESTRA_LOG_LEVEL as LogLevel | undefined) ?? 'INFO';
  let file: fs.WriteStream | undefined;
  if (options.file) {
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    file = fs.createWriteStream(options.file, { flags: 'a' });
  }
  const logger = new DefaultLogger(level, (entry) => {
    const line = `${format(entry)}\n`;
    file?.write(line);
    if (!file || entry.level === 'ERROR') process.stderr.write(line);
  });
  Runtime.install({
    logger,
    telemetryOptions: {
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      ...(options.prometheus ? { metrics: { prometheus: options.prometheus } } : {}),
    },
  });
}

function format(entry: LogEntry): string {
  return JSON.stringify({
    time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
    level: entry.level,
    message: entry.message,
    ...entry.meta,
  }, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
    return value;
  });
}
