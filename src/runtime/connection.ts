import { loadClientConfigProfile, toClientOptions, type ClientConnectConfig } from '@temporalio/envconfig';

export const LOCAL_ADDRESS = '127.0.0.1:7233';
export const LOCAL_UI_PORT = 8233;

export interface TemporalTarget extends ClientConnectConfig {
  address: string;
  namespace: string;
  /** True when an address came from TEMPORAL_ADDRESS or an envconfig profile (so `npm start` starts no server). */
  configured: boolean;
  /** Base URL of the Web UI for this cluster, when known. */
  uiUrl?: string;
}

/**
 * Where Temporal is: the standard environment configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TLS settings, TEMPORAL_PROFILE and the TOML config file), or the local dev server when nothing is configured.
 */
export function temporalTarget(): TemporalTarget {
  const profile = loadClientConfigProfile({ profile: process.env.TEMPORAL_PROFILE });
  const configured = Boolean(profile.address);
  const { connectionOptions, namespace } = toClientOptions({ ...profile, address: profile.address ?? LOCAL_ADDRESS });
  const address = connectionOptions.address ?? LOCAL_ADDRESS;
  return {
    connectionOptions,
    namespace: namespace ?? 'default',
    address,
    configured,
    uiUrl: webUiBase(address),
  };
}

function webUiBase(address: string): string | undefined {
  if (process.env.ORCHESTRA_UI_URL) return process.env.ORCHESTRA_UI_URL.replace(/\/$/, '');
  if (/\.tmprl\.cloud(:\d+)?$/.test(address)) return 'https://cloud.temporal.io';
  const [host, port] = address.split(':');
  if (port === '7233' && ['127.0.0.1', 'localhost', '0.0.0.0', '::1'].includes(host)) {
    return `http://localhost:${LOCAL_UI_PORT}`;
  }
  return undefined;
}

/** The Web UI page of one run. */
export function runUrl(target: Pick<TemporalTarget, 'uiUrl' | 'namespace'>, workflowId: string, runId?: string): string | undefined {
  if (!target.uiUrl) return undefined;
  const base = `${target.uiUrl}/namespaces/${encodeURIComponent(target.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${runId}/history` : base;
}
