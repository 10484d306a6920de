import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlogDraftResult } from '../src/schemas/blog-draft.js';
import { historyText } from './helpers/history-text.js';
import { startLlmServer, withLlmEnv } from './helpers/llm-server.js';
import { rejectsAsInvalidInput, serverRunTimeMs, useTemporal, withWorker } from './helpers/temporal.js';

describe('blogDraft (time-skipping, real store research)', () => {
  const t = useTemporal('time-skipping');

  it('without a language model, writes the post offline from the research and says so', async () => {
    await withLlmEnv({}, () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const result = await orchestra.execute('blogDraft', { topic: 'Durable workflows with retries and timeouts' }, { taskQueue }) as BlogDraftResult;
      assert.equal(result.generator, 'offline');
      assert.deepEqual(result.stages, { outline: 'offline', draft: 'offline', review: 'offline' });
      assert.equal(result.fallback?.reason, 'not_configured');
      assert.equal(result.fallback?.errorType, 'LlmNotConfigured');
      assert.equal(result.fallback?.stage, 'outline');
      assert.ok(result.research.length >= 3);
      assert.ok(result.research.some((d) => d.title === 'Activities, retries and timeouts'));
      assert.match(result.post, /^# Durable Workflows With Retries And Timeouts/m);
      assert.match(result.post, /## Sources/);
      assert.ok(result.review.citations > 0);
      assert.ok(result.review.headings >= 3);
      assert.match(result.outline, /1\. Introduction/);
      // The sources listed are documents the research read.
      const sources = result.post.slice(result.post.indexOf('## Sources')).split('\n').filter((l) => /^\d+\. /.test(l));
      assert.ok(sources.length > 0);
      for (const line of sources) assert.ok(result.research.some((d) => line.endsWith(`${d.title} (${d.id})`)), line);
    }));
  });

  it('retries an unreachable model with backoff, then falls back to the offline composer and records why', async () => {
    await withLlmEnv({ ORCHESTRA_LLM_BASE_URL: 'http://127.0.0.1:9/v1', ORCHESTRA_LLM_MODEL: 'test-model', ORCHESTRA_LLM_API_KEY: 'sk-test-secret' },
      () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
        const run = await orchestra.start('blogDraft', { topic: 'Idempotency keys for safe payment retries' }, { taskQueue });
        const result = await orchestra.result(run.workflowId) as BlogDraftResult;
        const elapsed = await serverRunTimeMs(t.env, run.workflowId);
        assert.equal(result.generator, 'offline');
        assert.equal(result.fallback?.stage, 'outline');
        assert.equal(result.fallback?.reason, 'retries_exhausted');
        assert.equal(result.fallback?.errorType, 'LlmUnavailable');
        assert.match(result.fallback!.message, /unreachable/);
        assert.ok(result.post.length > 200);
        // The model was tried three times (the policy), once: later stages went straight to the fallback.
        const history = await orchestra.client.workflow.getHandle(run.workflowId).fetchHistory();
        const llmCalls = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'generateText');
        assert.equal(llmCalls.length, 1);
        // With backoff: the policy scheduled is exponential from 2 s, and the server clock waited 2 s + 4 s between tries.
        const policy = llmCalls[0].activityTaskScheduledEventAttributes!.retryPolicy!;
        assert.equal(policy.maximumAttempts, 3);
        assert.equal(policy.backoffCoefficient, 2);
        assert.equal(Number(policy.initialInterval?.seconds), 2);
        assert.equal(Number(policy.maximumInterval?.seconds), 20);
        assert.ok(elapsed >= 6_000, `the retries backed off 2 s then 4 s (the run took ${elapsed} ms of server time)`);
        const failed = history.events!.find((e) => e.activityTaskFailedEventAttributes);
        assert.ok(failed);
        const started = history.events!.find((e) => e.activityTaskStartedEventAttributes?.attempt === 3);
        assert.ok(started, 'the third attempt ran');
        // The key never enters history.
        assert.ok(!historyText(history).includes('sk-test-secret'), 'the API key never reaches history, payloads included');
      }));
  });

  it('writes with the configured model; when it fails part-way, the remaining stages fall back (mixed)', async () => {
    const llm = await startLlmServer((prompt) => (prompt.startsWith('Write a Markdown outline')
      ? '# Safe Retries\n\n1. Introduction\n2. Idempotency keys [1]\n3. Backoff [2]\n4. Conclusion'
      : 503));
    try {
      await withLlmEnv({ ORCHESTRA_LLM_BASE_URL: llm.baseUrl, ORCHESTRA_LLM_MODEL: 'stub-writer', ORCHESTRA_LLM_API_KEY: 'sk-stub' },
        () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
          const result = await orchestra.execute('blogDraft', { topic: 'Safe retries with idempotency keys', audience: 'backend engineers' },
            { taskQueue }) as BlogDraftResult;
          assert.equal(result.generator, 'mixed');
          assert.deepEqual(result.stages, { outline: 'llm', draft: 'offline', review: 'offline' });
          assert.equal(result.model, 'stub-writer');
          assert.match(result.outline, /^# Safe Retries/);
          assert.equal(result.fallback?.stage, 'draft');
          assert.equal(result.fallback?.errorType, 'LlmUnavailable');
          assert.match(result.fallback!.message, /HTTP 503/);
          // One outline request, three draft attempts; the key went to the endpoint as a bearer token.
          assert.equal(llm.requests.length, 4);
          assert.ok(llm.requests.every((r) => r.path === '/v1/chat/completions' && r.authorization === 'Bearer sk-stub'));
          assert.match(llm.requests[0].body.messages[1].content, /for backend engineers/);
        }));
    } finally {
      await llm.close();
    }
  });

  it('rejects an empty or too-short topic with a non-retryable, field-level InvalidInput before researching', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      for (const topic of ['', 'AI']) {
        const handle = await orchestra.client.workflow.start('blogDraft', {
          taskQueue, workflowId: `bad-blog-${Math.random().toString(36).slice(2)}`, args: [{ topic }],
        });
        await rejectsAsInvalidInput(handle.result(), /topic: must be at least 10 characters/);
        const history = await handle.fetchHistory();
        assert.ok(!history.events!.some((e) => e.activityTaskScheduledEventAttributes), 'no stage ran');
      }
    });
  });
});
