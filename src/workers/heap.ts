/**
 * The worker process's memory defaults. With Node's own heap limit (about a quarter of the machine's memory: ~4 GB on
 * a 16–24 GB machine) V8 lets garbage pile up before a full collection, in the worker's main isolate and in its
 * workflow thread's isolate alike: a 10,000-branch fan-out peaked near 850 MiB of RSS (bench, BENCHMARKS.md). A 256 MB
 * old space and 4 MB semi-spaces keep the process nearer its live size, at the price of more frequent collections.
 * Both are V8 flags read when an isolate starts, so they are given on the command line: the `start` and `worker`
 * scripts in package.json pass WORKER_HEAP_FLAGS to node (test/worker-heap.test.ts keeps the two in step). Starting the
 * worker another way (`node --import tsx src/workers/main.ts`, the tests) keeps Node's defaults unless you pass them.
 *
 * At these defaults the 10,000-branch fan-out peaks at ~445 MiB (466–469 MB; bench/FINDINGS.md point 2): the workflow
 * thread's isolate ~140 MiB, the main isolate ~70 MiB, other native memory (the isolates' external buffers, the SDK's
 * core, tsx's loader thread) ~175 MiB and mapped code ~60 MiB. The old space bounds both isolates (V8 flags are
 * per process, and the SDK starts its workflow thread without resourceLimits of its own).
 *
 * The SDK sizes its workflow cache from the heap limit (32 workflows at 256 MB), far too few for a worker running
 * hundreds of workflows at once (every eviction is a full replay), so the worker sets the cache size itself
 * (WORKFLOW_CACHE_SIZE, src/workers/worker.ts).
 */
export const WORKER_HEAP_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=4'];

/** Workflows kept in the worker's cache by default (the SDK's default follows the heap limit; see above). */
export const WORKFLOW_CACHE_SIZE = 1000;
