/**
 * Where user-delegated OAuth state lives: one JSON file per MCP server in the user's config folder
 * (`$ORCHESTRA_CONFIG_DIR`, else `$XDG_CONFIG_HOME/orchestra`, else `~/.config/orchestra`), under `mcp-auth/`.
 * The folder is created with mode 700 and every file is written with mode 600 (atomically: a temporary file renamed
 * into place), so only the user can read the tokens. Nothing here is ever logged: the values are registered with
 * src/shared/redact.ts as they are read or saved.
 *
 * A record belongs to one server URL: when the configured URL changes, the old record is ignored (tokens are bound to
 * their resource and must not be sent elsewhere).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import { registerSecret } from '../../shared/redact.js';

export const CONFIG_DIR_ENV = 'ORCHESTRA_CONFIG_DIR';

export interface AuthRecord {
  serverUrl: string;
  clientInformation?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  /** When the access token stops being valid (ms since epoch), from `expires_in` at save time. */
  expiresAt?: number;
  codeVerifier?: string;
  discoveryState?: OAuthDiscoveryState;
}

/** The user's Orchestra config folder. */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env[CONFIG_DIR_ENV]) return path.resolve(env[CONFIG_DIR_ENV]);
  const base = env.XDG_CONFIG_HOME ? path.resolve(env.XDG_CONFIG_HOME) : path.join(os.homedir(), '.config');
  return path.join(base, 'orchestra');
}

export class TokenStore {
  readonly dir: string;

  constructor(configDir = userConfigDir()) {
    this.dir = path.join(configDir, 'mcp-auth');
  }

  file(server: string): string {
    return path.join(this.dir, `${server}.json`);
  }

  /** The record for this server at this URL (an empty one when none is stored or the URL changed). */
  read(server: string, serverUrl: string): AuthRecord {
    let record: AuthRecord;
    try {
      record = JSON.parse(fs.readFileSync(this.file(server), 'utf8')) as AuthRecord;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { serverUrl };
      throw new Error(`cannot read the stored authorization for MCP server "${server}" (${this.file(server)}): ${(err as Error).message}`);
    }
    if (record.serverUrl !== serverUrl) return { serverUrl };
    registerRecordSecrets(server, record);
    return record;
  }

  write(server: string, record: AuthRecord): void {
    registerRecordSecrets(server, record);
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const target = this.file(server);
    const staging = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(staging, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    fs.chmodSync(staging, 0o600); // the mode option does not apply when the file already existed
    fs.renameSync(staging, target);
  }

  /** Forgets the server's authorization (`orchestra mcp logout`). True when something was removed. */
  remove(server: string): boolean {
    try {
      fs.unlinkSync(this.file(server));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}

function registerRecordSecrets(server: string, record: AuthRecord): void {
  registerSecret(record.tokens?.access_token, `mcp-auth ${server} access token`);
  registerSecret(record.tokens?.refresh_token, `mcp-auth ${server} refresh token`);
  registerSecret(record.clientInformation && 'client_secret' in record.clientInformation ? record.clientInformation.client_secret : undefined,
    `mcp-auth ${server} client secret`);
  registerSecret(record.codeVerifier, `mcp-auth ${server} code verifier`);
}
