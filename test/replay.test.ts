/**
 * Determinism guard: every recorded history under test/histories replays against the current workflow code.
 * A change that would break running workflows (a reordered activity, a new timer without a patch) fails here.
 * Re-record with `npm run record-histories` only for intended, compatible changes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { projectRoot } from '../src/runtime/paths.js';
import { withObservability } from '../src/observability/worker-options.js';
import { catalog } from '../src/schemas/catalog.js';
import { leanWorkflowModules } from '../src/workers/bundle.js';
import { workflowsPath } from '../src/workers/worker.js';
import { workflowBundle } from './helpers/temporal.js';

const dir = path.join(projectRoot, 'test', 'histories');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

/**
 * The workflow id a history ran under, where replay depends on it: a fan-out names its child partitions
 * `<workflowId>-part-<n>-of-<m>`, an agent team its agents `<workflowId>--<agentId>`, syncBranches its branches
 * `<workflowId>-<branch>`, so it replays under the id its first child names. Other histories replay under their file name.
 */
function recordedWorkflowId(history: ReturnType<typeof historyFromJSON>): string | undefined {
  const child = history.events?.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)?.startChildWorkflowExecutionInitiatedEventAttributes;
  // syncBranches names its branches `<workflowId>-<branch>` (`-alpha`, `-rb1-b2`, `-rev1-beta`, …).
  if (child?.workflowType?.name === 'syncBranch') return child.workflowId?.replace(/-(?:rev\d+-)?(?:rb\d+-)?(?:alpha|beta|gamma|primary|secondary|b\d+)$/, '');
  return child?.workflowId?.replace(/-part-\d+-of-\d+$/, '').replace(/--[a-z][a-z0-9_]*$/, '');
}

describe('replay of recorded histories', () => {
  it('has at least one recorded history for every workflow type', () => {
    const recorded = new Set(files.map((f) => f.split('.')[0]));
    const missing = Object.keys(catalog).filter((type) => !recorded.has(type));
    assert.deepEqual(missing, [], `record histories for: ${missing.join(', ')} (npm run record-histories)`);
  });

  it('replays every history deterministically', async () => {
    const histories = files.map((file) => {
      const json: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      const history = historyFromJSON(json);
      return { workflowId: recordedWorkflowId(history) ?? file, history };
    });
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(withObservability({ workflowBundle: await workflowBundle() }), histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.equal(replayed, files.length);
    assert.deepEqual(failures, []);
  });
});

/**
 * The project's way to change a workflow safely, shown on the change to run-scoped idempotency keys: `patched()` keeps
 * runs started before the change on their old keys (a saga that recalls a step must find its first result), while new
 * runs use the new ones. orderSaga.before-run-keys.json was recorded from the code before the change.
 */
describe('changing a workflow safely: patched()', () => {
  const interceptor = fileURLToPath(new URL('./helpers/idempotency-keys-interceptor.ts', import.meta.url));
  const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const bundle = bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [interceptor], webpackConfigHook: leanWorkflowModules, logger: silent });

  /** Replays a recorded history and returns the idempotency keys the current code schedules in it. */
  async function keysOnReplay(file: string, workflowId: string) {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
    const keys: string[] = [];
    await Worker.runReplayHistory({
      workflowBundle: await bundle,
      sinks: { idempotencyKeys: { scheduled: { fn: (_info: unknown, key: string) => void keys.push(key), callDuringReplay: true } } },
    }, history, workflowId);
    const runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId ?? '';
    return { keys, runId };
  }

  it('replays a saga recorded before run-scoped keys on its old <workflowId>:<step> keys', async () => {
    const { keys } = await keysOnReplay('orderSaga.before-run-keys.json', 'demo-order-saga-completes-recorded');
    assert.ok(keys.length >= 5, keys.join(', '));
    assert.deepEqual(keys.filter((k) => !k.startsWith('demo-order-saga-completes-recorded:')), []);
  });

  it('replays a saga recorded since then on keys of its run chain', async () => {
    const { keys, runId } = await keysOnReplay('orderSaga.order-saga-completes.json', 'demo-order-saga-completes-recorded');
    assert.ok(runId && keys.length >= 5, keys.join(', '));
    assert.deepEqual(keys.filter((k) => !k.startsWith(`${runId}:`)), []);
  });
});

