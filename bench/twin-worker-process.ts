/**
 * The raw twin's worker: what a plain Temporal SDK user would run. `Worker.create()` with its default options, the
 * twin's own minimal bundle (bench/raw-workflows.ts, no interceptors), no Orchestra runtime, sinks or logging; its
 * `callTool` activity is the MCP TypeScript SDK's own `Client` over stdio, one per server (no pool, breakers, schema
 * validation, heartbeats or redaction), and its text activities are the plain functions of src/text. In its own
 * process (as Orchestra's bench worker is), started by the runner with the same config and IPC (bench/lib/worker-ipc.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { ToolCall } from '../src/shared/tool-call.js';
import { toolResultOf } from '../src/shared/tool-result.js';
import { analyzeSentiment, detectLanguage, extractKeywords } from '../src/text/index.js';
import { benchMcpServers, prepareStoreDb, resolvedSettings, serveRunner } from './lib/worker-ipc.js';
import type { BenchWorkerConfig } from './worker-process.js';

const config = JSON.parse(process.argv[2]) as BenchWorkerConfig;
Runtime.install({ logger: new DefaultLogger('WARN') }); // the SDK's own logger, quieter than its INFO default

fs.mkdirSync(path.join(config.home, 'files'), { recursive: true });
const specs = benchMcpServers(config.home);
const clients = new Map<string, McpClient>();
/** Which tools take an `idempotency_key` argument (the store's writes), as Orchestra adds the call's key to those. */
const keyed = new Set<string>();
for (const name of ['store', 'bench']) {
  const spec = specs[name];
  if (spec.transport !== 'stdio') throw new Error(`the twin runs stdio servers only (${name} is ${spec.transport})`);
  const client = new McpClient({ name: 'bench-twin', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: spec.command, args: spec.args, env: { ...spec.env, PATH: process.env.PATH ?? '' }, cwd: spec.cwd, stderr: 'ignore' }));
  for (const tool of (await client.listTools()).tools) if (tool.inputSchema.properties && 'idempotency_key' in tool.inputSchema.properties) keyed.add(`${name}.${tool.name}`);
  clients.set(name, client);
}
prepareStoreDb(config.home);

const activities = {
  async callTool(call: ToolCall): Promise<unknown> {
    const client = clients.get(call.server);
    if (!client) throw ApplicationFailure.nonRetryable(`no server ${call.server}`, 'ToolNotFound');
    const args = { ...call.args, ...(call.idempotencyKey && keyed.has(`${call.server}.${call.tool}`) ? { idempotency_key: call.idempotencyKey } : {}) };
    const result = await client.callTool({ name: call.tool, arguments: args });
    if (result.isError) throw ApplicationFailure.create({ type: 'ToolError', message: JSON.stringify(result.content).slice(0, 500) });
    return toolResultOf(result as Parameters<typeof toolResultOf>[0]);
  },
  detectLanguage: async (input: { text: string }) => detectLanguage(input.text),
  analyzeSentiment: async (input: { text: string }) => analyzeSentiment(input.text),
  extractKeywords: async (input: { text: string; limit?: number }) => extractKeywords(input.text, { limit: input.limit }),
};

const connection = await NativeConnection.connect({ address: config.address });
const worker = await Worker.create({
  connection,
  namespace: config.namespace,
  taskQueue: config.taskQueue,
  workflowBundle: { codePath: config.bundlePath },
  activities,
  ...config.overrides,
});
serveRunner([worker], resolvedSettings(worker, config.overrides));
try {
  await worker.run();
} finally {
  for (const client of clients.values()) await client.close();
  await connection.close();
}
process.exit(0);
