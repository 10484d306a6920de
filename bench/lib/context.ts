import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Orchestra } from '../../src/client/api.js';
import type { BenchWorker } from './harness.js';

/** What every section gets. */
export interface BenchContext {
  env: TestWorkflowEnvironment;
  client: Client;
  orchestra: Orchestra;
  /** The shared Orchestra worker (latency, throughput, fan-out, LangGraph's Temporal side). */
  worker: BenchWorker;
  bundlePath: string;
  /** The raw twin's plain SDK worker, in its own process with its own bundle: every raw variant runs there. */
  twin: BenchWorker;
  twinBundlePath: string;
  /** The SQLite file of a persisted (`--persisted`) run; a second server gets a file beside it. */
  dbFile?: string;
  quick: boolean;
  log(line: string): void;
  /** Smaller counts for a re-run of a section against another server (the investigations). */
  counts?: { runs?: number; sweep?: number[]; seconds?: number; localSweep?: number[]; repeats?: number };
  /** Whether a workflow type is registered in the bundle (orderSaga / parallelAggregate may not have landed yet). */
  has(workflowType: string): boolean;
}
