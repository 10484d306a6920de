import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { McpPool, ServerUnavailableError, UnknownServerError } from '../src/mcp/pool.js';
import { DEFAULT_MCP_CONFIG, loadMcpConfig, parseMcpConfig, type StdioServerSpec } from '../src/mcp/config.js';
import { ensureSandbox } from '../src/mcp/sandbox.js';
import { projectRoot } from '../src/runtime/paths.js';
import { filesystemSpec, isAlive, tempDir, testPool, waitFor } from './helpers/mcp.js';

/** A minimal MCP server whose `add_tool` tool registers another tool, so the server sends tools/list_changed. */
const GROWING_SERVER = `
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
const server = new McpServer({ name: 'growing', version: '1.0.0' });
let added = 0;
server.registerTool('add_tool', { inputSchema: { name: z.string() } }, async ({ name }) => {
  server.registerTool(name, { inputSchema: {} }, async () => ({ content: [{ type: 'text', text: name + ' ran' }] }));
  added += 1;
  return { content: [{ type: 'text', text: 'added ' + name }] };
});
await server.connect(new StdioServerTransport());
`;

function growingSpec(): StdioServerSpec {
  return { name: 'growing', transport: 'stdio', command: process.execPath, args: ['--input-type=module', '-e', GROWING_SERVER], env: {}, cwd: projectRoot };
}

