/**
 * The circuit breaker per MCP server, around the real callTool activity and the real store server (its injected
 * faults are the infrastructure failures), with two "workers" (two Breakers on one board file) sharing the state.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createToolActivities } from '../src/activities/mcp.js';
import { BreakerBoard } from '../src/mcp/breaker/board.js';
import { Breakers } from '../src/mcp/breaker/breakers.js';
import { breakerSettings, BreakerSettingsInput } from '../src/mcp/breaker/settings.js';
import { parseMcpConfig } from '../src/mcp/config.js';
import { rejectsWith, storeSpec, tempDir, testPool, waitFor } from './helpers/mcp.js';

describe('circuit breaker per MCP server', () => {
  const dir = tempDir('breaker');
  const storeDb = path.join(dir, 'store.db');
  const boardFile = path.join(dir, 'breakers.db');
  // get_customer fails (retryable InjectedFault, before any effect) for its first 4 calls, then works.
  const spec = { ...storeSpec(storeDb, { get_customer: { fail: 4 } }), breaker: breakerSettings(BreakerSettingsInput.parse({ failureThreshold: 3, cooldown: 400 })) };
  const pool = testPool([spec]);
  let workerA: Breakers;
  let workerB: Breakers;
  const calls = () => {
    const db = new Database(storeDb, { readonly: true });
    try {
      return (db.prepare(`SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'get_customer'`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const settingsOf = (server: string) => (server === 'store' ? spec.breaker : undefined);

  before(() => {
    workerA = new Breakers(new BreakerBoard(boardFile), settingsOf, { refreshMs: 0, worker: 'worker-a', log: () => {} });
    workerB = new Breakers(new BreakerBoard(boardFile), settingsOf, { refreshMs: 0, worker: 'worker-b', log: () => {} });
  });
  after(async () => {
    await pool.close();
    workerA.board.close();
    workerB.board.close();
  });

  it('does not count business errors: a server that answers "no" stays closed', async () => {
    const tools = createToolActivities(pool, { breakers: workerA });
    for (let i = 0; i < 5; i++) {
      await rejectsWith(tools.callTool({ server: 'store', tool: 'get_ticket', args: { ticket_id: 'TKT-none' } }), { type: 'UnknownTicket', nonRetryable: true });
    }
    assert.deepEqual(workerA.board.list().map((b) => b.state), []);
  });

  it('opens after the threshold of infrastructure failures; every worker then fails fast without calling the server', async () => {
    const tools = createToolActivities(pool, { breakers: workerA });
    const args = { customer_id: 'cust-001' };
    for (let i = 0; i < 3; i++) await rejectsWith(tools.callTool({ server: 'store', tool: 'get_customer', args }), { type: 'InjectedFault', nonRetryable: false });
    assert.equal(calls(), 3);

    const otherWorker = createToolActivities(pool, { breakers: workerB });
    const refused = await rejectsWith(otherWorker.callTool({ server: 'store', tool: 'get_customer', args }), { type: 'BreakerOpen', nonRetryable: false });
    assert.ok(refused.nextRetryDelay !== undefined && Number(refused.nextRetryDelay) > 0 && Number(refused.nextRetryDelay) <= 400,
      `retry delayed until the breaker may half-open (${String(refused.nextRetryDelay)})`);
    assert.equal(calls(), 3, 'the open breaker kept the call from the server');

    const [store] = workerB.board.list();
    assert.equal(store.state, 'open');
    assert.equal(store.recentFailures, 3);
    assert.ok(store.nextProbeAt);
    const opened = workerA.board.transitions('store')[0];
    assert.deepEqual([opened.from, opened.to, opened.worker], ['closed', 'open', 'worker-a']);
    assert.match(opened.reason, /3 infrastructure failures within 60 s \(threshold 3\)/);
    assert.deepEqual(opened.failures.map((f) => f.type), ['InjectedFault', 'InjectedFault', 'InjectedFault']);
  });

  it('lets one probe through after the cool-down: a failed probe opens it again, a good one closes it', async () => {
    const tools = createToolActivities(pool, { breakers: workerA });
    const args = { customer_id: 'cust-001' };
    await waitFor(() => Date.now() >= Date.parse(workerA.board.list()[0].nextProbeAt!), 5_000, 'the cool-down');
    // The 4th injected fault fails the probe: open again.
    await rejectsWith(tools.callTool({ server: 'store', tool: 'get_customer', args }), { type: 'InjectedFault' });
    assert.equal(workerA.board.list()[0].state, 'open');
    assert.equal(calls(), 4);

    await waitFor(() => Date.now() >= Date.parse(workerA.board.list()[0].nextProbeAt!), 5_000, 'the second cool-down');
    const result = await tools.callTool({ server: 'store', tool: 'get_customer', args }) as { customer: { id: string } };
    assert.equal(result.customer.id, 'cust-001');
    assert.equal(workerA.board.list()[0].state, 'closed');
    assert.equal(workerA.board.list()[0].recentFailures, 0, 'failures before closing no longer count');
    assert.deepEqual(workerA.board.transitions('store').reverse().map((t) => `${t.from}→${t.to}`),
      ['closed→open', 'open→half_open', 'half_open→open', 'open→half_open', 'half_open→closed']);
  });

  it('is configured per server in mcp.config.json, with the seed\'s defaults (5 failures, 60 s)', () => {
    const config = parseMcpConfig({ mcpServers: {
      store: { command: 'node', breaker: { failureThreshold: 3, cooldown: '10s' } },
      files: { command: 'node' },
    } });
    assert.deepEqual(config.servers.store.breaker, { enabled: true, failureThreshold: 3, windowMs: 60_000, cooldownMs: 10_000, probeTimeoutMs: 60_000 });
    assert.deepEqual(config.servers.files.breaker, { enabled: true, failureThreshold: 5, windowMs: 60_000, cooldownMs: 60_000, probeTimeoutMs: 60_000 });
    assert.throws(() => parseMcpConfig({ mcpServers: { store: { command: 'node', breaker: { failureThreshold: 0 } } } }),
      /mcpServers\.store\.breaker\.failureThreshold/);
  });
});
