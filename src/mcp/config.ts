/**
 * The `mcpServers` configuration: the JSON shape Claude Desktop, Cursor and other MCP hosts use, so a server entry can
 * be copied between them.
 *
 * ```json
 * { "mcpServers": {
 *     "filesystem": { "command": "node", "args": ["…/server-filesystem/dist/index.js", "${ORCHESTRA_HOME}/files"] },
 *     "tickets":    { "url": "https://mcp.example.com/mcp", "headers": { "Authorization": "Bearer ${TICKETS_TOKEN}" } } } }
 * ```
 *
 * - stdio servers: `command`, `args`, `env`, `cwd` (relative to the config file's folder; default that folder).
 *   `"command": "node"` runs the worker's own Node binary. A server gets only the configured `env` on top of a small
 *   safe set (HOME, PATH, …), never the worker's whole environment.
 * - Streamable HTTP servers: `url`, `headers`, and optionally `oauth` (see OAuthEntry; src/mcp/auth/). Orchestra's
 *   store server can be one too (`npm run store -- --http host:port`), shared by workers on several machines.
 * - `${VAR}` and `${VAR:-default}` expand from the worker's environment in command, args, env, cwd, url and headers;
 *   `${ORCHESTRA_HOME}` and `${PROJECT_ROOT}` are always defined. Secrets therefore live in the environment of the
 *   worker process, never in workflow inputs or history. An unset variable without a default is a config error.
 *   Every value expanded from the environment (built-ins aside) and every credential header value is registered with
 *   src/shared/redact.ts, so no message, log line or history event shows it.
 *
 * Where the file is: the `--mcp-config <path>` flag, else ORCHESTRA_MCP_CONFIG, else `<project>/mcp.config.json`.
 * A bad file fails at worker start with the server and the field: `mcpServers.store.command: expected string`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { orchestraHome, projectRoot } from '../runtime/paths.js';
import { redact, registerSecret, registerUrlSecrets } from '../shared/redact.js';
import { formatPath } from '../shared/validation.js';
import { breakerSettings, BreakerSettingsInput, type BreakerSettings } from './breaker/settings.js';

export const DEFAULT_MCP_CONFIG = path.join(projectRoot, 'mcp.config.json');
export const MCP_CONFIG_ENV = 'ORCHESTRA_MCP_CONFIG';
export const MCP_CONFIG_FLAG = '--mcp-config';

/** Variables that are never secret: their values stay readable in messages. */
const BUILT_IN_VARS = new Set(['ORCHESTRA_HOME', 'PROJECT_ROOT']);
/** Headers whose values are credentials even when written literally in the file. */
const CREDENTIAL_HEADER = /authorization|api[-_]?key|token|secret|cookie|password/i;

const ServerName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'server names use 1–64 letters, digits, "_" or "-"');
const StringMap = z.record(z.string(), z.string());

/**
 * OAuth for a `url` server (the MCP authorization spec). `grant` says which flow:
 * - `authorization_code` (the default; user-delegated): `orchestra mcp login <server>` runs the browser flow with PKCE
 *   once and stores the tokens in the user's config folder (src/mcp/auth/token-store.ts); the worker uses and refreshes
 *   them. `clientId`/`clientSecret` for a pre-registered client; without them the client registers itself
 *   dynamically, or presents `clientMetadataUrl` (a Client ID Metadata Document) where the server supports that.
 * - `client_credentials` (machine to machine): `clientId` plus `clientSecret` or `privateKey` (a PEM, signed as a
 *   private-key JWT with `signingAlgorithm`), normally written as `${VAR}` so they come from the environment.
 * `scope` is asked for when the server names none (its WWW-Authenticate challenge and metadata come first).
 */
