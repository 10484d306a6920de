/**
 * Investigation: the same latency, throughput and fan-out measurements against a second dev server that differs only
 * in the history service's queue-reader rate limits (TUNED_DYNAMIC_CONFIG), with its own worker — to show how much of
 * the default figures is that limit rather than Orchestra, the SDK or the machine.
 */
import fs from 'node:fs';
import type { BenchContext } from '../lib/context.js';
import { bankCpuAcross, startBenchWorker, startDevServerWith, TUNED_DYNAMIC_CONFIG } from '../lib/harness.js';
import { Orchestra } from '../../src/client/api.js';
import { fanout, type FanOutResult } from './fanout.js';
import { latency, type LatencyResult } from './latency.js';
import { throughput, type ThroughputResult } from './throughput.js';
import { tuning, type TuningResult } from './tuning.js';

export interface ServerTuningResult {
  dynamicConfig: string[];
  /** Whether the second server kept its SQLite in a file (a --persisted run) or in memory. */
  persisted: boolean;
  latency: LatencyResult;
  throughput: ThroughputResult | { skipped: string };
  fanout: FanOutResult | { skipped: string };
  /** Local activities on the tuned server: both fixes together. */
  tuning: TuningResult;
}

export async function server(ctx: BenchContext): Promise<ServerTuningResult> {
  ctx.log(`starting a second dev server with ${TUNED_DYNAMIC_CONFIG.join(', ')}`);
  const dbFile = ctx.dbFile ? ctx.dbFile.replace(/\.db$/, '-tuned.db') : undefined;
  const env = await startDevServerWith(TUNED_DYNAMIC_CONFIG, dbFile);
  try {
    const worker = await startBenchWorker(env, ctx.bundlePath);
    try {
      const tuned: BenchContext = {
        ...ctx,
        env,
        client: env.client,
        orchestra: Orchestra.fromClient(env.client),
        worker,
        log: (line) => ctx.log(`[tuned server] ${line}`),
        counts: ctx.quick ? { runs: 3, sweep: [4], seconds: 1, localSweep: [4] } : { runs: 100, sweep: [1, 8, 32, 128], seconds: 15, localSweep: [8, 32] },
      };
      const race = <T>(p: Promise<T>) => Promise.race([p, worker.dead]);
      return {
        dynamicConfig: TUNED_DYNAMIC_CONFIG,
        persisted: dbFile !== undefined,
        latency: await race(latency(tuned)),
        throughput: await race(throughput(tuned)),
        fanout: await race(fanout(tuned)),
        tuning: await race(tuning(tuned)),
      };
    } finally {
      await worker.stop();
    }
  } finally {
    await bankCpuAcross('temporal-server', () => env.teardown());
    for (const f of dbFile ? [dbFile, `${dbFile}-wal`, `${dbFile}-shm`] : []) fs.rmSync(f, { force: true });
  }
}
