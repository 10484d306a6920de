import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import type { ReactOrchestratorResult } from '../src/schemas/react-orchestrator.js';
import { DECIDE_UPDATE } from '../src/shared/approval.js';
import { eventually } from './helpers/eventually.js';
import { startLlmServer, withLlmEnv } from './helpers/llm-server.js';
import { readStore, useTemporal, withWorker, workflowBundle } from './helpers/temporal.js';
import { withObservability } from '../src/observability/worker-options.js';

describe('reactOrchestrator (time-skipping, real store and filesystem servers)', () => {
  const t = useTemporal('time-skipping');

  it('with the offline planner: searches the knowledge base, then reads the document the search found', async () => {
    await withLlmEnv({}, () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('reactOrchestrator', { goal: 'Find the document about "refund policy" and read it' }, { taskQueue });
      const result = await orchestra.result(run.workflowId) as ReactOrchestratorResult;
      assert.equal(result.strategy, 'react');
      assert.equal(result.analysis.subtasks.length, 2);
      assert.equal(result.reasoner, 'offline');
      // No model configured: the planner was the plan from the start, and the result says why.
      assert.equal(result.fallback?.reason, 'not_configured');
      assert.equal(result.fallback?.errorType, 'LlmNotConfigured');
      assert.deepEqual(result.steps.map((s) => s.action?.tool), ['store.search_documents', 'store.get_document']);
      assert.deepEqual(result.steps[0].action?.args, { query: 'refund policy' });
      // The second act chains on the first observation: the id of the best search hit.
      const hit = /"id":"(doc-\d+)"/.exec(result.steps[0].observation?.ok ? result.steps[0].observation.preview : '')?.[1];
      assert.ok(hit);
      assert.deepEqual(result.steps[1].action?.args, { id: hit });
      assert.ok(result.steps.every((s) => s.by === 'planner' && s.observation?.ok));
      assert.equal(result.stoppedBecause, 'nothing_left');
      assert.match(result.answer, /2 of 2 tool calls succeeded/);
      assert.match(result.answer, /refund/i);
      // The transcript is in the progress query; every step is named in the Web UI.
      const progress = await orchestra.progress(run.workflowId);
      assert.equal((progress.details?.transcript as unknown[]).length, 2);
      const history = await orchestra.client.workflow.getHandle(run.workflowId).fetchHistory();
      const summaries = history.events!.flatMap((e) => (e.activityTaskScheduledEventAttributes && e.userMetadata?.summary?.data
        ? [Buffer.from(e.userMetadata.summary.data).toString()] : []));
      assert.ok(summaries.some((s) => s.includes('store.search_documents — step 1: store.search_documents addresses')), summaries.join('\n'));
      assert.ok(summaries.some((s) => s.includes('store.get_document — step 2')), summaries.join('\n'));
    }));
  });

  it('takes one call for a goal one tool covers (direct strategy)', async () => {
    await withLlmEnv({}, () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const direct = await orchestra.execute('reactOrchestrator', { goal: 'Look up customer cust-003' }, { taskQueue }) as ReactOrchestratorResult;
      assert.equal(direct.strategy, 'direct');
      assert.equal(direct.analysis.coveringTool, 'store.get_customer');
      assert.equal(direct.steps.length, 1);
      assert.deepEqual(direct.steps[0].action, { tool: 'store.get_customer', args: { customer_id: 'cust-003' } });
      assert.match(direct.answer, /Initech/);
    }));
  });

  it('with a scripted model: acts on its tool calls, recovers from a failed call, answers; a replay never asks the model again', async () => {
    const script = [
      { toolCalls: [{ name: 'store__get_customer', arguments: '{"customer_id":"cust-404"}' }], content: 'Look the customer up.' },
      { toolCalls: [{ name: 'store__get_customer', arguments: '{"customer_id":"cust-003"}' }] },
      'Initech (cust-003) is a standard customer in NA.',
    ];
    const llm = await startLlmServer((_prompt, request) => script[Math.min(llm.requests.indexOf(request), script.length - 1)]);
    try {
      await withLlmEnv({ ORCHESTRA_LLM_BASE_URL: llm.baseUrl, ORCHESTRA_LLM_MODEL: 'stub-reasoner' }, () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
        const run = await orchestra.start('reactOrchestrator', { goal: 'What tier is customer cust-003 in, and which region?', strategy: 'react' }, { taskQueue });
        const result = await orchestra.result(run.workflowId) as ReactOrchestratorResult;
        assert.equal(result.reasoner, 'llm');
        assert.equal(result.model, 'stub-reasoner');
        assert.equal(result.fallback, undefined);
        assert.equal(result.stoppedBecause, 'answered');
        assert.equal(result.answer, 'Initech (cust-003) is a standard customer in NA.');
        assert.equal(result.steps.length, 2);
        assert.equal(result.steps[0].thought, 'Look the customer up.');
        assert.deepEqual(result.steps[0].observation && !result.steps[0].observation.ok && result.steps[0].observation.errorType, 'UnknownCustomer');
        assert.ok(result.steps[1].observation?.ok);
        // What the model was sent: the tools as functions (the engine's idempotency_key hidden), then each call and its result.
        assert.equal(llm.requests.length, 3);
        const tools = llm.requests[0].body.tools!;
        const charge = tools.find((f) => f.function.name === 'store__charge_payment')!;
        assert.ok(!Object.hasOwn(charge.function.parameters.properties as object, 'idempotency_key'));
        const last = llm.requests[2].body.messages;
        assert.deepEqual(last.map((m) => m.role), ['system', 'user', 'assistant', 'tool', 'assistant', 'tool']);
        assert.match(last[3].content, /UnknownCustomer/);
        assert.match(last[5].content, /Initech/);
        // Replaying the history runs the workflow code again but never the model.
        const history = await orchestra.client.workflow.getHandle(run.workflowId).fetchHistory();
        await Worker.runReplayHistory(withObservability({ workflowBundle: await workflowBundle() }), history, run.workflowId);
        assert.equal(llm.requests.length, 3);
      }));
    } finally {
      await llm.close();
    }
  });

  it('when the model fails part-way, retries it, then the offline planner finishes the run (mixed) and the result says why', async () => {
    const llm = await startLlmServer((_prompt, request) => (llm.requests.indexOf(request) === 0
      ? { toolCalls: [{ name: 'store__search_documents', arguments: '{"query":"refund policy"}' }] }
      : 503));
    try {
      await withLlmEnv({ ORCHESTRA_LLM_BASE_URL: llm.baseUrl, ORCHESTRA_LLM_MODEL: 'stub-reasoner' }, () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
        const result = await orchestra.execute('reactOrchestrator', { goal: 'Find the document about "refund policy" and read it' }, { taskQueue }) as ReactOrchestratorResult;
        assert.equal(result.reasoner, 'mixed');
        assert.deepEqual(result.steps.map((s) => [s.by, s.action?.tool]), [['llm', 'store.search_documents'], ['planner', 'store.get_document']]);
        assert.equal(result.fallback?.stage, 'step 2');
        assert.equal(result.fallback?.reason, 'retries_exhausted');
        assert.equal(result.fallback?.errorType, 'LlmUnavailable');
        // The model was asked once for step 1 and three times (the policy) for step 2, then never again.
        assert.equal(llm.requests.length, 4);
      }));
    } finally {
      await llm.close();
    }
  });

  for (const decision of ['approved', 'denied'] as const) {
    it(`asks a person before a destructive tool (${decision})`, async () => {
      await withLlmEnv({}, () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
        const userKey = `react-${decision}`;
        await t.deps.mcp.callTool('store', { name: 'create_user', arguments: { idempotency_key: userKey, user_key: userKey, name: 'Ada', email: 'ada@example.com' } });
        const run = await orchestra.start('reactOrchestrator', { goal: 'Delete the user account', context: { user_key: userKey }, servers: ['store'] }, { taskQueue });
        const pending = await eventually(async () => {
          const progress = await orchestra.progress(run.workflowId);
          assert.equal(progress.state, 'waiting');
          return progress.details?.pendingApproval as { subject: string };
        }, { what: 'the approval request' });
        assert.match(pending.subject, new RegExp(`store.delete_user \\{"user_key":"${userKey}"\\} \\(destructive\\)`));
        // Nothing was deleted while it waits.
        assert.equal(readStore(t.deps, (db) => db.prepare('SELECT COUNT(*) AS n FROM users WHERE user_key = ? AND deleted_at IS NULL').get(userKey) as { n: number }).n, 1);
        await orchestra.update(run.workflowId, DECIDE_UPDATE, [{ decision, approver: 'Grace Hopper' }]);
        const result = await orchestra.result(run.workflowId) as ReactOrchestratorResult;
        assert.equal(result.strategy, 'direct');
        assert.equal(result.steps.length, 1);
        assert.deepEqual(result.steps[0].approval, { status: decision, approver: 'Grace Hopper' });
        const users = readStore(t.deps, (db) => db.prepare('SELECT COUNT(*) AS n FROM users WHERE user_key = ? AND deleted_at IS NULL').get(userKey) as { n: number }).n;
        if (decision === 'approved') {
          assert.ok(result.steps[0].observation?.ok, JSON.stringify(result.steps[0]));
          assert.equal(users, 0);
        } else {
          assert.deepEqual(result.steps[0].observation, { ok: false, errorType: 'NotApproved', message: 'Grace Hopper denied this destructive call; it was not run' });
          assert.equal(users, 1);
        }
      }));
    });
  }
});
