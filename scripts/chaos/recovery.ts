/**
 * Recovery time: two workers share the task queue; a tool call hangs on one of them, which is then killed with
 * SIGKILL. Measured: from the kill to the run's completion on the other worker (the activity's retry after its
 * heartbeat timeout, plus the workflow task that follows, which may first wait out the dead worker's sticky queue).
 * Also a server killed mid-call: the MCP store server under a worker is killed while a call is in flight, and the call
 * is retried on a fresh connection.
 */
import { childPids, ChaosStack, until, type ScenarioReport } from './stack.js';

/** One hanging first call per round, each on its own tool (the store's fault counts are per tool). */
const ROUND_CALLS = [
  { tool: 'reserve_inventory', args: { sku: 'WIDGET-001', quantity: 1 }, effects: `SELECT COUNT(*) AS n FROM reservations WHERE sku = 'WIDGET-001'` },
  { tool: 'charge_payment', args: { customer_id: 'cust-003', amount: 1_234, currency: 'USD' }, effects: `SELECT COUNT(*) AS n FROM payments WHERE amount = 1234` },
  { tool: 'create_ticket', args: { subject: 'chaos recovery', body: 'recovery round', priority: 'low' }, effects: `SELECT COUNT(*) AS n FROM tickets WHERE subject = 'chaos recovery'` },
] as const;

