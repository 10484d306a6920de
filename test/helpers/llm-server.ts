/**
 * A local OpenAI-compatible chat-completions endpoint for tests: answers each request with `answer(prompt)`, or with
 * the HTTP status (and body) it returns, or with tool calls (`{ toolCalls: [{ name, arguments }] }`, OpenAI's function
 * calling). Records the requests (path, authorization header, body) so a test can check what the
 * worker sent. Listens on 127.0.0.1 only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LlmRequest {
  path: string;
  authorization?: string;
  body: {
    model: string;
    /** (`content` is null on an assistant message that carries tool calls.) */
    messages: Array<{ role: string; content: string; tool_call_id?: string; tool_calls?: unknown[] }>;
    max_tokens?: number;
    tools?: Array<{ type: string; function: { name: string; description?: string; parameters: Record<string, unknown> } }>;
  };
}

export interface LlmServer {
  baseUrl: string;
  requests: LlmRequest[];
  close(): Promise<void>;
}

/** A completion's text, an HTTP status (with a stub error body), or a status with the exact body to answer. */
export type LlmReply = string | number | { status: number; body: string } | { toolCalls: Array<{ name: string; arguments: string }>; content?: string };

/** `delayMs`: how long the model thinks before it answers (a slow model, for heartbeat tests). */
export async function startLlmServer(answer: (prompt: string, request: LlmRequest) => LlmReply, options: { delayMs?: number } = {}): Promise<LlmServer> {
  const requests: LlmRequest[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => setTimeout(() => {
      const request: LlmRequest = { path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(raw) as LlmRequest['body'] };
      requests.push(request);
      const prompt = request.body.messages.at(-1)?.content ?? '';
      const reply = answer(prompt, request);
      if (typeof reply === 'object' && 'toolCalls' in reply) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          model: request.body.model,
          choices: [{
            index: 0,
            message: {
              role: 'assistant',
              content: reply.content ?? null,
              tool_calls: reply.toolCalls.map((c, i) => ({ id: `call_${requests.length}_${i}`, type: 'function', function: c })),
            },
            finish_reason: 'tool_calls',
          }],
        }));
        return;
      }
      if (typeof reply === 'object') {
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
        return;
      }
      if (typeof reply === 'number') {
        res.writeHead(reply, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'stub failure' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        model: request.body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }],
        usage: { prompt_tokens: prompt.length, completion_tokens: reply.length },
      }));
    }, options.delayMs ?? 0));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const LLM_VARS = ['ORCHESTRA_LLM_BASE_URL', 'ORCHESTRA_LLM_MODEL', 'ORCHESTRA_LLM_API_KEY'] as const;
type LlmVar = (typeof LLM_VARS)[number];

/** Sets the LLM variables of this test process (activities read them at call time), restoring them after `fn`. */
export async function withLlmEnv<T>(vars: Partial<Record<LlmVar, string>>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(LLM_VARS.map((k) => [k, process.env[k]]));
  for (const k of LLM_VARS) {
    if (vars[k] === undefined) delete process.env[k];
    else process.env[k] = vars[k];
  }
  try {
    return await fn();
  } finally {
    for (const k of LLM_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}
