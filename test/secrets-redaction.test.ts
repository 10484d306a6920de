/**
 * No configured secret reaches history or the logs people read: sentinel secrets in a server's args, env, URL and
 * headers, and in the LLM endpoint's URL and key (with an endpoint that echoes the key back in its error body), then
 * every event of the runs' histories (payloads decoded) and every log line is searched for them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parseMcpConfig } from '../src/mcp/config.js';
import { McpPool } from '../src/mcp/pool.js';
import { redact, redactSecrets, redactUrl, registerSecret } from '../src/shared/redact.js';
import type { BlogDraftResult } from '../src/schemas/blog-draft.js';
import { startLlmServer, withLlmEnv } from './helpers/llm-server.js';
import { testDeps, timeSkippingEnv, withWorker, type TestDeps } from './helpers/temporal.js';
import { historyText } from './helpers/history-text.js';

const SENTINELS = {
  LEAKY_ARG: 'sentinel-arg-6b1f0c2e',
  LEAKY_TOKEN: 'sentinel-env-93ad7e41',
  REMOTE_PASSWORD: 'sentinel-pw-50c4d9aa',
  REMOTE_TOKEN: 'sentinel-query-1e7b3f08',
  REMOTE_BEARER: 'sentinel-bearer-c28e6a17',
  LLM_URL_TOKEN: 'sentinel-llm-url-4f0d2b93',
  LLM_KEY: 'sk-sentinel-llm-key-7a9e51c6',
};

const leaks = (text: string) => Object.entries(SENTINELS).filter(([, secret]) => text.includes(secret)).map(([name]) => name);

void describe('redaction helper', () => {
  void it('hides registered secrets, URL credentials and query strings, and authorization values', () => {
    registerSecret('sentinel-unit-0d5c8b', 'UNIT_SECRET');
    assert.equal(redact('token sentinel-unit-0d5c8b and sentinel-unit-0d5c8b'), 'token [redacted:UNIT_SECRET] and [redacted:UNIT_SECRET]');
    assert.equal(redactUrl('https://ada:pw@api.example.com/v1/chat?key=abc#top'), 'https://***@api.example.com/v1/chat?[redacted]#top');
    assert.equal(redact('failed: GET https://api.example.com/x?api_key=abc123 (status 401)'), 'failed: GET https://api.example.com/x?[redacted] (status 401)');
    assert.equal(redact('{"authorization":"Bearer abc.def-123"}'), '{"authorization":"[redacted]"}');
    assert.equal(redact('sent Authorization: Basic dXNlcjpwYXNz'), 'sent Authorization: [redacted]');
    assert.equal(redact('invalid key Bearer sk-live-9999'), 'invalid key Bearer [redacted]');
    assert.equal(redact('no secrets here: 42 items, path /tmp/x'), 'no secrets here: 42 items, path /tmp/x');
    // Data (tool results) keeps its links and headers; only registered values go.
    assert.equal(redactSecrets('see https://example.com/a?id=7 with sentinel-unit-0d5c8b'), 'see https://example.com/a?id=7 with [redacted:UNIT_SECRET]');
  });
});

void describe('no configured secret reaches history or logs (time-skipping, real servers)', () => {
  let env: TestWorkflowEnvironment;
  let pool: McpPool;
  let deps: TestDeps;
  const logs: string[] = [];

  before(async () => {
    env = await timeSkippingEnv();
    deps = await testDeps();
    // A stdio server that prints its arguments and environment to stderr and dies, and an HTTP server that is not there.
    const leakyScript = 'console.error("starting with", process.argv.slice(1).join(" "), "token", process.env.LEAKY_TOKEN); process.exit(3)';
    const config = parseMcpConfig({
      mcpServers: {
        leaky: { command: 'node', args: ['-e', leakyScript, 'secret=${LEAKY_ARG}'], env: { LEAKY_TOKEN: '${LEAKY_TOKEN}' } },
        remote: {
          url: 'http://svc:${REMOTE_PASSWORD}@127.0.0.1:9/mcp?token=${REMOTE_TOKEN}',
          headers: { Authorization: 'Bearer ${REMOTE_BEARER}' },
        },
      },
    }, { env: { ...process.env, ...SENTINELS } });
    pool = new McpPool(config, { onServerStderr: (server, line) => logs.push(`[${server}] ${line}`), log: (message) => logs.push(message), connectTimeoutMs: 5_000 });
  });

  after(async () => {
    await pool?.close();
    await deps?.close();
    await env?.teardown();
  });

  void it('keeps server args, env, URL and headers out of failures, results and logs', async () => {
    await withWorker(env, { mcp: pool }, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('parallelAggregate', {
        title: 'secrets must not leak',
        minSuccesses: 1,
        branches: [
          { kind: 'tool', id: 'leaky', server: 'leaky', tool: 'anything', args: {}, readOnly: true, retry: { maximumAttempts: 2 } },
          { kind: 'tool', id: 'remote', server: 'remote', tool: 'anything', args: {}, readOnly: true, retry: { maximumAttempts: 2 } },
        ],
      }, { taskQueue });
      await orchestra.result(run.workflowId).catch(() => undefined); // failing is fine: what it says is the point
      const history = await orchestra.client.workflow.getHandle(run.workflowId).fetchHistory();
      const text = historyText(history);
      assert.match(text, /could not start MCP server "leaky"/, 'the failures are in the history being searched');
      assert.match(text, /\[redacted:LEAKY_ARG\]/);
      assert.deepEqual(leaks(text), []);
    });
    assert.ok(logs.some((line) => line.includes('[redacted:LEAKY_TOKEN]')), `the server's stderr was logged, redacted: ${logs.join('\n')}`);
    assert.deepEqual(leaks(logs.join('\n')), []);
  });

  void it('keeps the LLM key and URL out of history, even when the endpoint echoes them back', async () => {
    const llm = await startLlmServer((_prompt, request) => ({
      status: 401,
      body: JSON.stringify({ error: { message: `invalid api key: ${request.authorization} for ${request.path}` } }),
    }));
    try {
      await withLlmEnv({ ORCHESTRA_LLM_BASE_URL: `${llm.baseUrl}?tenant=${SENTINELS.LLM_URL_TOKEN}`, ORCHESTRA_LLM_MODEL: 'stub', ORCHESTRA_LLM_API_KEY: SENTINELS.LLM_KEY },
        () => withWorker(env, deps, async ({ orchestra, taskQueue }) => {
          const run = await orchestra.start('blogDraft', { topic: 'Keeping secrets out of workflow history' }, { taskQueue });
          const result = await orchestra.result(run.workflowId) as BlogDraftResult;
          assert.equal(result.fallback?.errorType, 'LlmRequestRejected');
          assert.match(result.fallback!.message, /HTTP 401/);
          assert.ok(llm.requests.length > 0 && llm.requests.every((r) => r.authorization === `Bearer ${SENTINELS.LLM_KEY}`), 'the key was sent');
          const text = historyText(await orchestra.client.workflow.getHandle(run.workflowId).fetchHistory());
          assert.match(text, /invalid api key/, 'the echoed error body is in the history being searched');
          assert.deepEqual(leaks(text), []);
        }));
    } finally {
      await llm.close();
    }
  });
});
