/**
 * What an MCP tool call records in workflow history: one clean value per call — the server's structured content when
 * it gives one, else its text parsed as JSON, else the text itself. (Before, each result was stored three times —
 * content blocks, structured content and text — so the Web UI previewed escaped JSON.) Pure: the activity, workflow
 * code and the tests share it.
 */

/** A tool result as recorded: any JSON value. */
export type ToolResult = unknown;

interface McpResult {
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

/** The one value to record for an MCP `tools/call` result. */
export function toolResultOf(result: McpResult): ToolResult {
  if (result.structuredContent) return result.structuredContent;
  const text = result.content.flatMap((block) => (block.type === 'text' && block.text !== undefined ? [block.text] : [])).join('\n');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * A recorded result as workflow code reads it. Runs recorded before the clean shape hold `{content, structuredContent?,
 * text}`; they are read as the value they stood for, so replaying them (and runs still in flight) works unchanged.
 */
export function recordedToolResult(recorded: unknown): ToolResult {
  if (isLegacy(recorded)) return toolResultOf(recorded);
  return recorded;
}

/** A text tool's text (the filesystem server's `{content: "…"}`, or a plain string); other values as JSON. */
export function toolText(result: ToolResult): string {
  if (typeof result === 'string') return result;
  const content = (result as { content?: unknown } | null)?.content;
  return typeof content === 'string' ? content : JSON.stringify(result);
}

function isLegacy(value: unknown): value is McpResult & { text: string } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { content?: unknown }).content)
    && typeof (value as { text?: unknown }).text === 'string';
}