export async function recoveryTime(rounds: number): Promise<ScenarioReport> {
  const calls = ROUND_CALLS.slice(0, Math.min(rounds, ROUND_CALLS.length));
  const faults = Object.fromEntries(calls.map((c) => [c.tool, { hang: 1 }]));
  const stack = await ChaosStack.start('recovery', {
    mcp: (config) => { config.mcpServers.store.env = { ...config.mcpServers.store.env, STORE_FAULTS: JSON.stringify(faults) }; },
  });
  const notes: string[] = [];
  const times: number[] = [];
  const endToEnd: number[] = [];
  let duplicated = 0;
  let finished = 0;
  try {
    const workers = [stack.startWorker(), stack.startWorker()];
    for (const worker of workers) await stack.polling(worker);
    // Both workers up: a warm-up run completes (whichever takes it), and each has had time to start polling.
    const warm = await stack.orchestra.start('callTools', { calls: [{ server: 'store', tool: 'list_customers', args: {} }] }, { taskQueue: stack.taskQueue });
    await stack.orchestra.result(warm.workflowId);
    for (const [i, call] of calls.entries()) {
      const run = await stack.orchestra.start('callTools', {
        calls: [{ server: 'store', tool: call.tool, args: call.args, idempotencyKey: `chaos-recovery-${i}` }],
      }, { taskQueue: stack.taskQueue });
      await until(() => stack.store((db) => (db.prepare(`SELECT COUNT(*) AS n FROM fault_log WHERE tool = ? AND kind = 'hang'`).get(call.tool) as { n: number }).n > 0),
        `the ${call.tool} call to hang`, 60_000);
      const holder = await activityHolder(stack, run.workflowId);
      const victim = workers.findIndex((w) => w.child.pid === holder);
      if (victim < 0) throw new Error(`chaos: cannot tell which worker runs ${run.workflowId} (identity pid ${holder})`);
      const killedAt = Date.now();
      await workers[victim].kill();
      await stack.orchestra.result(run.workflowId);
      const closed = (await stack.orchestra.describe(run.workflowId)).closeTime!.getTime();
      const resumed = await retryStartedAt(stack, run.workflowId);
      times.push(resumed - killedAt);
      endToEnd.push(closed - killedAt);
      finished += 1;
      duplicated += Math.max(0, stack.store((db) => (db.prepare(call.effects).get() as { n: number }).n) - 1); // applied once
      notes.push(`round ${i + 1}: ${call.tool} hung on worker pid ${holder}; killed; its retry started ${((resumed - killedAt) / 1000).toFixed(2)} s later ` +
        `on the other worker, and the run completed ${((closed - killedAt) / 1000).toFixed(2)} s after the kill`);
      workers[victim] = stack.startWorker();
      await stack.polling(workers[victim]);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const sortedEnd = [...endToEnd].sort((a, b) => a - b);
    return {
      scenario: 'worker killed mid-call: recovery time',
      started: calls.length, finished, lost: calls.length - finished, duplicated, notes,
      figures: {
        resumedMaxS: +(sorted.at(-1)! / 1000).toFixed(2), resumedMedianS: +(sorted[Math.floor(sorted.length / 2)] / 1000).toFixed(2),
        completedMaxS: +(sortedEnd.at(-1)! / 1000).toFixed(2),
      },
    };
  } finally {
    await stack.stop();
  }
}

/** When the activity's last attempt (the retry on the surviving worker) started, from the run's history. */
async function retryStartedAt(stack: ChaosStack, workflowId: string): Promise<number> {
  const events = (await stack.orchestra.handle(workflowId).fetchHistory()).events ?? [];
  const started = events.filter((e) => e.activityTaskStartedEventAttributes && (e.activityTaskStartedEventAttributes.attempt ?? 1) > 1);
  const last = started.at(-1);
  if (!last?.eventTime) throw new Error(`chaos: ${workflowId} has no retried activity`);
  return Number(last.eventTime.seconds) * 1000 + Math.floor((last.eventTime.nanos ?? 0) / 1e6);
}

/** The pid of the worker running the run's pending activity (a worker's identity is `<pid>@<host>`). */
async function activityHolder(stack: ChaosStack, workflowId: string): Promise<number> {
  let pid = 0;
  await until(async () => {
    const pending = (await stack.orchestra.describe(workflowId)).raw.pendingActivities ?? [];
    const identity = pending.find((a) => a.lastWorkerIdentity)?.lastWorkerIdentity ?? '';
    pid = Number(identity.split('@')[0]);
    return pid > 0;
  }, 'the hanging activity to show its worker', 30_000);
  return pid;
}

export async function serverKilledMidCall(rounds: number): Promise<ScenarioReport> {
  const stack = await ChaosStack.start('mcp-kill', {
    mcp: (config) => { config.mcpServers.store.env = { ...config.mcpServers.store.env, STORE_FAULTS: JSON.stringify({ reserve_inventory: { delayMs: 1_500 } }) }; },
  });
  const notes: string[] = [];
  let finished = 0;
  try {
    const worker = stack.startWorker();
    for (let i = 0; i < rounds; i++) {
      const run = await stack.orchestra.start('callTools', {
        calls: [{ server: 'store', tool: 'reserve_inventory', args: { sku: 'GADGET-002', quantity: 1 }, idempotencyKey: `chaos-mcp-kill-${i}` }],
      }, { taskQueue: stack.taskQueue });
      const delays = () => stack.store((db) => (db.prepare(`SELECT COUNT(*) AS n FROM fault_log WHERE tool = 'reserve_inventory' AND kind = 'delay'`).get() as { n: number }).n);
      const before = i === 0 ? 0 : delays();
      await until(() => delays() > before, 'the reservation to reach the store server', 60_000);
      const [server] = childPids(worker.child.pid!, 'store/server.ts');
      if (!server) throw new Error('chaos: the worker has no store server process');
      process.kill(server, 'SIGKILL');
      const result = await stack.orchestra.result(run.workflowId) as { succeeded: number };
      if (result.succeeded === 1) finished += 1;
      const [again] = childPids(worker.child.pid!, 'store/server.ts');
      notes.push(`round ${i + 1}: store server pid ${server} killed mid-call; the call was retried on a new server (pid ${again ?? '?'}) and succeeded`);
    }
    const reserved = stack.store((db) => (db.prepare(`SELECT COUNT(*) AS n FROM reservations WHERE sku = 'GADGET-002'`).get() as { n: number }).n);
    return { scenario: 'MCP server killed mid-call', started: rounds, finished, lost: rounds - finished, duplicated: Math.max(0, reserved - rounds), notes };
  } finally {
    await stack.stop();
  }
}
