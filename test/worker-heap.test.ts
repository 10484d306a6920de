/** The worker's memory defaults (src/workers/heap.ts) are what `npm start` and `npm run worker` pass to node. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../src/runtime/paths.js';
import { WORKER_HEAP_FLAGS } from '../src/workers/heap.js';

describe('worker memory defaults', () => {
  it('npm start and npm run worker run node with the worker heap flags', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'worker']) {
      const words = scripts[name].split(/\s+/);
      assert.equal(words[0], 'node', `${name}: ${scripts[name]}`);
      assert.deepEqual(words.slice(1, 1 + WORKER_HEAP_FLAGS.length), WORKER_HEAP_FLAGS, `${name}: ${scripts[name]}`);
    }
  });
});
