/**
 * Secondary: the same latency, throughput and fan-out measurements against a second dev server with the server's
 * stock dynamic config — its history queue readers capped at 20 reads/s, which `npm start` lifts
 * (LIFTED_QUEUE_READER_LIMITS) — with its own Orchestra and twin workers, smaller counts: how much of a stock server's
 * figures is that cap rather than Orchestra, the SDK or the machine.
 */
import fs from 'node:fs';
import type { BenchContext } from '../lib/context.js';
import { bankCpuAcross, startBenchWorker, startDevServerWith } from '../lib/harness.js';
import { Orchestra } from '../../src/client/api.js';
import { fanout, type FanOutResult } from './fanout.js';
import { latency, type LatencyResult } from './latency.js';
import { throughput, type ThroughputResult } from './throughput.js';

export interface StockServerResult {
  /** The `--dynamic-config-value`s of the second server (none: the stock settings). */
  dynamicConfig: string[];
  /** Whether the second server kept its SQLite in a file (a --persisted run) or in memory. */
  persisted: boolean;
  latency: LatencyResult;
  throughput: ThroughputResult | { skipped: string };
  fanout: FanOutResult | { skipped: string };
}

export async function server(ctx: BenchContext): Promise<StockServerResult> {
  ctx.log('starting a second dev server with the stock dynamic config');
  const dbFile = ctx.dbFile ? ctx.dbFile.replace(/\.db$/, '-stock.db') : undefined;
  const env = await startDevServerWith([], dbFile);
  try {
    const worker = await startBenchWorker(env, ctx.bundlePath);
    const twin = await startBenchWorker(env, ctx.twinBundlePath, {}, [], 'twin');
    try {
      const stock: BenchContext = {
        ...ctx,
        env,
        client: env.client,
        orchestra: Orchestra.fromClient(env.client),
        worker,
        twin,
        log: (line) => ctx.log(`[stock server] ${line}`),
        counts: ctx.quick ? { runs: 3, sweep: [4], seconds: 1 } : { runs: 40, sweep: [1, 8], seconds: 5, repeats: 1 },
      };
      const race = <T>(p: Promise<T>) => Promise.race([p, worker.dead, twin.dead]);
      return {
        dynamicConfig: [],
        persisted: dbFile !== undefined,
        latency: await race(latency(stock)),
        throughput: await race(throughput(stock)),
        fanout: await race(fanout(stock)),
      };
    } finally {
      await twin.stop();
      await worker.stop();
    }
  } finally {
    await bankCpuAcross('temporal-server', () => env.teardown());
    for (const f of dbFile ? [dbFile, `${dbFile}-wal`, `${dbFile}-shm`] : []) fs.rmSync(f, { force: true });
  }
}
