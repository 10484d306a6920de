/**
 * What a worker process (`npm start`, `npm run worker`) sets up before its worker: the SDK runtime with its Prometheus
 * endpoint, Orchestra's metrics endpoint and the tracer; and the lines it prints about them.
 */
import { installRuntime, type LoggingOptions } from '../runtime/logging.js';
import { metricsSettings, sdkPrometheus, serveMetrics, urlOf, type MetricsServer } from './endpoints.js';
import { setupTracing } from './tracing.js';

export interface Observability {
  /** Orchestra's metrics endpoint and the SDK's (absent when off), where traces go. */
  endpoints: { metrics?: string; sdkMetrics?: string; traces: string };
  /** The same as `metrics: …` and `traces: …` lines, for a process to print. */
  lines: string[];
  close(): Promise<void>;
}

/** Installs the runtime (logging + SDK metrics) — call first, before any worker, client or server — then the rest. */
export async function startObservability(logging: LoggingOptions = {}): Promise<Observability> {
  const settings = metricsSettings();
  const sdk = sdkPrometheus(settings);
  try {
    installRuntime({ ...logging, prometheus: sdk });
  } catch (err) {
    if (!sdk) throw err;
    // The SDK binds its endpoint itself: a second worker process on the host finds the default port taken.
    throw new Error(`cannot serve the Temporal SDK's metrics on ${sdk.bindAddress} (${err instanceof Error ? err.message : String(err)}); ` +
      'set ORCHESTRA_SDK_METRICS_PORT to a free port or "off" (each worker process on a host needs its own ports)');
  }
  const tracing = setupTracing();
  let server: MetricsServer | undefined;
  if (settings.port !== undefined) {
    server = await serveMetrics(settings.port, settings.host).catch((err: unknown) => {
      throw new Error(`cannot serve metrics on ${settings.host}:${settings.port} (${String(err)}); set ORCHESTRA_METRICS_PORT to a free port or "off"`);
    });
  }
  const destination = tracing.destination;
  const endpoints = {
    ...(server ? { metrics: server.url } : {}),
    ...(settings.sdkPort !== undefined ? { sdkMetrics: urlOf(settings.host, settings.sdkPort) } : {}),
    traces: destination.kind === 'file' ? destination.file : destination.kind === 'otlp' ? `OTLP to ${destination.endpoint}` : 'off',
  };
  const lines = [
    `metrics: ${endpoints.metrics ?? 'off'} (Orchestra), ${endpoints.sdkMetrics ?? 'off'} (Temporal SDK)`,
    `traces: ${endpoints.traces}${destination.kind === 'file' ? ' (orchestra trace <workflowId>)' : ''}`,
  ];
  return {
    endpoints,
    lines,
    close: async () => {
      await tracing.flush().catch(() => undefined);
      await server?.close();
    },
  };
}
