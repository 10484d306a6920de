/**
 * Records the event histories the replay test (test/replay.test.ts) replays: runs the demo against a fresh, in-memory
 * dev server and a real worker, then saves each run's history to test/histories/<workflowType>.<name>.json.
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
import { demoRuns } from '../src/demo/runs.js';
import { startDevServer } from '../src/runtime/dev-server.js';
import { installRuntime } from '../src/runtime/logging.js';
import { projectRoot } from '../src/runtime/paths.js';
import { createWorker, openToolPool } from '../src/workers/worker.js';

installRuntime({ level: 'WARN' });
// A scratch home: the demo's store writes and files go there, not into the user's .orchestra.
process.env.ORCHESTRA_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'orchestra-record-'));
const mcp = await openToolPool();
const env = await startDevServer();
const dir = path.join(projectRoot, 'test', 'histories');
try {
  const worker: Worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', activityDeps: { mcp } });
  const orchestra = Orchestra.fromClient(env.client);
  const only = process.argv.slice(2);
  const runs = demoRuns('recorded').filter((run) => !only.length || only.includes(run.type));
  const outcomes = await worker.runUntil(runDemos(orchestra, runs));
  printOutcomes(outcomes);
  fs.mkdirSync(dir, { recursive: true });
  for (const outcome of outcomes) {
    const history = await env.client.workflow.getHandle(outcome.workflowId).fetchHistory();
    const name = outcome.workflowId.replace(/^demo-/, '').replace(/-recorded$/, '');
    const file = path.join(dir, `${outcome.workflowType}.${name}.json`);
    fs.writeFileSync(file, `${historyToJSON(history)}\n`);
    console.log(`recorded ${path.relative(projectRoot, file)} (${history.events?.length} events)`);
  }
  if (outcomes.some((o) => o.status !== 'COMPLETED')) process.exitCode = 1;
} finally {
  await mcp.close();
  await env.teardown();
}