const OAuthEntry = z
  .strictObject({
    grant: z.enum(['authorization_code', 'client_credentials']).default('authorization_code'),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    privateKey: z.string().min(1).optional(),
    signingAlgorithm: z.string().min(1).default('RS256'),
    clientMetadataUrl: z.string().min(1).optional(),
    scope: z.string().min(1).optional(),
  })
  .superRefine((oauth, ctx) => {
    if (oauth.grant === 'client_credentials') {
      if (oauth.clientId === undefined) ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'client_credentials needs "clientId"' });
      if ((oauth.clientSecret === undefined) === (oauth.privateKey === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'client_credentials needs exactly one of "clientSecret" or "privateKey"' });
      }
    } else if (oauth.privateKey !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['privateKey'], message: '"privateKey" applies to "grant": "client_credentials"' });
    }
  });
export type OAuthSettings = z.output<typeof OAuthEntry>;

/** One entry of `mcpServers`, as written in the file (before `${VAR}` expansion). */
const ServerEntry = z
  .strictObject({
    // Some hosts (VS Code, Cursor) write the transport explicitly; accepted, and checked against the fields present.
    type: z.enum(['stdio', 'http', 'streamable-http']).optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: StringMap.optional(),
    cwd: z.string().min(1).optional(),
    url: z.string().min(1).optional(),
    headers: StringMap.optional(),
    oauth: OAuthEntry.optional(),
    /** Orchestra's circuit breaker for this server (src/mcp/breaker/settings.ts); other MCP hosts ignore it. */
    breaker: BreakerSettingsInput.optional(),
  })
  .superRefine((entry, ctx) => {
    const stdioOnly = (['args', 'env', 'cwd'] as const).filter((key) => entry[key] !== undefined);
    if (entry.command !== undefined && entry.url !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'a server has either "command" (stdio) or "url" (Streamable HTTP), not both' });
    } else if (entry.command === undefined && entry.url === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'needs "command" (a stdio server) or "url" (a Streamable HTTP server)' });
    } else if (entry.url !== undefined) {
      if (entry.oauth !== undefined && entry.headers && Object.keys(entry.headers).some((h) => /^authorization$/i.test(h))) {
        ctx.addIssue({ code: 'custom', path: ['oauth'], message: 'a server authorizes with either "oauth" or an "Authorization" header, not both' });
      }
      for (const key of stdioOnly) ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" applies to stdio servers, not to a "url" server` });
      if (entry.type === 'stdio') ctx.addIssue({ code: 'custom', path: ['type'], message: '"stdio" needs "command", not "url"' });
    } else {
      if (entry.headers !== undefined) ctx.addIssue({ code: 'custom', path: ['headers'], message: '"headers" applies to "url" servers, not to a stdio server' });
      if (entry.oauth !== undefined) ctx.addIssue({ code: 'custom', path: ['oauth'], message: '"oauth" applies to "url" servers, not to a stdio server' });
      if (entry.type !== undefined && entry.type !== 'stdio') ctx.addIssue({ code: 'custom', path: ['type'], message: `"${entry.type}" needs "url", not "command"` });
    }
  });

export const McpConfigFile = z.strictObject({
  $schema: z.string().optional(),
  mcpServers: z.record(ServerName, ServerEntry),
});
export type McpConfigFile = z.input<typeof McpConfigFile>;

export interface StdioServerSpec {
  name: string;
  /** The server's circuit breaker settings (defaults when absent). */
  breaker?: BreakerSettings;
  transport: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface HttpServerSpec {
  name: string;
  /** The server's circuit breaker settings (defaults when absent). */
  breaker?: BreakerSettings;
  transport: 'http';
  url: URL;
  headers: Record<string, string>;
  /** OAuth settings (expanded); absent means tokens from `orchestra mcp login` are used when the server asks for them. */
  oauth?: OAuthSettings;
}

export type McpServerSpec = StdioServerSpec | HttpServerSpec;

/** A loaded, validated and expanded configuration. */
export interface McpConfig {
  /** The file it came from (or a description of the source for configs built in code). */
  source: string;
  servers: Record<string, McpServerSpec>;
}

export class McpConfigError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`Invalid MCP config ${source}: ${problems.join('; ')}`);
    this.name = 'McpConfigError';
  }
}

