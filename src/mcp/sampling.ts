/**
 * A server's sampling request (`sampling/createMessage`) answered by the configured language model — the same
 * OpenAI-compatible endpoint blogDraft uses (src/activities/llm.ts). The worker declares the sampling capability only
 * when a model is configured (ORCHESTRA_LLM_BASE_URL and ORCHESTRA_LLM_MODEL); without one it declares none, so a
 * well-behaved server does not ask, and one that asks anyway gets "method not found".
 *
 * Text only: a request with image or audio content, tools or a tool result is declined with InvalidParams naming what
 * is not supported. The conversation is passed as the prompt, each earlier turn prefixed with its role.
 */
import { ErrorCode, McpError, type CreateMessageRequest, type CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import { createLlmActivities, llmConfig } from '../activities/llm.js';

export type SamplingHandler = (server: string, request: CreateMessageRequest['params']) => Promise<CreateMessageResult>;

/** The handler for the model configured in the worker's environment, or undefined when none is configured. */
export function llmSamplingHandler(): SamplingHandler | undefined {
  if (!llmConfig()) return undefined;
  const { generateText } = createLlmActivities();
  return async (server, params) => {
    if (params.tools?.length) throw new McpError(ErrorCode.InvalidParams, `sampling with tools is not supported by Orchestra (asked by "${server}")`);
    const turns = params.messages.map((message) => {
      const blocks = Array.isArray(message.content) ? message.content : [message.content];
      const texts = blocks.map((block) => {
        if (block.type !== 'text') throw new McpError(ErrorCode.InvalidParams, `sampling supports text only; "${server}" sent ${block.type} content`);
        return block.text;
      });
      return { role: message.role, text: texts.join('\n') };
    });
    const prompt = turns.length === 1 && turns[0].role === 'user' ? turns[0].text : turns.map((turn) => `${turn.role}: ${turn.text}`).join('\n\n');
    const generated = await generateText({ system: params.systemPrompt, prompt, maxTokens: params.maxTokens, temperature: params.temperature });
    return {
      role: 'assistant',
      content: { type: 'text', text: generated.text },
      model: generated.model,
      stopReason: generated.finishReason === 'length' ? 'maxTokens' : 'endTurn',
    };
  };
}
