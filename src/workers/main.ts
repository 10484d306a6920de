/**
 * Worker entrypoint for production: `npm run worker [-- --queues tools --max-concurrent 20 …]` (or
 * `node --import tsx src/workers/main.ts`). Connects with the standard Temporal environment configuration and runs
 * until SIGINT/SIGTERM. Options: src/workers/flags.ts; a bad option or MCP config is one clear line and exit 2.
 */
import { Command, CommanderError } from 'commander';
import { addWorkerOptions, workerPlan, WorkerFlagError, type WorkerFlags } from './flags.js';
import { serveWorkers } from './serve.js';

const program = addWorkerOptions(new Command('worker').description('an Orchestra worker process')).exitOverride();
let flags: WorkerFlags;
try {
  flags = program.parse(process.argv).opts<WorkerFlags>();
} catch (err) {
  process.exit(err instanceof CommanderError && err.exitCode === 0 ? 0 : 2);
}
let code: number;
try {
  code = await serveWorkers(workerPlan(flags), flags.mcpConfig);
} catch (err) {
  if (!(err instanceof WorkerFlagError)) throw err;
  process.stderr.write(`orchestra worker: ${err.message}\n`);
  code = 2;
}
process.exit(code); // the installed Temporal runtime would keep the process alive
