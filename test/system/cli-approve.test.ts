import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Orchestra } from '../../src/client/api.js';
import type { AccessRequestResult } from '../../src/schemas/access-request.js';
import { orchestraCli } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { useTemporal, withWorker } from '../helpers/temporal.js';

describe('orchestra approve / status (human approval from the command line)', () => {
  const t = useTemporal('local');
  let address: string;
  before(async () => {
    address = t.env.connection.options.address;
  });

  async function untilWaiting(orchestra: Orchestra, workflowId: string): Promise<void> {
    await eventually(async () => (await orchestra.progress(workflowId)).state === 'waiting', { what: `${workflowId} to wait for approval` });
  }

  it('rejects a decision with an unknown approver format before sending anything', async () => {
    const { code, stderr } = await orchestraCli(['approve', 'any-run', '--by', '12345'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(code, 2);
    assert.match(stderr, /invalid decision, nothing was sent: approver: must be a name .* or an e-mail address/);
  });

  it('shows the pending approval, approves it, and refuses a decision once the run has finished', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const cli = (args: string[]) => orchestraCli(args, { TEMPORAL_ADDRESS: address, ORCHESTRA_TASK_QUEUE: taskQueue });
      const id = 'cli-access-ada';
      const started = await cli(['start', 'accessRequest', '--id', id, '--input',
        JSON.stringify({ request: 'admin access to the payouts dashboard', requester: 'ada@example.com' })]);
      assert.equal(started.code, 0, started.stderr);
      await untilWaiting(orchestra, id);

      const status = await cli(['status', id]);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /waiting — waiting for approval: admin access for ada@example\.com/);
      assert.match(status.stdout, /⏳ WAITING FOR APPROVAL: admin access for ada@example\.com: admin access to the payouts dashboard/);
      assert.match(status.stdout, new RegExp(`decide with: orchestra approve ${id} --by <name> \\[--deny\\]`));

      const approved = await cli(['approve', id, '--by', 'Grace Hopper', '--comment', 'for the audit']);
      assert.equal(approved.code, 0, approved.stderr);
      assert.match(approved.stdout, /^approved by Grace Hopper at \S+: admin access for ada@example\.com: .* \(for the audit\)$/m);

      const result = JSON.parse((await cli(['result', id, '--json'])).stdout) as AccessRequestResult;
      assert.equal(result.result, 'APPROVED: Admin processing: admin access to the payouts dashboard - Full access granted');
      assert.equal(result.decidedBy, 'Grace Hopper');

      // The run has finished: a late second decision has nothing to decide (while it still runs, the gate's validator
      // refuses it: see access-request.test.ts).
      const again = await cli(['approve', id, '--deny', '--by', 'Mallory']);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /cli-access-ada has already finished \(COMPLETED\): nothing to update \(decide\)/);
    });
  });

  it('shows a cancelled request as closed: its final state and outcome, no pending approval', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const cli = (args: string[]) => orchestraCli(args, { TEMPORAL_ADDRESS: address, ORCHESTRA_TASK_QUEUE: taskQueue });
      const run = await orchestra.start('accessRequest', { request: 'admin rights for a day' }, { taskQueue, workflowId: 'cli-access-cancelled' });
      await untilWaiting(orchestra, run.workflowId);
      assert.equal((await cli(['cancel', run.workflowId])).code, 0);
      assert.equal((await cli(['result', run.workflowId])).code, 1);
      const status = await cli(['status', run.workflowId]);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^cli-access-cancelled {2}accessRequest {2}CANCELLED$/m);
      assert.doesNotMatch(status.stdout, /WAITING FOR APPROVAL|decide with|waiting/);
    });
  });

  it('denies with --deny', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('accessRequest', { request: 'make me an administrator' }, { taskQueue });
      await untilWaiting(orchestra, run.workflowId);
      const denied = await orchestraCli(['approve', run.workflowId, '--deny', '--by', 'security@example.com', '--json'], { TEMPORAL_ADDRESS: address });
      assert.equal(denied.code, 0, denied.stderr);
      assert.equal((JSON.parse(denied.stdout) as { decision: string }).decision, 'denied');
      const result = await orchestra.result(run.workflowId) as AccessRequestResult;
      assert.equal(result.outcome, 'denied');
      assert.match(result.result, /^DENIED: /);
      assert.equal(result.decidedBy, 'security@example.com');
    });
  });
});
