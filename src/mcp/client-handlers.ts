/**
 * What the pool's MCP client answers when a server asks it something. A capability is declared only when the pool
 * was given a handler for it: a server never sends a request that nobody can answer.
 *
 * - Elicitation (form mode): the handler decides; the SDK fills in the defaults the requested schema declares for
 *   fields the answer leaves out (SEP-1034, `applyDefaults`). The worker's handler is per tool call, on the call's own
 *   connection: the calling run's question (src/mcp/elicitation.ts).
 * - Sampling: the handler generates the message (the worker's is the configured LLM, src/mcp/sampling.ts).
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  type ClientCapabilities,
  type ElicitRequest,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { SamplingHandler } from './sampling.js';

export interface ClientHandlers {
  /** Answers a server's form elicitation (accept with content, decline or cancel). `signal` aborts when the request is
   * cancelled or its connection closes: a handler that waits stops then. */
  elicitation?: (server: string, request: ElicitRequest['params'], signal: AbortSignal) => Promise<ElicitResult>;
  /** Generates a message for a server's sampling request. */
  sampling?: SamplingHandler;
}

export function clientCapabilities(handlers: ClientHandlers = {}): ClientCapabilities {
  return {
    ...(handlers.elicitation && { elicitation: { form: { applyDefaults: true } } }),
    ...(handlers.sampling && { sampling: {} }),
  };
}

export function registerClientHandlers(client: Client, server: string, handlers: ClientHandlers = {}): void {
  const { elicitation, sampling } = handlers;
  if (elicitation) client.setRequestHandler(ElicitRequestSchema, (request, extra) => elicitation(server, request.params, extra.signal));
  if (sampling) client.setRequestHandler(CreateMessageRequestSchema, (request) => sampling(server, request.params));
}
