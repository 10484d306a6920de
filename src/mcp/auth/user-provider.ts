/**
 * The OAuth client for user-delegated access to one MCP server (authorization code with PKCE), backed by the token
 * store. The MCP SDK's `auth()` drives it: metadata discovery, registration (dynamic, pre-registered or a Client ID
 * Metadata Document), the PKCE authorization request, the code exchange and refreshes.
 *
 * Whether it may ask a person: with a user agent (`orchestra mcp login`, the conformance client) it sends the person
 * to the authorization URL and waits for the code; without one (the worker) a flow that needs a person fails with
 * LoginRequiredError, which says which command to run. Refreshing needs no person and always works.
 */
import { randomBytes } from 'node:crypto';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { OAuthSettings } from '../config.js';
import type { AuthRecord, TokenStore } from './token-store.js';

/** Takes a person to an authorization URL and brings back the authorization code (see loopback.ts). */
export interface AuthorizationUserAgent {
  /** Where the authorization server sends the person back to (a loopback URL for a CLI). */
  readonly redirectUrl: string;
  /** Resolves with the `code` of the redirect whose `state` matches; rejects on an error redirect or a timeout. */
  authorize(authorizationUrl: URL, state: string): Promise<string>;
}

/** The server needs a person to authorize Orchestra, and this process cannot ask one. */
export class LoginRequiredError extends Error {
  constructor(readonly server: string) {
    super(`MCP server "${server}" needs authorization: run \`orchestra mcp login ${server}\` in a terminal`);
    this.name = 'LoginRequiredError';
  }
}

/** A redirect URI for processes without a user agent: only refreshes happen there, which send none. */
const NO_USER_AGENT_REDIRECT = 'http://127.0.0.1/orchestra-oauth-callback';

export class UserOAuthProvider implements OAuthClientProvider {
  private record: AuthRecord;
  private pendingState?: string;
  private pendingCode?: string;

  constructor(
    private readonly server: string,
    private readonly serverUrl: string,
    private readonly store: TokenStore,
    private readonly settings: Partial<OAuthSettings> = {},
    private readonly userAgent?: AuthorizationUserAgent,
  ) {
    this.record = store.read(server, serverUrl);
  }

  get redirectUrl(): string {
    return this.userAgent?.redirectUrl ?? NO_USER_AGENT_REDIRECT;
  }

  get clientMetadataUrl(): string | undefined {
    return this.settings.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Orchestra',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: this.settings.clientSecret ? 'client_secret_basic' : 'none',
      ...(this.settings.scope && { scope: this.settings.scope }),
    };
  }

  state(): string {
    this.pendingState = randomBytes(16).toString('base64url');
    return this.pendingState;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    if (this.settings.clientId) {
      return { client_id: this.settings.clientId, ...(this.settings.clientSecret && { client_secret: this.settings.clientSecret }) };
    }
    return this.record.clientInformation;
  }

  saveClientInformation(clientInformation: OAuthClientInformationMixed): void {
    if (this.settings.clientId) return; // pre-registered: the configuration is the source
    this.save({ clientInformation });
  }

  tokens(): OAuthTokens | undefined {
    return this.record.tokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    const expiresAt = tokens.expires_in === undefined ? undefined : Date.now() + tokens.expires_in * 1000;
    // A refresh answer may omit the refresh token: the old one stays valid then (RFC 6749 §6).
    const refresh = tokens.refresh_token ?? this.record.tokens?.refresh_token;
    this.save({ tokens: { ...tokens, ...(refresh && { refresh_token: refresh }) }, expiresAt, codeVerifier: undefined });
  }

  /** True when the stored access token has expired and a refresh token can replace it before the next request. */
  get needsRefresh(): boolean {
    return !!this.record.tokens?.refresh_token && this.record.expiresAt !== undefined && this.record.expiresAt <= Date.now();
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    if (!this.userAgent) throw new LoginRequiredError(this.server);
    this.pendingCode = await this.userAgent.authorize(authorizationUrl, this.pendingState ?? '');
  }

  /** The code a user agent brought back (once), for the exchange that follows a redirect. */
  takeAuthorizationCode(): string | undefined {
    const code = this.pendingCode;
    this.pendingCode = undefined;
    return code;
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.save({ codeVerifier });
  }

  codeVerifier(): string {
    if (!this.record.codeVerifier) throw new Error(`no PKCE code verifier saved for MCP server "${this.server}"`);
    return this.record.codeVerifier;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.record.discoveryState;
  }

  saveDiscoveryState(discoveryState: OAuthDiscoveryState): void {
    this.save({ discoveryState });
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    const cleared: Partial<AuthRecord> = {};
    if (scope === 'all' || scope === 'client') cleared.clientInformation = undefined;
    if (scope === 'all' || scope === 'tokens') Object.assign(cleared, { tokens: undefined, expiresAt: undefined });
    if (scope === 'all' || scope === 'verifier') cleared.codeVerifier = undefined;
    if (scope === 'all' || scope === 'discovery') cleared.discoveryState = undefined;
    this.save(cleared);
  }

  private save(changes: Partial<AuthRecord>): void {
    // Re-read first: another worker process may have refreshed the tokens since this one loaded them.
    const current = this.store.read(this.server, this.serverUrl);
    this.record = { ...current, ...changes, serverUrl: this.serverUrl };
    this.store.write(this.server, this.record);
  }
}
