/**
 * One MCP tool call, observed: a client span `MCP server.tool` under the activity's span (its `traceparent` goes to the
 * server in the request's `_meta`), and the call counted and timed by server, tool and outcome.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { redact } from '../shared/redact.js';
import { toolCallDuration, toolCalls } from './metrics.js';
import { traceMeta, tracer } from './tracing.js';

export type ToolCallOutcome = 'ok' | 'tool_error' | 'exception' | 'cancelled';

/**
 * Runs `send` (the MCP request, given the `_meta` to carry) inside the span. `cancelled()` tells a cancellation from a
 * failure when `send` throws.
 */
export function observeToolCall<T extends { isError?: boolean }>(
  server: string,
  tool: string,
  send: (meta: Record<string, string>) => Promise<T>,
  cancelled: () => boolean = () => false,
): Promise<T> {
  const started = performance.now();
  return tracer().startActiveSpan(`MCP ${server}.${tool}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'mcp.server': server, 'mcp.tool': tool, 'rpc.system': 'mcp', 'rpc.method': 'tools/call' },
  }, async (span) => {
    let outcome: ToolCallOutcome = 'ok';
    try {
      const result = await send(traceMeta());
      if (result.isError) {
        outcome = 'tool_error';
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'the tool reported an error' });
      } else {
        span.setStatus({ code: SpanStatusCode.OK });
      }
      return result;
    } catch (err) {
      outcome = cancelled() ? 'cancelled' : 'exception';
      span.setStatus({ code: SpanStatusCode.ERROR, message: redact(err instanceof Error ? `${err.name}: ${err.message}` : String(err)) });
      throw err;
    } finally {
      span.setAttribute('mcp.outcome', outcome);
      span.end();
      const labels = { server, tool, outcome };
      toolCalls.inc(labels);
      toolCallDuration.observe(labels, (performance.now() - started) / 1000);
    }
  });
}
