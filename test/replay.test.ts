/**
 * Determinism guard: every recorded history under test/histories replays against the current workflow code.
 * A change that would break running workflows (a reordered activity, a new timer without a patch) fails here.
 * Re-record with `npm run record-histories` only for intended, compatible changes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { projectRoot } from '../src/runtime/paths.js';
import { catalog } from '../src/schemas/catalog.js';
import { workflowBundle } from './helpers/temporal.js';

const dir = path.join(projectRoot, 'test', 'histories');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded histories', () => {
  it('has at least one recorded history for every workflow type', () => {
    const recorded = new Set(files.map((f) => f.split('.')[0]));
    const missing = Object.keys(catalog).filter((type) => !recorded.has(type));
    assert.deepEqual(missing, [], `record histories for: ${missing.join(', ')} (npm run record-histories)`);
  });

  it('replays every history deterministically', async () => {
    const histories = files.map((file) => {
      const json: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      return { workflowId: file, history: historyFromJSON(json) };
    });
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.equal(replayed, files.length);
    assert.deepEqual(failures, []);
  });
});
