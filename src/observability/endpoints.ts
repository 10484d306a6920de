/**
 * Where a worker process serves its metrics, both for Prometheus to scrape at `/metrics`:
 *   - Orchestra's own (./metrics.ts, prom-client): ORCHESTRA_METRICS_PORT, default 9464 (0: any free port);
 *   - the Temporal SDK runtime's (workers, pollers, slots, schedule-to-start latency, sticky cache):
 *     ORCHESTRA_SDK_METRICS_PORT, default 9465 (the SDK binds it itself, so 0 is not allowed).
 * `off` disables either; ORCHESTRA_METRICS_HOST (default 127.0.0.1) is the address both bind to. Two workers on one
 * machine need their own ports.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { registry } from './metrics.js';

export const METRICS_DEFAULTS = { host: '127.0.0.1', port: 9464, sdkPort: 9465 } as const;

export interface MetricsSettings {
  host: string;
  /** undefined: off. */
  port?: number;
  sdkPort?: number;
}

/** Thrown for a bad metrics setting; the message names the variable. */
export class MetricsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsConfigError';
  }
}

function portSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, allowZero: boolean): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (raw.toLowerCase() === 'off') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65_535) {
    throw new MetricsConfigError(`${name}=${raw}: must be a port number (${allowZero ? 0 : 1}–65535) or "off"`);
  }
  return port;
}

export function metricsSettings(env: NodeJS.ProcessEnv = process.env): MetricsSettings {
  return {
    host: env.ORCHESTRA_METRICS_HOST?.trim() || METRICS_DEFAULTS.host,
    port: portSetting(env, 'ORCHESTRA_METRICS_PORT', METRICS_DEFAULTS.port, true),
    sdkPort: portSetting(env, 'ORCHESTRA_SDK_METRICS_PORT', METRICS_DEFAULTS.sdkPort, false),
  };
}

/** The SDK runtime's Prometheus exporter settings for Runtime.install (undefined: off). */
export function sdkPrometheus(settings: MetricsSettings): { bindAddress: string } | undefined {
  return settings.sdkPort === undefined ? undefined : { bindAddress: `${settings.host}:${settings.sdkPort}` };
}

export const urlOf = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** Serves Orchestra's registry at `/metrics` (prom-client's own exposition); resolves once it listens. */
export async function serveMetrics(port: number, host: string = METRICS_DEFAULTS.host): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return void res.writeHead(404).end('see /metrics\n');
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  server.unref();
  const address = server.address() as AddressInfo;
  return {
    url: urlOf(host, address.port),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
