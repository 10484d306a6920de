/**
 * The workflow bundle as workers load it (src/workers/bundle.ts: webpack's tree-shaking and scope hoisting on top of
 * the SDK's settings): a waiting run's stack trace — the Web UI's "Stack Trace" tab, the `__stack_trace` query — still
 * names Orchestra's source files and functions through the bundle's source map, not the bundle's own lines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from './helpers/eventually.js';
import { useTemporal, withWorker } from './helpers/temporal.js';

describe('the workflow bundle (time-skipping, real store)', () => {
  const t = useTemporal('time-skipping');

  it("maps a waiting run's stack trace to the workflow's source", async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('accessRequest', { request: 'admin access to the billing console', requester: 'ada@example.com' }, { taskQueue });
      await eventually(async () => assert.equal((await orchestra.progress(run.workflowId)).state, 'waiting'), { what: 'the request to wait for approval' });
      const handle = orchestra.handle(run.workflowId);
      const stack = await handle.query<string>('__stack_trace');
      // The approval gate waits in its own module; the run that asked for it is accessRequest.
      assert.match(stack, /src\/workflows\/support\/approval[^:]*\.ts:\d+:\d+/, stack);
      assert.match(stack, /src\/workflows\/access-request\.ts:\d+:\d+/, stack);
      assert.doesNotMatch(stack, /workflow-bundle/, 'no frame is left at a line of the bundle');
      await handle.terminate('test done');
    });
  });
});
