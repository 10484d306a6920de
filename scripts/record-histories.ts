/**
 * Records the event histories the replay test (test/replay.test.ts) replays: runs the demo and the recorded-only runs
 * (src/demo/runs.ts) against a fresh, in-memory dev server and a real worker, then saves each run's history, and each of
 * its child workflows', to test/histories/<workflowType>.<name>.json.
 * Run it after changing a workflow on purpose (and keep the old histories if old runs must still replay):
 *   npm run record-histories              (every demo run)
 *   npm run record-histories -- orderSaga (only the demo runs of these workflow types)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { Orchestra } from '../src/client/api.js';
import { printOutcomes, runDemos } from '../src/demo/run-demo.js';
import { demoRuns, recordedOnlyRuns } from '../src/demo/runs.js';
import { startDevServer } from '../src/runtime/dev-server.js';
import { installRuntime } from '../src/runtime/logging.js';
import { projectRoot } from '../src/runtime/paths.js';
import { createWorkers, runWorkers } from '../src/workers/pool.js';
import { openToolPool } from '../src/workers/worker.js';

installRuntime({ level: 'WARN' });
// A scratch home: the demo's store writes and files go there, not into the user's .orchestra.
process.env.ORCHESTRA_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'orchestra-record-'));
const mcp = await openToolPool();
const env = await startDevServer();
const dir = path.join(projectRoot, 'test', 'histories');
try {
  const workers: Worker[] = await createWorkers({ connection: env.nativeConnection, namespace: 'default', activityDeps: { mcp } });
  const orchestra = Orchestra.fromClient(env.client);
  const only = process.argv.slice(2);
  const runs = [...demoRuns('recorded'), ...recordedOnlyRuns('recorded')].filter((run) => !only.length || only.includes(run.type));
  const outcomes = (await runWorkers(workers, runDemos(orchestra, runs)))!;
  printOutcomes(outcomes);
  fs.mkdirSync(dir, { recursive: true });
  const record = async (workflowType: string, workflowId: string, runId?: string, suffix = '') => {
    const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const name = workflowId.replace(/^demo-/, '').replace(/-recorded(?=$|-)/, '');
    const file = path.join(dir, `${workflowType}.${name}${suffix}.json`);
    fs.writeFileSync(file, `${historyToJSON(history)}\n`);
    console.log(`recorded ${path.relative(projectRoot, file)} (${history.events?.length} events)`);
    return history;
  };
  const previousRun = (history: Awaited<ReturnType<typeof record>>) =>
    history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  for (const outcome of outcomes) {
    const history = await record(outcome.workflowType, outcome.workflowId);
    // The runs before a continue-as-new, first to last: <name>.run-1.json, <name>.run-2.json, …
    const earlier: string[] = [];
    for (let runId = previousRun(history); runId; runId = previousRun(await env.client.workflow.getHandle(outcome.workflowId, runId).fetchHistory())) {
      earlier.unshift(runId);
    }
    for (const [i, runId] of earlier.entries()) await record(outcome.workflowType, outcome.workflowId, runId, `.run-${i + 1}`);
    for (const event of history.events ?? []) {
      const child = event.childWorkflowExecutionStartedEventAttributes;
      if (child?.workflowExecution?.workflowId) await record(child.workflowType!.name!, child.workflowExecution.workflowId);
    }
  }
  const unexpected = outcomes.filter((o) => o.status === 'FAILED');
  if (unexpected.length) {
    console.error(`not as meant: ${unexpected.map((o) => `${o.workflowId} (${o.status})`).join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  await mcp.close();
  await env.teardown();
}
