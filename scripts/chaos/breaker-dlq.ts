/**
 * A tool that hangs: each attempt times out, the retries run out, the store's circuit breaker opens, a later call fails
 * fast (it never reaches the server while the breaker is open), the first unit reaches the dead-letter queue, and a
 * redrive once the tool has recovered completes it — asked twice, it runs once.
 */
import path from 'node:path';
import { DeadLetterQueue } from '../../src/client/dead-letters.js';
import { BreakerBoard } from '../../src/mcp/breaker/board.js';
import { loadMcpConfig } from '../../src/mcp/config.js';
import { McpPool } from '../../src/mcp/pool.js';
import type { DeadLetterItem } from '../../src/shared/dead-letter.js';
import { ChaosStack, until, type ScenarioReport } from './stack.js';

/** get_customer hangs for its first 3 calls: the 3 attempts of the first run. Then the tool has "recovered". */
const HANGS = 3;

export async function hangingToolBreakerDlq(): Promise<ScenarioReport> {
  const stack = await ChaosStack.start('breaker', {
    mcp: (config) => {
      const store = config.mcpServers.store;
      store.env = { ...store.env, STORE_FAULTS: JSON.stringify({ get_customer: { hang: HANGS } }) };
      store.breaker = { failureThreshold: 3, window: '60s', cooldown: '5s' };
    },
  });
  const notes: string[] = [];
  const pool = new McpPool(loadMcpConfig({ path: path.join(stack.home, 'mcp.config.json'), env: { ...process.env, ORCHESTRA_HOME: stack.home } }),
    { onServerStderr: () => undefined, log: () => undefined });
  const queue = new DeadLetterQueue(pool);
  try {
    stack.startWorker();
    const call = { server: 'store', tool: 'get_customer', args: { customer_id: 'cust-001' }, timeout: '1s' };
    const first = await stack.orchestra.start('callTools', { calls: [call] }, { taskQueue: stack.taskQueue });
    const board = () => new BreakerBoard(path.join(stack.home, 'breakers.db'), { readonly: true });
    const storeBreaker = () => { const b = board(); try { return b.list().find((x) => x.server === 'store'); } finally { b.close(); } };
    await until(() => storeBreaker()?.state === 'open', 'the store breaker to open', 120_000);
    notes.push(`breaker opened after ${storeBreaker()!.recentFailures} ToolTimeout failures`);

    // A later call while open: refused without reaching the server (no new hang is logged), retried when it may probe.
    const hangsBefore = hangs(stack);
    const second = await stack.orchestra.start('callTools', { calls: [call] }, { taskQueue: stack.taskQueue });
    await until(async () => lastFailureType(stack, second.workflowId).then((t) => t === 'BreakerOpen'), 'the later call to fail fast with BreakerOpen', 60_000);
    notes.push(`a later call failed fast with BreakerOpen; calls that reached the hanging server meanwhile: ${hangs(stack) - hangsBefore}`);

    await stack.orchestra.result(first.workflowId).catch(() => undefined);
    await stack.orchestra.result(second.workflowId);
    const letters = (await queue.list({ source: 'callTools' })).filter((l) => (l.item as DeadLetterItem).workflowId === first.workflowId);
    notes.push(`dead letters for the first run: ${letters.length} (${letters.map((l) => `${l.id} ${l.error_type} after ${l.attempts} attempts`).join(', ')})`);

    const [redriveA, redriveB] = await Promise.all([1, 2].map(() => queue.redrive(stack.orchestra, letters[0].id, { by: 'chaos', taskQueue: stack.taskQueue })));
    await stack.orchestra.result(redriveA.workflowId);
    const resolved = await queue.get(letters[0].id);
    notes.push(`redrive ${redriveA.workflowId} (asked twice: ${redriveA.workflowId === redriveB.workflowId ? 'one run' : 'two runs!'}) → ${resolved.status}`);
    const b = board();
    const changes = b.transitions('store').reverse().map((t) => `${t.from}→${t.to}`);
    b.close();
    notes.push(`breaker state changes: ${changes.join(', ')}`);
    return {
      scenario: 'hanging tool → timeout → breaker → DLQ → redrive',
      started: 2,
      finished: (resolved.status === 'resolved' ? 1 : 0) + 1,
      lost: letters.length === 1 && resolved.status === 'resolved' ? 0 : 1,
      duplicated: (redriveA.workflowId === redriveB.workflowId ? 0 : 1) + Math.max(0, letters.length - 1),
      notes,
    };
  } finally {
    await pool.close();
    await stack.stop();
  }
}

function hangs(stack: ChaosStack): number {
  return stack.store((db) => (db.prepare(`SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'get_customer' AND kind = 'hang'`).get() as { n: number }).n);
}

async function lastFailureType(stack: ChaosStack, workflowId: string): Promise<string | undefined> {
  const pending = (await stack.orchestra.describe(workflowId)).raw.pendingActivities ?? [];
  return pending[0]?.lastFailure?.applicationFailureInfo?.type ?? undefined;
}
