/**
 * The ReAct run's tools as a language model sees them (OpenAI functions) and its earlier steps as the model's
 * transcript. Function names are `<server>__<tool>` (letters, digits, `_`, `-`; at most 64 characters); the engine's
 * own `idempotency_key` argument is hidden from the model and supplied by the workflow.
 */
import type { ChooseToolCallInput } from '../../activities/llm-tools.js';
import type { InputSchema, ToolOption } from '../../react/tools.js';

export function functionName(tool: Pick<ToolOption, 'server' | 'name'>): string {
  return `${tool.server}__${tool.name}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

export function modelTools(tools: readonly ToolOption[]): ChooseToolCallInput['tools'] {
  return tools.map((tool) => ({
    name: functionName(tool),
    description: (tool.description ?? tool.name).slice(0, 2_000),
    parameters: withoutEngineArguments(tool.inputSchema),
  }));
}

/** The model's arguments without the one the engine supplies (a model-made key would not match the run's). */
export function withoutEngineKey(args: Record<string, unknown>): Record<string, unknown> {
  const { idempotency_key: _key, ...rest } = args;
  return rest;
}

function withoutEngineArguments(schema: InputSchema): Record<string, unknown> {
  const { idempotency_key: _key, ...properties } = schema.properties ?? {};
  return {
    ...schema,
    type: 'object',
    properties,
    ...(schema.required ? { required: schema.required.filter((name) => name !== 'idempotency_key') } : {}),
  };
}

/** A result or error as the model reads it: JSON, at most `max` characters. */
export function observationText(value: unknown, max = 4_000): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
