/**
 * Text generation with a language model behind an OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI's
 * compatible API, Groq, Ollama, vLLM, LM Studio, …), configured by the worker's environment:
 *
 *   ORCHESTRA_LLM_BASE_URL    e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1 (required)
 *   ORCHESTRA_LLM_MODEL       e.g. gpt-4o-mini or llama3.1 (required)
 *   ORCHESTRA_LLM_API_KEY     sent as a bearer token (optional: local servers need none)
 *   ORCHESTRA_LLM_TIMEOUT_MS  one request's time limit, default 60000
 *
 * The variables are read when the activity runs, inside the worker: workflow input and history never carry the key
 * (nor the URL's credentials or query). Failure messages are redacted (src/shared/redact.ts): the key, URL credentials
 * and query strings, and authorization values an endpoint echoes back in an error body never reach history. Errors say what kind they are, so the retry policy and a fallback can act on them:
 *
 * - `LlmNotConfigured` (non-retryable): no base URL or model; a workflow goes straight to its offline method.
 * - `LlmUnavailable` (retryable): the endpoint cannot be reached, timed out, or answered 408/409/429/5xx.
 * - `LlmRequestRejected` (non-retryable): any other 4xx (bad key, unknown model, request too large).
 * - `LlmBadResponse` (retryable): a 2xx without a completion in it.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import { redact, redactUrl, registerSecret, registerUrlSecrets } from '../shared/redact.js';
import { validate } from '../shared/validation.js';
import { whileWaiting } from './keep-alive.js';

export const LlmErrorType = {
  NotConfigured: 'LlmNotConfigured',
  Unavailable: 'LlmUnavailable',
  RequestRejected: 'LlmRequestRejected',
  BadResponse: 'LlmBadResponse',
} as const;

/** Error types no retry can fix. */
export const NON_RETRYABLE_LLM_ERRORS: string[] = [LlmErrorType.NotConfigured, LlmErrorType.RequestRejected, 'InvalidInput'];