export interface LoadMcpConfigOptions {
  /** An explicit path; wins over the flag and the environment. */
  path?: string;
  /** Command-line arguments to look for `--mcp-config <path>` / `--mcp-config=<path>` in (default process.argv). */
  argv?: readonly string[];
  /** Where `${VAR}` values and ORCHESTRA_MCP_CONFIG come from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Which file the worker reads: explicit path, `--mcp-config`, ORCHESTRA_MCP_CONFIG, then the project default. */
export function mcpConfigPath(options: LoadMcpConfigOptions = {}): string {
  const env = options.env ?? process.env;
  const fromFlag = flagValue(options.argv ?? process.argv, MCP_CONFIG_FLAG);
  return path.resolve(options.path ?? fromFlag ?? (env[MCP_CONFIG_ENV] || DEFAULT_MCP_CONFIG));
}

/** Reads, validates and expands the MCP configuration; throws McpConfigError naming each bad field. */
export function loadMcpConfig(options: LoadMcpConfigOptions = {}): McpConfig {
  const file = mcpConfigPath(options);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new McpConfigError(file, [`cannot read the file (${(err as Error).message})`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new McpConfigError(file, [`not valid JSON (${(err as Error).message})`]);
  }
  return parseMcpConfig(raw, { source: file, baseDir: path.dirname(file), env: options.env });
}

export interface ParseMcpConfigOptions {
  /** Named in error messages. */
  source?: string;
  /** What a relative `cwd` resolves against, and the default `cwd` of stdio servers. */
  baseDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** Validates and expands a configuration object (the parsed JSON of a config file). */
export function parseMcpConfig(raw: unknown, options: ParseMcpConfigOptions = {}): McpConfig {
  const source = options.source ?? '(inline config)';
  const parsed = McpConfigFile.safeParse(raw);
  if (!parsed.success) {
    throw new McpConfigError(source, parsed.error.issues.map((issue) => `${formatPath(issue.path) || '(config)'}: ${issue.message}`));
  }
  const baseDir = options.baseDir ?? projectRoot;
  const problems: string[] = [];
  const expander = new Expander(options.env ?? process.env, problems);
  const servers: Record<string, McpServerSpec> = {};
  for (const [name, entry] of Object.entries(parsed.data.mcpServers)) {
    const at = `mcpServers.${name}`;
    if (entry.url !== undefined) {
      const urlText = expander.expand(entry.url, `${at}.url`);
      let url: URL | undefined;
      try {
        url = new URL(urlText);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
      } catch {
        problems.push(`${at}.url: must be an http(s) URL, got "${redact(urlText)}"`);
      }
      const headers = expander.expandMap(entry.headers, `${at}.headers`);
      for (const [header, value] of Object.entries(headers)) {
        if (CREDENTIAL_HEADER.test(header)) registerSecret(value.replace(/^(Bearer|Basic|Token)\s+/i, ''), `mcpServers.${name}.headers.${header}`);
      }
      const oauth = entry.oauth && expandOAuth(entry.oauth, expander, `${at}.oauth`);
      if (url) {
        registerUrlSecrets(url, `mcpServers.${name}.url`);
        servers[name] = { name, transport: 'http', url, headers, breaker: breakerSettings(entry.breaker), ...(oauth && { oauth }) };
      }
    } else {
      const command = expander.expand(entry.command!, `${at}.command`);
      servers[name] = {
        name,
        transport: 'stdio',
        // "node" means the Node binary running the worker, whatever PATH holds (nvm, containers, CI images).
        command: command === 'node' ? process.execPath : command,
        args: (entry.args ?? []).map((arg, i) => expander.expand(arg, `${at}.args[${i}]`)),
        env: expander.expandMap(entry.env, `${at}.env`),
        cwd: path.resolve(baseDir, entry.cwd === undefined ? '.' : expander.expand(entry.cwd, `${at}.cwd`)),
        breaker: breakerSettings(entry.breaker),
      };
    }
  }
  if (problems.length > 0) throw new McpConfigError(source, problems);
  return { source, servers };
}

/** The OAuth settings with `${VAR}` expanded; the client secret and private key are registered as secrets. */
function expandOAuth(oauth: OAuthSettings, expander: Expander, at: string): OAuthSettings {
  const out = { ...oauth };
  for (const key of ['clientId', 'clientSecret', 'privateKey', 'clientMetadataUrl', 'scope'] as const) {
    if (out[key] !== undefined) out[key] = expander.expand(out[key], `${at}.${key}`);
  }
  registerSecret(out.clientSecret, `${at}.clientSecret`);
  registerSecret(out.privateKey, `${at}.privateKey`);
  return out;
}

/** `${VAR}` / `${VAR:-default}` expansion, recording unset variables as problems that name the field. */
class Expander {
  private readonly vars: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv, private readonly problems: string[]) {
    // Built-ins can be overridden from the environment like any variable; ORCHESTRA_HOME already is.
    this.vars = { PROJECT_ROOT: projectRoot, ...env, ORCHESTRA_HOME: env.ORCHESTRA_HOME ? path.resolve(env.ORCHESTRA_HOME) : orchestraHome() };
  }

  /** Expands `${NAME}` and `${NAME:-default}`; a default may itself hold `${…}`. Values are not re-expanded. */
  expand(value: string, field: string): string {
    const [out] = this.expandFrom(value, 0, field, false);
    return out;
  }

  /** Expands from `start` to the end, or (inDefault) up to the `}` that closes the enclosing reference. */
  private expandFrom(text: string, start: number, field: string, inDefault: boolean): [string, number] {
    let out = '';
    let i = start;
    while (i < text.length) {
      if (inDefault && text[i] === '}') return [out, i];
      const ref = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:-|\})/.exec(text.slice(i, i + 200));
      if (!ref) {
        out += text[i++];
        continue;
      }
      const name = ref[1];
      i += ref[0].length;
      let fallback: string | undefined;
      const problemsBefore = this.problems.length;
      if (ref[2] === ':-') {
        [fallback, i] = this.expandFrom(text, i, field, true);
        if (text[i] !== '}') {
          this.problems.push(`${field}: "\${${name}:-" has no closing "}"`);
          return [out, i];
        }
        i += 1;
      }
      if (this.isSet(name, fallback !== undefined)) this.problems.length = problemsBefore; // the default went unused
      out += this.lookup(name, fallback, field);
    }
    return [out, i];
  }

  /** As in the shell: `:-` also replaces an empty value; a plain `${VAR}` set to '' stays empty. */
  private isSet(name: string, hasDefault: boolean): boolean {
    const found = this.vars[name];
    return found !== undefined && (found !== '' || !hasDefault);
  }

  private lookup(name: string, fallback: string | undefined, field: string): string {
    if (this.isSet(name, fallback !== undefined)) {
      // A value from the environment may be a secret: never let it reach a message, a log line or history.
      if (!BUILT_IN_VARS.has(name)) registerSecret(this.vars[name], name);
      return this.vars[name]!;
    }
    if (fallback !== undefined) return fallback;
    this.problems.push(`${field}: environment variable ${name} is not set (write \${${name}:-default} for a default)`);
    return '';
  }

  expandMap(map: Record<string, string> | undefined, field: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(map ?? {})) out[key] = this.expand(value, `${field}.${key}`);
    return out;
  }
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag && argv[i + 1] !== undefined) return argv[i + 1];
    if (argv[i].startsWith(`${flag}=`)) return argv[i].slice(flag.length + 1);
  }
  return undefined;
}
