import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { TokenStore } from '../src/mcp/auth/token-store.js';
import { UserOAuthProvider } from '../src/mcp/auth/user-provider.js';
import { parseMcpConfig, type HttpServerSpec } from '../src/mcp/config.js';
import { redact } from '../src/shared/redact.js';
import { orchestraCli, runProcess } from './helpers/cli.js';
import { tempDir } from './helpers/mcp.js';

describe('MCP client authorization', () => {
  it('stores user tokens readable by the user only, per server URL, and redacts them from messages', () => {
    const store = new TokenStore(tempDir('orchestra-auth-'));
    const provider = new UserOAuthProvider('tickets', 'https://mcp.example.com/mcp', store);
    provider.saveTokens({ access_token: 'at-0123456789', refresh_token: 'rt-0123456789', token_type: 'Bearer', expires_in: 3600 });

    assert.equal(fs.statSync(store.file('tickets')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(store.file('tickets'))).mode & 0o777, 0o700);
    assert.equal(new UserOAuthProvider('tickets', 'https://mcp.example.com/mcp', store).tokens()?.access_token, 'at-0123456789');
    // Tokens belong to their resource: a changed URL starts from nothing.
    assert.equal(new UserOAuthProvider('tickets', 'https://elsewhere.example.com/mcp', store).tokens(), undefined);
    assert.doesNotMatch(redact('sent at-0123456789 and rt-0123456789'), /0123456789/);
  });

  it('keeps the refresh token when a refresh answer omits it, and refreshes before the token expires', () => {
    const store = new TokenStore(tempDir('orchestra-auth-'));
    const provider = new UserOAuthProvider('tickets', 'https://mcp.example.com/mcp', store);
    provider.saveTokens({ access_token: 'first-access', refresh_token: 'the-refresh-token', token_type: 'Bearer', expires_in: 0 });
    assert.equal(provider.needsRefresh, true);
    provider.saveTokens({ access_token: 'second-access', token_type: 'Bearer', expires_in: 3600 });
    assert.equal(provider.tokens()?.refresh_token, 'the-refresh-token');
    assert.equal(provider.needsRefresh, false);
  });

  it('reads oauth settings from the config, with secrets from the environment', () => {
    const config = parseMcpConfig({
      mcpServers: { api: { url: 'https://api.example.com/mcp', oauth: { grant: 'client_credentials', clientId: 'orchestra', clientSecret: '${API_SECRET}' } } },
    }, { env: { API_SECRET: 'very-secret-value' } });
    const api = config.servers.api as HttpServerSpec;
    assert.deepEqual(api.oauth, { grant: 'client_credentials', clientId: 'orchestra', clientSecret: 'very-secret-value', signingAlgorithm: 'RS256' });
    assert.doesNotMatch(redact('secret=very-secret-value'), /very-secret-value/);
  });

  it('orchestra mcp login refuses a stdio or unknown server; logout forgets stored tokens', async () => {
    const configDir = tempDir('orchestra-auth-cli-');
    const env = { ORCHESTRA_CONFIG_DIR: configDir };
    const stdio = await orchestraCli(['mcp', 'login', 'store'], env);
    assert.equal(stdio.code, 2, stdio.stderr);
    assert.match(stdio.stderr, /MCP server "store" is a stdio server: only "url" servers use OAuth/);
    const unknown = await orchestraCli(['mcp', 'login', 'nowhere'], env);
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /no MCP server "nowhere" is configured \(configured: filesystem, store\)/);

    new UserOAuthProvider('tickets', 'https://mcp.example.com/mcp', new TokenStore(configDir))
      .saveTokens({ access_token: 'stored-access-token', token_type: 'Bearer' });
    const logout = await orchestraCli(['mcp', 'logout', 'tickets'], env);
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stdout, /forgot the authorization for "tickets"/);
    assert.equal(fs.existsSync(new TokenStore(configDir).file('tickets')), false);
  });

  it('passes the MCP conformance suite\'s step-up, client-credentials (JWT) and elicitation-defaults scenarios', async () => {
    const result = await runProcess(process.execPath, ['--import', 'tsx', 'scripts/conformance.ts',
      'auth/scope-step-up', 'auth/client-credentials-jwt', 'elicitation-sep1034-client-defaults']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(result.stdout.match(/^ok /gm)?.length, 3, result.stdout);
  });
});
