/**
 * OAuth for the pool's Streamable HTTP connections, as a fetch wrapper around every request the transport makes
 * (POSTs, the GET stream, DELETE), following the MCP authorization spec:
 *
 * - A 401 starts `auth()` with what the server's WWW-Authenticate challenge names (the protected-resource metadata
 *   URL and the scope); `auth()` discovers the protected-resource and authorization-server metadata, registers or
 *   presents the client, and obtains a token: by client credentials, by refreshing, or by the authorization-code flow
 *   with PKCE when a user agent is at hand (src/mcp/auth/user-provider.ts). The request is then sent again.
 * - A 403 with `error="insufficient_scope"` is a step-up: the same, with the scope the challenge asks for.
 * - An access token known to have expired is refreshed before the request goes out.
 * - At most MAX_AUTH_ROUNDS authorizations per request, and never twice for the same challenge: a server that keeps
 *   refusing gets its refusal back instead of a loop.
 *
 * Written here rather than using the SDK transport's own `authProvider` handling because that one cannot finish an
 * authorization-code flow inside a request (it throws after the redirect and leaves the retry to the caller).
 */
import { ClientCredentialsProvider, PrivateKeyJwtProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { auth, extractWWWAuthenticateParams, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { HttpServerSpec } from '../config.js';
import { TokenStore } from './token-store.js';
import { LoginRequiredError, UserOAuthProvider, type AuthorizationUserAgent } from './user-provider.js';

/** Authorizations tried for one request before its refusal is returned as it is. */
export const MAX_AUTH_ROUNDS = 3;

export interface AuthorizationOptions {
  /** Where user-delegated tokens are kept (default: the user's config folder). */
  store?: TokenStore;
  /** Lets the authorization-code flow ask a person (`orchestra mcp login`); absent in the worker. */
  userAgent?: AuthorizationUserAgent;
}

/** The OAuth client for a server, or undefined when its configuration sends its own Authorization header. */
export function oauthProviderFor(spec: HttpServerSpec, options: AuthorizationOptions = {}): OAuthClientProvider | undefined {
  if (!spec.oauth && Object.keys(spec.headers).some((header) => /^authorization$/i.test(header))) return undefined;
  const oauth = spec.oauth;
  if (oauth?.grant === 'client_credentials') {
    return oauth.privateKey
      ? new PrivateKeyJwtProvider({ clientId: oauth.clientId!, privateKey: oauth.privateKey, algorithm: oauth.signingAlgorithm, scope: oauth.scope })
      : new ClientCredentialsProvider({ clientId: oauth.clientId!, clientSecret: oauth.clientSecret!, scope: oauth.scope });
  }
  return new UserOAuthProvider(spec.name, spec.url.href, options.store ?? new TokenStore(), oauth, options.userAgent);
}

/** `fetch` for the server's transport, authorizing as above; plain `fetch` when the server needs no OAuth client. */
export function authorizedFetch(spec: HttpServerSpec, options: AuthorizationOptions = {}): FetchLike {
  const provider = oauthProviderFor(spec, options);
  if (!provider) return fetch;
  const authorize = async (next: FetchLike, challenge: { resourceMetadataUrl?: URL; scope?: string }) => {
    const params = { serverUrl: spec.url, ...challenge, fetchFn: next };
    if (await auth(provider, params) === 'REDIRECT') {
      // The user agent (if any) has brought the code back by now; exchange it (auth() answers AUTHORIZED or throws).
      const code = provider instanceof UserOAuthProvider ? provider.takeAuthorizationCode() : undefined;
      if (!code) throw new LoginRequiredError(spec.name);
      await auth(provider, { ...params, authorizationCode: code });
    }
  };

  return async (input, init) => {
    const send = async () => {
      const headers = new Headers(init?.headers);
      const tokens = await provider.tokens();
      if (tokens) headers.set('Authorization', `Bearer ${tokens.access_token}`);
      return fetch(input, { ...init, headers });
    };
    if (provider instanceof UserOAuthProvider && provider.needsRefresh) await authorize(fetch, {});
    let response = await send();
    const challengesSeen = new Set<string>();
    for (let round = 0; round < MAX_AUTH_ROUNDS; round++) {
      const challenge = extractWWWAuthenticateParams(response);
      const stepUp = response.status === 403 && challenge.error === 'insufficient_scope';
      if (response.status !== 401 && !stepUp) break;
      const header = `${response.status} ${response.headers.get('www-authenticate') ?? ''}`;
      if (challengesSeen.has(header)) break; // authorized for exactly this challenge already: it will not change
      challengesSeen.add(header);
      await response.body?.cancel();
      await authorize(fetch, { resourceMetadataUrl: challenge.resourceMetadataUrl, scope: challenge.scope });
      response = await send();
    }
    return response;
  };
}
