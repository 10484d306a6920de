/**
 * What a closed circuit breaker costs per tool call: the same real store call (`get_customer`, over stdio) with and
 * without `Breakers.guard`, interleaved in blocks so machine load hits both alike. Run on demand (not part of
 * `npm run bench`): `node --import tsx bench/breaker-overhead.ts [calls]`. The figure goes to RELIABILITY.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createToolActivities } from '../src/activities/mcp.js';
import { Breakers } from '../src/mcp/breaker/breakers.js';
import { McpPool } from '../src/mcp/pool.js';
import { storeSpec } from '../test/helpers/mcp.js';

const calls = Number(process.argv[2] ?? 2_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchestra-breaker-bench-'));
const pool = new McpPool({ store: storeSpec(path.join(dir, 'store.db')) }, { onServerStderr: () => {}, log: () => {} });
const breakers = Breakers.forPool(pool, path.join(dir, 'breakers.db'));
const plain = createToolActivities(pool);
const guarded = createToolActivities(pool, { breakers });
const call = { server: 'store', tool: 'get_customer', args: { customer_id: 'cust-001' } };

async function block(tools: typeof plain, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await tools.callTool(call);
    times.push(performance.now() - t0);
  }
  return times;
}

/** The cost of the guard alone, around a call that does nothing. */
async function guardAlone(n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await breakers.guard('store', async () => undefined);
  return ((performance.now() - t0) / n) * 1000;
}

try {
  await block(guarded, 200); // warm-up: server started, tool list cached, JIT warm
  await block(plain, 200);
  const without: number[] = [];
  const withBreaker: number[] = [];
  for (let i = 0; i < 20; i++) { // alternating which goes first
    if (i % 2) without.push(...await block(plain, calls / 20));
    withBreaker.push(...await block(guarded, calls / 20));
    if (!(i % 2)) without.push(...await block(plain, calls / 20));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const result = {
    calls,
    medianMsWithout: +median(without).toFixed(3),
    medianMsWith: +median(withBreaker).toFixed(3),
    meanMsWithout: +mean(without).toFixed(3),
    meanMsWith: +mean(withBreaker).toFixed(3),
    overheadMedianPct: +(((median(withBreaker) - median(without)) / median(without)) * 100).toFixed(2),
    guardAloneMicroseconds: +(await guardAlone(100_000)).toFixed(2),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await pool.close();
  breakers.board.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
