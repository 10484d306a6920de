import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { serveStreamableHttp, type HttpServing } from '../src/mcp/http-serve.js';
import { parseMcpConfig } from '../src/mcp/config.js';
import { McpPool } from '../src/mcp/pool.js';
import { llmSamplingHandler } from '../src/mcp/sampling.js';
import { startLlmServer, type LlmServer } from './helpers/llm-server.js';

/** A server whose tool asks its client to sample, and says whether it may (the client's declared capabilities). */
function samplingServer(): McpServer {
  const server = new McpServer({ name: 'sampling-test', version: '1.0.0' });
  server.registerTool('summarise', { description: 'asks the client for a summary' }, async () => {
    if (!server.server.getClientCapabilities()?.sampling) return { content: [{ type: 'text', text: 'no sampling offered' }] };
    const answer = await server.server.createMessage({
      systemPrompt: 'Be brief.', maxTokens: 50,
      messages: [{ role: 'user', content: { type: 'text', text: 'Summarise: durable workflows survive restarts.' } }],
    });
    return { content: [{ type: 'text', text: `${answer.model}: ${answer.content.type === 'text' ? answer.content.text : '?'}` }] };
  });
  return server;
}

describe('sampling: a server asks the worker\'s MCP client for a completion', () => {
  let llm: LlmServer;
  let serving: HttpServing;
  before(async () => {
    llm = await startLlmServer((prompt) => `summary of "${prompt.slice(0, 20)}"`);
    serving = await serveStreamableHttp({ host: '127.0.0.1', port: 0, createServer: samplingServer, log: () => {} });
  });
  after(async () => {
    await serving?.close();
    await llm?.close();
  });

  /** A pool as the worker builds it, with the LLM settings of the worker's environment. */
  function pool(env: Record<string, string>): McpPool {
    const saved = { base: process.env.ORCHESTRA_LLM_BASE_URL, model: process.env.ORCHESTRA_LLM_MODEL };
    delete process.env.ORCHESTRA_LLM_BASE_URL;
    delete process.env.ORCHESTRA_LLM_MODEL;
    Object.assign(process.env, env);
    after(() => {
      for (const [name, value] of [['ORCHESTRA_LLM_BASE_URL', saved.base], ['ORCHESTRA_LLM_MODEL', saved.model]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    return new McpPool(parseMcpConfig({ mcpServers: { s: { url: serving.url } } }, { env: {} }), { log: () => {}, handlers: { sampling: llmSamplingHandler() } });
  }

  it('is answered by the configured language model', async () => {
    const client = pool({ ORCHESTRA_LLM_BASE_URL: llm.baseUrl, ORCHESTRA_LLM_MODEL: 'test-model' });
    try {
      const result = await client.callTool('s', { name: 'summarise', arguments: {} });
      assert.deepEqual(result.content, [{ type: 'text', text: 'test-model: summary of "Summarise: durable w"' }]);
      assert.equal(llm.requests.length, 1);
      assert.match(JSON.stringify(llm.requests[0].body), /Be brief\./);
    } finally {
      await client.close();
    }
  });

  it('is not offered when no language model is configured', async () => {
    const client = pool({});
    try {
      const result = await client.callTool('s', { name: 'summarise', arguments: {} });
      assert.deepEqual(result.content, [{ type: 'text', text: 'no sampling offered' }]);
    } finally {
      await client.close();
    }
  });
});
