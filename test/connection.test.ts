/**
 * Where Orchestra connects: Temporal's standard environment configuration (@temporalio/envconfig) beyond the address —
 * namespace, a profile from the TOML config file, an API key, TLS — turned into the options every client and worker
 * connects with. (A run in another namespace through a profile, end to end, is in cli.test.ts.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { LOCAL_ADDRESS, runUrl, temporalTarget } from '../src/runtime/connection.js';
import { tempDir } from './helpers/mcp.js';

const CONFIG = `
[profile.default]
address = "default.example.test:7233"

[profile.staging]
address = "staging.example.test:7233"
namespace = "orders-staging"
api_key = "profile-api-key"
`;

describe('connection settings (envconfig)', () => {
  const saved = { ...process.env };
  let dir: string;
  beforeEach(() => {
    for (const key of Object.keys(process.env)) if (key.startsWith('TEMPORAL_') || key === 'ORCHESTRA_UI_URL') delete process.env[key];
    dir = tempDir('envconfig');
    process.env.TEMPORAL_CONFIG_FILE = path.join(dir, 'missing.toml'); // never the user's own config
  });
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('uses the local dev server and its Web UI when nothing is configured', () => {
    const target = temporalTarget();
    assert.deepEqual([target.address, target.namespace, target.configured, target.uiUrl], [LOCAL_ADDRESS, 'default', false, 'http://localhost:8233']);
    assert.equal(target.connectionOptions.tls, undefined);
    assert.equal(target.connectionOptions.apiKey, undefined);
  });

  it('takes the namespace from TEMPORAL_NAMESPACE, and links runs into it', () => {
    process.env.TEMPORAL_ADDRESS = 'temporal.internal:7233';
    process.env.TEMPORAL_NAMESPACE = 'payments';
    process.env.ORCHESTRA_UI_URL = 'https://ui.internal/';
    const target = temporalTarget();
    assert.deepEqual([target.address, target.namespace, target.configured], ['temporal.internal:7233', 'payments', true]);
    assert.equal(runUrl(target, 'order-saga-1', 'r1'), 'https://ui.internal/namespaces/payments/workflows/order-saga-1/r1/history');
  });

  it('reads the profile named by TEMPORAL_PROFILE from the config file, API key included (TLS on with it)', () => {
    process.env.TEMPORAL_CONFIG_FILE = path.join(dir, 'temporal.toml');
    fs.writeFileSync(process.env.TEMPORAL_CONFIG_FILE, CONFIG);
    assert.equal(temporalTarget().address, 'default.example.test:7233', 'the default profile without TEMPORAL_PROFILE');
    process.env.TEMPORAL_PROFILE = 'staging';
    const target = temporalTarget();
    assert.deepEqual([target.address, target.namespace, target.configured], ['staging.example.test:7233', 'orders-staging', true]);
    assert.equal(target.connectionOptions.apiKey, 'profile-api-key');
    assert.ok(target.connectionOptions.tls, 'an API key turns TLS on');
    // The environment overrides the profile.
    process.env.TEMPORAL_NAMESPACE = 'orders-hotfix';
    process.env.TEMPORAL_API_KEY = 'env-api-key';
    assert.equal(temporalTarget().namespace, 'orders-hotfix');
    assert.equal(temporalTarget().connectionOptions.apiKey, 'env-api-key');
  });

  it('passes TLS settings through: server name and CA certificate, or TLS off', () => {
    process.env.TEMPORAL_ADDRESS = 'tls.example.test:7233';
    process.env.TEMPORAL_TLS_SERVER_NAME = 'temporal.example.test';
    const ca = path.join(dir, 'ca.pem');
    fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n');
    process.env.TEMPORAL_TLS_SERVER_CA_CERT_PATH = ca;
    const tls = temporalTarget().connectionOptions.tls;
    assert.ok(tls && typeof tls === 'object');
    assert.equal(tls.serverNameOverride, 'temporal.example.test');
    assert.equal(Buffer.from(tls.serverRootCACertificate!).toString(), fs.readFileSync(ca, 'utf8'));

    for (const key of ['TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH']) delete process.env[key];
    process.env.TEMPORAL_API_KEY = 'k';
    process.env.TEMPORAL_TLS = 'false';
    assert.ok(!temporalTarget().connectionOptions.tls, 'TEMPORAL_TLS=false wins over the API key default');
  });

  it('links Temporal Cloud runs to the cloud Web UI', () => {
    process.env.TEMPORAL_ADDRESS = 'orders.a1b2c.tmprl.cloud:7233';
    process.env.TEMPORAL_NAMESPACE = 'orders.a1b2c';
    assert.equal(temporalTarget().uiUrl, 'https://cloud.temporal.io');
  });
});
