/**
 * The worker process's memory defaults. With Node's own heap limit (about a quarter of the machine's memory: ~4 GB on
 * a 16–24 GB machine) V8 lets garbage pile up before a full collection, in the worker's main isolate and in its
 * workflow thread's isolate alike: a 10,000-branch fan-out peaked near 850 MiB of RSS (bench, BENCHMARKS.md). A 256 MB
 * old space and 4 MB semi-spaces keep the process near its live size (the same run: ~460 MiB), at the price of more
 * frequent collections. Both are V8 flags read when an isolate starts, so `npm run worker` and `npm start` start their
 * process again with them when they were not given; a `--max-old-space-size` of your own (in the command or in
 * NODE_OPTIONS) wins, and ORCHESTRA_WORKER_HEAP=node keeps Node's defaults.
 *
 * The SDK sizes its workflow cache from the heap limit (32 workflows at 256 MB), far too few for a worker running
 * hundreds of workflows at once (every eviction is a full replay), so the worker sets the cache size itself
 * (WORKFLOW_CACHE_SIZE, src/workers/worker.ts).
 */
import { spawn } from 'node:child_process';

export const WORKER_HEAP_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=4'];

/** Workflows kept in the worker's cache by default (the SDK's default follows the heap limit; see above). */
export const WORKFLOW_CACHE_SIZE = 1000;

const OPT_OUT = 'ORCHESTRA_WORKER_HEAP';

/** Whether this process already runs with a heap limit of its own (or was told to keep Node's). */
function heapConfigured(): boolean {
  return process.env[OPT_OUT] !== undefined || [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]
    .some((arg) => arg.startsWith('--max-old-space-size'));
}

/**
 * Starts this script again with WORKER_HEAP_FLAGS unless a heap limit is already set, passing signals on and exiting
 * with the child's code; returns (and the caller goes on) when the flags are in place.
 */
export async function ensureWorkerHeap(): Promise<void> {
  if (heapConfigured()) return;
  const child = spawn(process.execPath, [...WORKER_HEAP_FLAGS, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [OPT_OUT]: 'set' },
  });
  // A process manager's SIGTERM/SIGHUP goes to this process: pass it on. Ctrl-C's SIGINT reaches the child from the
  // terminal already (same process group), and a second one would end it at once (the SDK handles the first only).
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  process.on('SIGINT', () => undefined);
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  process.exit(code);
}
