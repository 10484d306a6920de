/**
 * Worker entrypoint for production: `npm run worker` (or `node --import tsx src/workers/main.ts`). Connects with the
 * standard Temporal environment configuration and runs until SIGINT/SIGTERM, which the SDK turns into a graceful
 * shutdown: polling stops, in-flight activities get the grace time to finish, then are cancelled.
 */
import { NativeConnection } from '@temporalio/worker';
import { temporalTarget } from '../runtime/connection.js';
import { installRuntime } from '../runtime/logging.js';
import { McpConfigError } from '../mcp/config.js';
import { createWorker, openToolPool } from './worker.js';

installRuntime(); // before anything touches the Temporal runtime
const target = temporalTarget();
// `--mcp-config <file>` or ORCHESTRA_MCP_CONFIG picks the MCP servers; a bad config is one clear line and exit 2.
const mcp = await openToolPool().catch((err: unknown) => {
  if (!(err instanceof McpConfigError)) throw err;
  process.stderr.write(`orchestra worker: ${err.message}\n`);
  process.exit(2);
});
const connection = await NativeConnection.connect(target.connectionOptions);
try {
  const worker = await createWorker({ connection, namespace: target.namespace, activityDeps: { mcp } });
  await worker.run();
} finally {
  await mcp.close(); // stops the stdio MCP servers after in-flight activities finished
  await connection.close();
}
