/**
 * The store server over Streamable HTTP (`npm run store -- --http 127.0.0.1:8766`): one SQLite store, one MCP session
 * per connected worker, so workers on several machines share it instead of each spawning its own. Clients send
 * `Authorization: Bearer $STORE_MCP_TOKEN`; without a token the server only listens on loopback. Workers reach it with a
 * `url` entry in mcp.config.json (README, "Sharing one store"). Stops on SIGINT/SIGTERM.
 */
import { HttpServeConfigError, parseListenAddress, serveStreamableHttp } from '../http-serve.js';
import type { FaultConfig } from './faults.js';
import { createStoreServer, STORE_SERVER_NAME } from './server.js';
import type { Store } from './store.js';

export const STORE_TOKEN_ENV = 'STORE_MCP_TOKEN';

/** The `--http host:port` (or `--http=host:port`) argument, if given. */
export function httpAddressFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--http') {
      if (argv[i + 1] === undefined) throw new HttpServeConfigError('--http expects host:port (e.g. 127.0.0.1:8766)');
      return argv[i + 1];
    }
    if (argv[i].startsWith('--http=')) return argv[i].slice('--http='.length);
  }
  return undefined;
}

export async function serveStoreOverHttp(store: Store, faults: FaultConfig, address: string, env: NodeJS.ProcessEnv): Promise<void> {
  const log = (message: string) => process.stderr.write(`[store] ${message}\n`);
  const token = env[STORE_TOKEN_ENV] || undefined;
  const serving = await serveStreamableHttp({
    ...parseListenAddress(address),
    token,
    createServer: () => createStoreServer({ store, faults }),
    log,
  });
  log(`${STORE_SERVER_NAME} ready at ${serving.url} (db ${store.path})${token ? ' (bearer token required)' : ' (no token: loopback only)'}`);
  const stop = async (code: number) => {
    await serving.close();
    store.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(130));
  process.once('SIGTERM', () => void stop(143));
}
