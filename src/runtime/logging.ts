import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/**
 * Structured JSON logs (one object per line on stderr) for the worker, the SDK core and replay-safe workflow logs.
 * Installs the Temporal Runtime once per process; later calls are no-ops.
 */
export function installRuntime(level: LogLevel = (process.env.ORCHESTRA_LOG_LEVEL as LogLevel | undefined) ?? 'INFO'): void {
  if (installed) return;
  installed = true;
  const logger = new DefaultLogger(level, (entry) => {
    process.stderr.write(`${JSON.stringify({
      time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
      level: entry.level,
      message: entry.message,
      ...entry.meta,
    }, jsonSafe)}\n`);
  });
  Runtime.install({ logger, telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } } } });
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
