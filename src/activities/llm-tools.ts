/**
 * The ReAct reasoner's language model: one chat completion with OpenAI-compatible tool calling (`tools` as functions,
 * the run so far as assistant tool calls and tool results). The model either asks for one tool call — the next act — or
 * answers in text — the final answer. Same endpoint, configuration, redaction and typed errors as `generateText`
 * (src/activities/llm.ts); the response is an activity result, so a replay never asks the model again.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { validate } from '../shared/validation.js';
import { chatCompletion, LlmErrorType } from './llm.js';

/** A tool offered to the model: an OpenAI function (`name` matches ^[A-Za-z0-9_-]{1,64}$). */
export const ModelTool = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "_" or "-"'),
  description: z.string().max(2_000).optional(),
  parameters: z.record(z.string(), z.unknown()),
});

/** One earlier step as the model sees it: the call it asked for and what came back (or why it did not run). */
export const ModelTurn = z.object({
  callId: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  observation: z.string(),
});

export const ChooseToolCallInput = z.object({
  system: z.string().max(20_000),
  goal: z.string().min(1).max(20_000),
  tools: z.array(ModelTool).min(1).max(128),
  transcript: z.array(ModelTurn).max(100).default([]),
  maxTokens: z.number().int().min(1).max(32_000).optional(),
});
export type ChooseToolCallInput = z.input<typeof ChooseToolCallInput>;

/** The model's next move: act (one tool call; `args` undefined with `argsProblem` when its JSON did not parse) or finish. */
export type ModelStep =
  | { kind: 'act'; callId: string; name: string; args?: Record<string, unknown>; argsProblem?: string; thought?: string; model: string }
  | { kind: 'finish'; answer: string; model: string };

export function createLlmToolActivities() {
  return {
    async chooseToolCall(raw: ChooseToolCallInput): Promise<ModelStep> {
      const parsed = validate(ChooseToolCallInput, raw);
      if (!parsed.ok) throw ApplicationFailure.nonRetryable(`chooseToolCall: invalid input: ${parsed.message}`, 'InvalidInput');
      const input = parsed.value;
      const messages: unknown[] = [{ role: 'system', content: input.system }, { role: 'user', content: input.goal }];
      for (const turn of input.transcript) {
        messages.push({
          role: 'assistant',
          content: null,
          tool_calls: [{ id: turn.callId, type: 'function', function: { name: turn.name, arguments: turn.arguments } }],
        });
        messages.push({ role: 'tool', tool_call_id: turn.callId, content: turn.observation });
      }
      const { completion, config } = await chatCompletion({
        messages,
        tools: input.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description ?? '', parameters: t.parameters } })),
        tool_choice: 'auto',
        ...(input.maxTokens ? { max_tokens: input.maxTokens } : {}),
        temperature: 0,
      });
      const model = completion.model ?? config.model;
      const message = completion.choices?.[0]?.message;
      const call = message?.tool_calls?.find((c) => c.function?.name);
      const text = message?.content?.trim();
      if (call?.function?.name) {
        const { args, problem } = parseArguments(call.function.arguments);
        return {
          kind: 'act',
          callId: call.id || `call-${input.transcript.length + 1}`,
          name: call.function.name,
          ...(args ? { args } : {}),
          ...(problem ? { argsProblem: problem } : {}),
          ...(text ? { thought: text } : {}),
          model,
        };
      }
      if (!text) throw ApplicationFailure.create({ type: LlmErrorType.BadResponse, message: 'language model answered with neither a tool call nor text' });
      return { kind: 'finish', answer: text, model };
    },
  };
}

export type LlmToolActivities = ReturnType<typeof createLlmToolActivities>;

function parseArguments(raw: string | undefined): { args?: Record<string, unknown>; problem?: string } {
  if (raw === undefined || raw.trim() === '') return { args: {} };
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { args: value as Record<string, unknown> };
    return { problem: 'the arguments are not a JSON object' };
  } catch (err) {
    return { problem: `the arguments are not valid JSON: ${(err as Error).message}` };
  }
}