export const GenerateTextInput = z.object({
  system: z.string().max(20_000).optional(),
  prompt: z.string().min(1, 'must not be empty').max(200_000),
  maxTokens: z.number().int().min(1).max(32_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
});
export type GenerateTextInput = z.input<typeof GenerateTextInput>;

export interface GeneratedText {
  text: string;
  /** The model that answered (as the endpoint names it). */
  model: string;
  finishReason: string | null;
  usage?: { promptTokens?: number; completionTokens?: number };
}

export interface LlmConfig {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

/** The endpoint configured in `env`, or undefined when there is none. */
export function llmConfig(env: NodeJS.ProcessEnv = process.env): LlmConfig | undefined {
  const baseUrl = env.ORCHESTRA_LLM_BASE_URL?.trim();
  const model = env.ORCHESTRA_LLM_MODEL?.trim();
  if (!baseUrl || !model) return undefined;
  const timeout = Number(env.ORCHESTRA_LLM_TIMEOUT_MS);
  const apiKey = env.ORCHESTRA_LLM_API_KEY?.trim() || undefined;
  registerSecret(apiKey, 'ORCHESTRA_LLM_API_KEY');
  registerUrlSecrets(baseUrl, 'ORCHESTRA_LLM_BASE_URL');
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    model,
    apiKey,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 60_000,
  };
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);

export function createLlmActivities() {
  return {
    /** One chat completion: the system and user messages in, the assistant's text out. */
    async generateText(raw: GenerateTextInput): Promise<GeneratedText> {
      const parsed = validate(GenerateTextInput, raw);
      if (!parsed.ok) throw ApplicationFailure.nonRetryable(`generateText: invalid input: ${parsed.message}`, 'InvalidInput');
      const input = parsed.value;
      const { completion, config } = await chatCompletion({
        messages: [...(input.system ? [{ role: 'system', content: input.system }] : []), { role: 'user', content: input.prompt }],
        ...(input.maxTokens ? { max_tokens: input.maxTokens } : {}),
        ...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
      });
      const choice = completion.choices?.[0];
      const text = choice?.message?.content?.trim();
      if (!text) throw ApplicationFailure.create({ type: LlmErrorType.BadResponse, message: 'language model answered without any text' });
      return {
        text,
        model: completion.model ?? config.model,
        finishReason: choice?.finish_reason ?? null,
        ...(completion.usage
          ? { usage: { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens } }
          : {}),
      };
    },
  };
}

export type LlmActivities = ReturnType<typeof createLlmActivities>;

/**
 * One request to the configured chat-completions endpoint (`body` without `model`, which the configuration supplies),
 * with the errors typed as above. Shared by `generateText` and the ReAct reasoner (src/activities/llm-tools.ts).
 */
export async function chatCompletion(request: Record<string, unknown>): Promise<{ completion: ChatCompletion; config: LlmConfig }> {
  const config = llmConfig();
  if (!config) {
    throw ApplicationFailure.create({
      type: LlmErrorType.NotConfigured,
      message: 'no language model configured (set ORCHESTRA_LLM_BASE_URL and ORCHESTRA_LLM_MODEL)',
      nonRetryable: true,
    });
  }
  const url = `${config.baseUrl}/chat/completions`;
  const ctx = activityContext();
  // Heartbeats while the model answers: a worker killed mid-call is noticed within the short heartbeat timeout
  // (src/shared/recovery.ts), not at the 90 s start-to-close.
  return whileWaiting(ctx, () => postCompletion(url, config, request, ctx));
}

async function postCompletion(url: string, config: LlmConfig, request: Record<string, unknown>, ctx: Context | undefined): Promise<{ completion: ChatCompletion; config: LlmConfig }> {
  const signals = [AbortSignal.timeout(config.timeoutMs), ...(ctx ? [ctx.cancellationSignal] : [])];
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: config.model, ...request }),
      signal: AbortSignal.any(signals),
    });
  } catch (err) {
    if (ctx?.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
    throw ApplicationFailure.create({
      type: LlmErrorType.Unavailable,
      message: redact(`language model at ${redactUrl(config.baseUrl)} unreachable: ${describeFetchError(err)}`),
    });
  }
  const body = await response.text();
  if (!response.ok) {
    const retryable = response.status >= 500 || RETRYABLE_STATUS.has(response.status);
    throw ApplicationFailure.create({
      type: retryable ? LlmErrorType.Unavailable : LlmErrorType.RequestRejected,
      message: `language model answered HTTP ${response.status}: ${excerpt(body, 300)}`,
      nonRetryable: !retryable,
    });
  }
  let completion: ChatCompletion;
  try {
    completion = JSON.parse(body) as ChatCompletion;
  } catch {
    throw ApplicationFailure.create({ type: LlmErrorType.BadResponse, message: `language model answered non-JSON: ${excerpt(body, 200)}` });
  }
  return { completion, config };
}

export interface ChatCompletion {
  model?: string;
  choices?: Array<{ message?: ChatMessage; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** An assistant message: its text, and the tools it asks to call (OpenAI's function calling). */
export interface ChatMessage {
  content?: string | null;
  tool_calls?: Array<{ id?: string; type?: string; function?: { name?: string; arguments?: string } }>;
}

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called outside an activity (a script)
  }
}

/**
 * The start of a response body for a message, redacted (an endpoint may echo the key or the URL back). Redacted before
 * it is cut, so a secret cannot survive as a fragment at the cut.
 */
function excerpt(body: string, length: number): string {
  return redact(body.slice(0, length + 4_096)).slice(0, length);
}

/** `connect ECONNREFUSED 127.0.0.1:9`, `The operation was aborted due to timeout`, … (never the request headers). */
function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : '';
  return cause ? `${err.message} (${cause})` : err.message;
}
