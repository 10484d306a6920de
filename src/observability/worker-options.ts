import type { WorkerOptions } from '@temporalio/worker';
import { withTracing } from './tracing.js';
import { withMetrics } from './worker-metrics.js';

/** Tracing and metrics merged into a worker's options (every Orchestra worker, and the tests' workers). */
export function withObservability<T extends Partial<WorkerOptions>>(options: T): T {
  return withMetrics(withTracing(options));
}
