/**
 * Observability on the real stack (local dev server, the real store server, a real MCP server over HTTP): one trace
 * from `orchestra run` through the workflow and its activity into the MCP call (whose request carries the trace
 * context in `_meta`), printed by `orchestra trace`; the run's timeline and stats; the tool-call metrics.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { z } from 'zod';
import { createActivities } from '../../src/activities/index.js';
import type { TimelineStep } from '../../src/client/timeline.js';
import { McpPool } from '../../src/mcp/pool.js';
import { DECIDE_UPDATE } from '../../src/shared/approval.js';
import { serveMetrics } from '../../src/observability/endpoints.js';
import { withObservability } from '../../src/observability/worker-options.js';
import type { AccessRequestResult } from '../../src/schemas/access-request.js';
import { countApprovalsPendingIn } from '../../src/observability/approvals-pending.js';
import { countApprovalsPendingWith, registry } from '../../src/observability/metrics.js';
import { readSpans, type StoredSpan } from '../../src/observability/span-file.js';
import { orchestraCli } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/mcp.js';
import { useTemporal, withWorker, workflowBundle, type WorkerRun } from '../helpers/temporal.js';

const traceFile = path.join(tempDir('traces'), 'spans.jsonl');
process.env.ORCHESTRA_TRACE_FILE = traceFile; // before the first worker sets up tracing: this process and the CLI share it

/** A real MCP server over Streamable HTTP whose `whoami` tool answers with the `_meta` its request carried. */
function tracedServer() {
  const seen: Array<Record<string, unknown> | undefined> = [];
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const mcp = new McpServer({ name: 'traced', version: '1.0.0' });
    mcp.registerTool('whoami', { inputSchema: { name: z.string() }, annotations: { readOnlyHint: true } }, async ({ name }, extra) => {
      seen.push(extra._meta as Record<string, unknown> | undefined);
      return { content: [{ type: 'text', text: `hello ${name}` }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void mcp.close());
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
  });
  return { server, seen };
}

/** A metric's current value in this process's registry (0 when it has no such series yet). */
async function value(name: string, labels = ''): Promise<number> {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('observability: traces, timeline, stats and metrics of a run', () => {
  const t = useTemporal('local');
  const traced = tracedServer();
  let pool: McpPool;
  before(async () => {
    await new Promise<void>((resolve) => traced.server.listen(0, '127.0.0.1', resolve));
    const { port } = traced.server.address() as AddressInfo;
    pool = new McpPool({
      ...t.deps.mcp.servers,
      traced: { name: 'traced', transport: 'http', url: new URL(`http://127.0.0.1:${port}/mcp`), headers: {} },
    }, { onServerStderr: () => {}, log: () => {} });
  });
  after(async () => {
    await pool?.close();
    await new Promise((resolve) => traced.server.close(resolve));
  });
  const cliFor = (run: WorkerRun) => (args: string[]) => orchestraCli(args, {
    TEMPORAL_ADDRESS: t.env.connection.options.address, ORCHESTRA_TASK_QUEUE: run.taskQueue, ORCHESTRA_TRACE_FILE: traceFile,
  });

  it('one trace runs from `orchestra run` through the workflow and activity into the MCP call, which gets its traceparent', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const cli = cliFor(run);
      const ran = await cli(['run', 'callTools', '--id', 'traced-run', '--json', '--input', JSON.stringify({ calls: [
        { server: 'traced', tool: 'whoami', args: { name: 'ada' } },
        { server: 'store', tool: 'get_customer', args: { customer_id: 'cust-001' } },
      ] })]);
      assert.equal(ran.code, 0, ran.stderr + ran.stdout);

      // Right after the run, as a user would: processes write their spans in batches, and `trace` waits for the run's
      // last ones (a span whose parent is not in the file yet), so by the time it prints the file holds the whole run.
      const tree = await cli(['trace', 'traced-run']);
      assert.equal(tree.code, 0, tree.stderr);
      const spans = readSpans(traceFile);
      const named = (name: string) => spans.filter((s) => s.name === name);
      const [start] = named('StartWorkflow:callTools');
      assert.ok(start, `the CLI's start span is in the file: ${spans.map((s) => s.name).join(', ')}`);
      assert.equal(start.attributes.temporalWorkflowId, 'traced-run');
      const inTrace = spans.filter((s) => s.traceId === start.traceId);
      const parentOf = (span: StoredSpan) => inTrace.find((s) => s.spanId === span.parentSpanId);
      const [mcpSpan] = inTrace.filter((s) => s.name === 'MCP traced.whoami');
      assert.ok(mcpSpan, `the MCP call is in the run's trace: ${inTrace.map((s) => s.name).join(', ')}`);
      assert.equal(mcpSpan.status, 'ok');
      // The chain, child to parent: MCP call → activity run → activity start (workflow) → workflow run → the CLI's start.
      const chain: string[] = [];
      for (let span: StoredSpan | undefined = mcpSpan; span; span = parentOf(span)) chain.push(span.name);
      assert.deepEqual(chain, ['MCP traced.whoami', 'RunActivity:callTool', 'StartActivity:callTool', 'RunWorkflow:callTools', 'StartWorkflow:callTools']);
      assert.ok(inTrace.some((s) => s.name === 'MCP store.get_customer'), 'the store call is in the same trace');

      // The server received the MCP span's context as W3C traceparent in _meta.
      const meta = traced.seen.at(-1);
      assert.equal(meta?.traceparent, `00-${mcpSpan.traceId}-${mcpSpan.spanId}-01`);

      const lines = tree.stdout.split('\n');
      assert.match(lines[0], new RegExp(`^trace ${start.traceId}$`));
      assert.match(lines[1], /START\s+DURATION\s+STATUS\s+SPAN/);
      assert.match(tree.stdout, /\+0 ms\s+\d[\d.]* m?s\s+ok\s+StartWorkflow:callTools\n/);
      assert.match(tree.stdout, /ok\s+└─ RunWorkflow:callTools\n/);
      assert.match(tree.stdout, /ok\s+├─ StartActivity:callTool\n.*\n.*ok\s+│ {5}└─ MCP traced\.whoami\n/);

      const missing = await cli(['trace', 'no-such-run']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no spans for "no-such-run" in .*spans\.jsonl/);
    }, { activities: createActivities({ mcp: pool }) });
  });

  it('timeline lists each step with start, end, outcome and attempts; stats count runs and time steps', async () => {
    await withWorker(t.env, t.deps, async (run) => {
      const cli = cliFor(run);
      const ran = await cli(['run', 'callTools', '--id', 'timeline-run', '--json', '--input', JSON.stringify({ stopOnError: false, calls: [
        { server: 'store', tool: 'get_customer', args: { customer_id: 'cust-001' } },
        { server: 'store', tool: 'get_customer', args: { customer_id: 'cust-404' } },
      ] })]);
      assert.equal(ran.code, 0, ran.stderr + ran.stdout);

      const shown = await cli(['timeline', 'timeline-run', '--json']);
      assert.equal(shown.code, 0, shown.stderr);
      const steps = JSON.parse(shown.stdout) as TimelineStep[];
      assert.deepEqual(steps.map((s) => [s.step, s.kind, s.activity, s.attempts]), [
        ['store.get_customer customer_id=cust-001', 'activity', 'callTool', 1],
        ['store.get_customer customer_id=cust-404', 'activity', 'callTool', 1],
        // The refused call is recorded in the dead-letter queue (issue 13).
        ['store.record_dead_letter — dead letter: call 2: store.get_customer customer_id=cust-404 (UnknownCustomer)', 'activity', 'callTool', 1],
      ]);
      assert.equal(steps[0].outcome, 'completed');
      assert.match(steps[1].outcome, /^failed: \w+/); // a business error: not retried, its type named
      for (const s of steps) assert.ok(Date.parse(s.end!) >= Date.parse(s.start) && s.durationMs! >= 0, JSON.stringify(s));
      const table = await cli(['timeline', 'timeline-run']);
      assert.match(table.stdout, /^STEP\s+START\s+END\s+DURATION\s+OUTCOME\s+ATTEMPTS\n/);

      const stats = await cli(['stats', '--pattern', 'callTools', '--since', '1h', '--json']);
      assert.equal(stats.code, 0, stats.stderr);
      const figures = JSON.parse(stats.stdout) as { runs: number; byStatus: Record<string, number>; steps: Record<string, Record<string, { count: number }>> };
      assert.ok(figures.runs >= 1 && figures.byStatus.COMPLETED >= 1, stats.stdout);
      assert.ok(figures.steps.callTools['store.get_customer'].count >= 2, stats.stdout);
      const bad = await cli(['stats', '--since', 'yesterday-ish']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--since: must be a duration/);
    });
  });

  it('counts what workflows report: approvals pending (in the cluster) then decided, saga compensations, fan-out branches', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      // Pending approvals are the cluster's: a run flagged OrchestraApprovalPending, whichever worker asked or decides.
      countApprovalsPendingIn(orchestra.client);
      const access = await orchestra.start('accessRequest', { request: 'admin access to the billing console', requester: 'ada@example.com' }, { taskQueue });
      await eventually(async () => assert.equal((await orchestra.progress(access.workflowId)).state, 'waiting'), { what: 'the approval to be pending' });
      await eventually(async () => assert.equal(await value('orchestra_approvals_pending'), 1), { what: 'the pending approval to be counted' });
      await orchestra.update(access.workflowId, DECIDE_UPDATE, [{ decision: 'approved', approver: 'Grace Hopper' }]);
      await orchestra.result(access.workflowId);
      await eventually(async () => assert.equal(await value('orchestra_approvals_pending'), 0), { what: 'the decided approval to leave the count' });
      countApprovalsPendingWith(undefined);
      assert.equal(await value('orchestra_approvals_total', 'decision="approved"'), 1);

      // Over the customer's credit limit: the saga undoes what it did (a real compensation per step).
      const saga = await orchestra.execute('orderSaga', {
        orderId: 'ord-metrics', customer: { id: 'cust-012', name: 'Bluth Banana Stand', email: 'money@bluth.example' },
        items: [{ sku: 'WIDGET-001', quantity: 3 }],
        shippingAddress: { name: 'Bluth', street: '1 Pier', city: 'Newport Beach', postalCode: '92660', country: 'US' },
      }, { taskQueue }) as { status: string; compensations: Array<{ status: string }> };
      assert.equal(saga.status, 'compensated');
      const undone = saga.compensations.filter((c) => c.status === 'compensated').length;
      assert.ok(undone >= 1);
      assert.equal(await value('orchestra_compensations_total', 'pattern="orderSaga",outcome="compensated"'), undone);

      await orchestra.execute('parallelAggregate', { minSuccessRatio: 0.5, branches: [
        { kind: 'tool', server: 'store', tool: 'get_customer', args: { customer_id: 'cust-001' } },
        { kind: 'tool', server: 'store', tool: 'get_customer', args: { customer_id: 'cust-404' } },
      ] }, { taskQueue });
      assert.equal(await value('orchestra_branches_total', 'pattern="parallelAggregate",outcome="completed"'), 1);
      assert.equal(await value('orchestra_branches_total', 'pattern="parallelAggregate",outcome="failed"'), 1);
    });
  });

  it('a run whose decision the validator first rejected still replays with the tracing interceptors on', async () => {
    // The server drops a workflow task that only rejects an update. With the SDK's own workflow interceptors, that
    // validator's first check of an SDK flag went unrecorded and the approved run no longer replayed (found by the Web
    // UI test; src/observability/workflow-interceptors.ts). This fails with them and passes with Orchestra's module.
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('accessRequest', { request: 'admin access to the billing console', requester: 'ada@example.com' }, { taskQueue });
      await eventually(async () => assert.equal((await orchestra.progress(run.workflowId)).state, 'waiting'), { what: 'the approval to be pending' });
      const handle = orchestra.handle(run.workflowId);
      await assert.rejects(handle.executeUpdate(DECIDE_UPDATE, { args: [{ decision: 'approved', approver: '42' }] }), WorkflowUpdateFailedError);
      await handle.executeUpdate(DECIDE_UPDATE, { args: [{ decision: 'approved', approver: 'Grace Hopper' }] });
      assert.equal((await orchestra.result(run.workflowId) as AccessRequestResult).decidedBy, 'Grace Hopper');
      await Worker.runReplayHistory(withObservability({ workflowBundle: await workflowBundle() }), await handle.fetchHistory(), run.workflowId);
    });
  });

  it('counts and times tool calls by server, tool and outcome on the metrics endpoint', async () => {
    // Earlier tests here called traced.whoami once, and asked the store for the unknown cust-404 (a business error).
    assert.equal(await value('orchestra_tool_calls_total', 'server="traced",tool="whoami",outcome="ok"'), 1);
    assert.ok(await value('orchestra_tool_calls_total', 'server="store",tool="get_customer",outcome="tool_error"') >= 1);
    assert.equal(await value('orchestra_tool_call_duration_seconds_count', 'server="traced",tool="whoami",outcome="ok"'), 1);
    const endpoint = await serveMetrics(0);
    try {
      const scraped = await (await fetch(endpoint.url)).text();
      assert.match(scraped, /orchestra_tool_calls_total\{server="traced",tool="whoami",outcome="ok"\} 1/);
      assert.equal((await fetch(endpoint.url.replace('/metrics', '/other'))).status, 404);
    } finally {
      await endpoint.close();
    }
  });
});