describe('MCP client pool', () => {
  let root: string;

  before(() => {
    root = tempDir('pool');
    fs.mkdirSync(path.join(root, 'documents'));
    fs.writeFileSync(path.join(root, 'documents', 'readme.md'), '# Hello\n');
  });

  it('connects lazily and lists the tools with their annotations', async () => {
    const pool = testPool([filesystemSpec(root)]);
    try {
      assert.equal(pool.pid('filesystem'), undefined, 'no server process before the first call');
      const tools = await pool.listTools('filesystem');
      const names = tools.map((tool) => tool.name);
      for (const name of ['read_text_file', 'write_file', 'edit_file', 'search_files', 'list_directory']) assert.ok(names.includes(name), name);
      assert.deepEqual(tools.find((tool) => tool.name === 'read_text_file')?.annotations, { readOnlyHint: true, openWorldHint: false });
      assert.equal(tools.find((tool) => tool.name === 'edit_file')?.annotations?.destructiveHint, true);
      assert.ok(pool.pid('filesystem'));
    } finally {
      await pool.close();
    }
  });

  it('shares one connection among concurrent calls', async () => {
    const pool = testPool([filesystemSpec(root)]);
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () =>
        pool.callTool('filesystem', { name: 'read_text_file', arguments: { path: 'documents/readme.md' } })));
      assert.ok(results.every((result) => !result.isError));
      assert.equal(pool.output.filter((line) => /connected \(/.test(line)).length, 1, pool.output.join('\n'));
    } finally {
      await pool.close();
    }
  });

  it('reconnects on the next call after the server process dies, with a fresh tool list', async () => {
    const pool = testPool([filesystemSpec(root)]);
    try {
      await pool.listTools('filesystem');
      const first = pool.pid('filesystem')!;
      process.kill(first, 'SIGKILL');
      await waitFor(() => pool.output.some((line) => /disconnected/.test(line)), 5_000, 'the pool to notice');
      const result = await pool.callTool('filesystem', { name: 'read_text_file', arguments: { path: 'documents/readme.md' } });
      assert.equal(result.structuredContent?.content, '# Hello\n');
      const second = pool.pid('filesystem')!;
      assert.notEqual(second, first);
      assert.ok(isAlive(second));
    } finally {
      await pool.close();
    }
  });

  it('lists the tools again from the new process after a reconnect, not the dead one\'s list', async () => {
    const pool = testPool([growingSpec()]);
    try {
      // The first process grows a tool, and the cached list has it.
      await pool.callTool('growing', { name: 'add_tool', arguments: { name: 'report' } });
      await waitFor(async () => (await pool.listTools('growing')).some((tool) => tool.name === 'report'), 5_000, 'the new tool');
      const first = pool.pid('growing')!;
      process.kill(first, 'SIGKILL');
      await waitFor(() => pool.output.some((line) => /disconnected/.test(line)), 5_000, 'the pool to notice');
      // A fresh process offers only what it registers at start.
      assert.deepEqual((await pool.listTools('growing')).map((tool) => tool.name), ['add_tool']);
      assert.notEqual(pool.pid('growing'), first);
    } finally {
      await pool.close();
    }
  });

  it('stops its servers on close and refuses calls afterwards', async () => {
    const pool = testPool([filesystemSpec(root)]);
    await pool.listTools('filesystem');
    const pid = pool.pid('filesystem')!;
    await pool.close();
    await waitFor(() => !isAlive(pid), 5_000, 'the server process to exit');
    await assert.rejects(pool.listTools('filesystem'), ServerUnavailableError);
    await pool.close(); // idempotent
  });

  it('names unknown servers and explains servers that fail to start, quoting their stderr', async () => {
    const pool = testPool([filesystemSpec(path.join(root, 'no-such-folder'), 'broken')]);
    try {
      await assert.rejects(pool.listTools('nope'), (err: Error) => err instanceof UnknownServerError && /configured: broken/.test(err.message));
      await assert.rejects(pool.listTools('broken'), (err: Error) => {
        assert.ok(err instanceof ServerUnavailableError);
        assert.match(err.message, /could not start MCP server "broken"/);
        assert.match(err.message, /None of the specified directories are accessible/);
        return true;
      });
    } finally {
      await pool.close();
    }
  });

  it('refreshes its cached tool list when the server says the list changed', async () => {
    const pool = testPool([growingSpec()]);
    try {
      assert.deepEqual((await pool.listTools('growing')).map((tool) => tool.name), ['add_tool']);
      await pool.callTool('growing', { name: 'add_tool', arguments: { name: 'report' } });
      await waitFor(async () => (await pool.listTools('growing')).some((tool) => tool.name === 'report'), 5_000, 'the new tool');
      const result = await pool.callTool('growing', { name: 'report', arguments: {} });
      assert.deepEqual(result.content, [{ type: 'text', text: 'report ran' }]);
    } finally {
      await pool.close();
    }
  });

  it('reaches Streamable HTTP servers, sending the configured headers (secrets from the environment)', async () => {
    const seen: Array<string | undefined> = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.method !== 'POST') return void res.writeHead(405).end();
      // Stateless mode: one MCP server per request.
      const mcp = new McpServer({ name: 'http-echo', version: '1.0.0' });
      mcp.registerTool('echo', { inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } },
        async ({ text }) => ({ content: [{ type: 'text', text: `echo: ${text}` }] }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void mcp.close());
      void mcp.connect(transport).then(() => transport.handleRequest(req, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const config = parseMcpConfig(
      { mcpServers: { echo: { url: `http://127.0.0.1:${port}/mcp`, headers: { Authorization: 'Bearer ${ECHO_TOKEN}' } } } },
      { env: { ECHO_TOKEN: 'from-the-environment' } },
    );
    const pool = new McpPool(config, { log: () => undefined });
    try {
      assert.deepEqual((await pool.listTools('echo')).map((tool) => tool.name), ['echo']);
      const result = await pool.callTool('echo', { name: 'echo', arguments: { text: 'hi' } });
      assert.deepEqual(result.content, [{ type: 'text', text: 'echo: hi' }]);
      assert.ok(seen.length >= 2 && seen.every((value) => value === 'Bearer from-the-environment'), JSON.stringify(seen));
    } finally {
      await pool.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('runs the project default config: the filesystem server on the seeded sandbox, and the store', async () => {
    const home = tempDir('home');
    const env = { ...process.env, ORCHESTRA_HOME: home, STORE_DB: '' };
    const config = loadMcpConfig({ path: DEFAULT_MCP_CONFIG, env });
    const { dir } = await ensureSandbox({ dir: path.join(home, 'files') });
    const pool = new McpPool(config, { onServerStderr: () => undefined, log: () => undefined });
    try {
      const allowed = await pool.callTool('filesystem', { name: 'list_allowed_directories', arguments: {} });
      assert.match(String(allowed.structuredContent?.content), new RegExp(`Allowed directories:\\n${dir}`));
      const customer = await pool.callTool('store', { name: 'get_customer', arguments: { customer_id: 'cust-001' } });
      assert.equal(customer.isError, undefined, JSON.stringify(customer));
      assert.equal((customer.structuredContent as { customer?: { name: string } } | undefined)?.customer?.name, 'Acme Corporation');
      assert.ok(fs.existsSync(path.join(home, 'store.db')), 'the store database lives in ORCHESTRA_HOME');
    } finally {
      await pool.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));
});
