import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateTaskResultSchema } from '@modelcontextprotocol/sdk/experimental/tasks/types.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ClientHandlers } from '../../src/mcp/client-handlers.js';
import { parseMcpConfig } from '../../src/mcp/config.js';
import { McpPool } from '../../src/mcp/pool.js';
import type { RunReport } from '../../src/mcp/serve/run-report.js';
import { projectRoot } from '../../src/runtime/paths.js';
import { catalog } from '../../src/schemas/catalog.js';
import { runProcess } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { startServeProcess, type ServeProcess } from '../helpers/mcp-serve.js';
import { useTemporal, withWorker } from '../helpers/temporal.js';

const TOKEN = 'test-token-for-orchestra-serve';

describe('orchestra mcp serve (workflows as MCP tools over Streamable HTTP)', () => {
  const t = useTemporal('local');
  let env: Record<string, string>;
  before(() => {
    env = { TEMPORAL_ADDRESS: t.env.connection.options.address, ORCHESTRA_MCP_TOKEN: TOKEN };
  });

  /** Our own MCP pool as the host, with the bearer token as a configured header. */
  function hostPool(url: string, handlers?: ClientHandlers): McpPool {
    const config = parseMcpConfig({ mcpServers: { orchestra: { url, headers: { Authorization: `Bearer ${TOKEN}` } } } }, { env: {} });
    return new McpPool(config, { log: () => {}, handlers });
  }
  const report = (result: { structuredContent?: unknown }) => result.structuredContent as RunReport;

  it('lists one tool per workflow type with its input schema, and runs one to its result with progress', async () => {
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      const serve = await startServeProcess(['--wait-seconds', '120'], { ...env, ORCHESTRA_TASK_QUEUE: taskQueue });
      const pool = hostPool(serve.url);
      try {
        const tools = await pool.listTools('orchestra');
        for (const [type, spec] of Object.entries(catalog)) {
          const tool = tools.find((candidate) => candidate.name === type);
          assert.ok(tool, `a tool for ${type}`);
          assert.deepEqual(tool.inputSchema, z.toJSONSchema(spec.input as z.ZodType, { io: 'input', unrepresentable: 'any' }));
        }
        for (const name of ['follow_run', 'answer_run', 'cancel_run']) assert.ok(tools.some((tool) => tool.name === name), name);

        const progress: string[] = [];
        const result = await pool.callTool('orchestra', { name: 'callTools', arguments: catalog.callTools.example }, {
          onprogress: (p) => progress.push(p.message ?? ''), timeout: 120_000,
        });
        const done = report(result);
        assert.equal(done.status, 'completed', JSON.stringify(done));
        assert.match(done.workflowId ?? '', /^call-tools-filesystem-list_directory-/);
        assert.equal((done.result as { succeeded: number }).succeeded, 1, JSON.stringify(done.result));
        assert.ok(progress.length >= 1, "progress notifications arrived");
      } finally {
        await pool.close();
        await serve.stop();
      }
    });
  });

  it('serves over stdio too, as a desktop host starts it', async () => {
    const config = parseMcpConfig({ mcpServers: { orchestra: {
      command: 'node', args: [path.join(projectRoot, 'bin/orchestra.js'), 'mcp', 'serve'], env: { TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS },
    } } }, { env: {} });
    const pool = new McpPool(config, { log: () => {}, onServerStderr: () => {} });
    try {
      const tools = await pool.listTools('orchestra');
      assert.equal(tools.length, Object.keys(catalog).length + 3);
      const refused = await pool.callTool('orchestra', { name: 'orderSaga', arguments: {} });
      assert.equal(report(refused).error?.type, 'InvalidInput');
    } finally {
      await pool.close();
    }
  });

  it('refuses bad input before starting anything, with the field named', async () => {
    const serve = await startServeProcess([], env);
    const pool = hostPool(serve.url);
    try {
      const result = await pool.callTool('orchestra', { name: 'accessRequest', arguments: { requester: 'ada@example.com' } });
      assert.equal(result.isError, true);
      const refused = report(result);
      assert.equal(refused.error?.type, 'InvalidInput');
      assert.match(refused.error?.message ?? '', /request/);
      assert.equal(refused.workflowId, undefined);
    } finally {
      await pool.close();
      await serve.stop();
    }
  });

  it('asks the MCP host to decide a pending approval (elicitation), answers the run, and reports the decision', async () => {
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      const serve = await startServeProcess(['--wait-seconds', '5'], { ...env, ORCHESTRA_TASK_QUEUE: taskQueue });
      const asked: string[] = [];
      const pool = hostPool(serve.url, {
        elicitation: async (_server, request) => {
          asked.push(request.message);
          return { action: 'accept', content: { decision: 'approved', approver: 'Grace Hopper', comment: 'via MCP' } };
        },
      });
      try {
        const first = report(await pool.callTool('orchestra', { name: 'accessRequest', arguments: { request: 'admin access to billing', requester: 'ada@example.com' } }, { timeout: 120_000 }));
        assert.ok(first.workflowId);
        const final = await eventually(async () => {
          const followed = report(await pool.callTool('orchestra', { name: 'follow_run', arguments: { workflowId: first.workflowId, waitSeconds: 20 } }, { timeout: 60_000 }));
          assert.equal(followed.status, 'completed', JSON.stringify(followed));
          return followed;
        }, { what: 'the approved run to finish', timeoutMs: 120_000 });
        assert.equal(asked.length, 1);
        assert.match(asked[0], /asks for approval/);
        assert.equal((final.result as { outcome: string; decidedBy: string }).outcome, 'approved');
        assert.equal((final.result as { decidedBy: string }).decidedBy, 'Grace Hopper');
      } finally {
        await pool.close();
        await serve.stop();
      }
    });
  });

  it('answers and cancels runs by id, reporting a cancelled run as cancelled, never as done', async () => {
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      const serve = await startServeProcess(['--wait-seconds', '1'], { ...env, ORCHESTRA_TASK_QUEUE: taskQueue });
      const pool = hostPool(serve.url);
      try {
        const started = report(await pool.callTool('orchestra', { name: 'accessRequest', arguments: { request: 'admin access to the payouts dashboard', requester: 'eve@example.com' } }, { timeout: 60_000 }));
        assert.equal(started.status, 'running', JSON.stringify(started));
        const badAnswer = await pool.callTool('orchestra', { name: 'answer_run', arguments: { workflowId: started.workflowId, decision: 'approved', approver: '42' } });
        assert.equal(report(badAnswer).error?.type, 'InvalidInput');
        const cancelled = report(await pool.callTool('orchestra', { name: 'cancel_run', arguments: { workflowId: started.workflowId } }));
        assert.equal(cancelled.status, 'running'); // requested; the run stops on its own terms
        const final = await eventually(async () => {
          const followed = report(await pool.callTool('orchestra', { name: 'follow_run', arguments: { workflowId: started.workflowId, waitSeconds: 10 } }, { timeout: 60_000 }));
          return followed.status !== 'running' ? followed : false;
        }, { what: 'the cancelled run to close', timeoutMs: 120_000 });
        assert.notEqual(final.status, 'completed', JSON.stringify(final));
      } finally {
        await pool.close();
        await serve.stop();
      }
    });
  });

  it('runs a workflow as an MCP task whose id is the workflow id: poll, result, list, cancel', async () => {
    await withWorker(t.env, t.deps, async ({ taskQueue }) => {
      const serve = await startServeProcess([], { ...env, ORCHESTRA_TASK_QUEUE: taskQueue });
      const client = new Client({ name: 'task-host', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(serve.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
      try {
        const created = await client.request({ method: 'tools/call', params: { name: 'callTools', arguments: catalog.callTools.example, task: { ttl: 60_000 } } },
          CreateTaskResultSchema);
        const taskId = created.task.taskId;
        assert.match(taskId, /^call-tools-filesystem-list_directory-/);
        assert.equal((await t.env.client.workflow.getHandle(taskId).describe()).type, 'callTools', 'the task id is the workflow id');
        const result = await client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, { timeout: 120_000 });
        assert.equal((result.structuredContent as RunReport).status, 'completed');
        assert.equal((await client.experimental.tasks.getTask(taskId)).status, 'completed');
        assert.ok((await client.experimental.tasks.listTasks()).tasks.some((task) => task.taskId === taskId));

        const waiting = await client.request({ method: 'tools/call', params: {
          name: 'accessRequest', arguments: { request: 'admin access to the payouts dashboard', requester: 'bob@example.com' }, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
        await client.experimental.tasks.cancelTask(waiting.task.taskId);
        await eventually(async () => (await client.experimental.tasks.getTask(waiting.task.taskId)).status !== 'working',
          { what: 'the cancelled task to stop', timeoutMs: 60_000 });
        assert.notEqual((await client.experimental.tasks.getTask(waiting.task.taskId)).status, 'completed');
      } finally {
        await client.close();
        await serve.stop();
      }
    });
  });

  it('refuses requests without the bearer token (401) and with a foreign Host header (403)', async () => {
    const serve = await startServeProcess([], env);
    try {
      const init = { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' };
      const noToken = await fetch(serve.url, init);
      assert.equal(noToken.status, 401);
      assert.match(noToken.headers.get('www-authenticate') ?? '', /^Bearer/);
      // fetch may not set Host: node:http may.
      const status = await new Promise<number | undefined>((resolve, reject) => {
        http.request(serve.url, { method: 'POST', headers: { host: 'evil.example.com', authorization: `Bearer ${TOKEN}` } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        }).on('error', reject).end('{}');
      });
      assert.equal(status, 403);
    } finally {
      await serve.stop();
    }
  });

  describe('the MCP conformance suite\'s server scenarios that apply', () => {
    let serve: ServeProcess;
    before(async () => {
      const { ORCHESTRA_MCP_TOKEN: _none, ...tokenless } = { ...process.env, ...env };
      serve = await startServeProcess([], { ...tokenless, ORCHESTRA_MCP_TOKEN: '' });
    });
    after(async () => serve?.stop());

    it('pass: initialize, ping, logging, tools list, DNS-rebinding protection', async () => {
      const result = await runProcess(process.execPath, ['--import', 'tsx', 'scripts/conformance.ts', '--server-url', serve.url]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(result.stdout.match(/^ok /gm)?.length, 5, result.stdout);
    });
  });
});
