/**
 * A run's traces as a tree: every trace that touched the workflow id (the client's start, the workflow, its activities
 * and their MCP calls; signals and updates sent to it), each span with its start offset, duration and status.
 */
import type { StoredSpan } from './span-file.js';

const WORKFLOW_ID_ATTRIBUTE = 'temporalWorkflowId';

export interface TraceNode {
  span: StoredSpan;
  children: TraceNode[];
}

/** The ids of the traces with a span about this workflow, in the order they started. */
export function tracesOf(spans: StoredSpan[], workflowId: string): string[] {
  const first = new Map<string, number>();
  for (const span of spans) {
    if (span.attributes[WORKFLOW_ID_ATTRIBUTE] !== workflowId) continue;
    first.set(span.traceId, Math.min(first.get(span.traceId) ?? Infinity, span.startMs));
  }
  return [...first.entries()].sort((a, b) => a[1] - b[1]).map(([traceId]) => traceId);
}

/** The spans of one trace as trees (a span whose parent is not in the file is a root), children in start order. */
export function traceTree(spans: StoredSpan[], traceId: string): TraceNode[] {
  const own = spans.filter((span) => span.traceId === traceId);
  const nodes = new Map(own.map((span) => [span.spanId, { span, children: [] as TraceNode[] }]));
  const roots: TraceNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const byStart = (a: TraceNode, b: TraceNode) => a.span.startMs - b.span.startMs;
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}

export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** The tree as aligned lines: `START  DURATION  STATUS  SPAN`, names indented with box-drawing branches. */
export function renderTrace(roots: TraceNode[]): string[] {
  const rows: string[][] = [];
  const origin = Math.min(...roots.map((root) => root.span.startMs));
  const walk = (node: TraceNode, prefix: string, branch: string) => {
    const { span } = node;
    const error = span.status === 'error' && span.message ? ` — ${span.message}` : '';
    rows.push([`+${durationText(span.startMs - origin)}`, durationText(span.endMs - span.startMs), span.status, `${prefix}${branch}${span.name}${error}`]);
    const childPrefix = prefix + (branch === '└─ ' ? '   ' : branch === '├─ ' ? '│  ' : '');
    node.children.forEach((child, i) => walk(child, childPrefix, i === node.children.length - 1 ? '└─ ' : '├─ '));
  };
  for (const root of roots) walk(root, '', '');
  const widths = [0, 1, 2].map((i) => Math.max(['START', 'DURATION', 'STATUS'][i].length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `${cells[0].padStart(widths[0])}  ${cells[1].padStart(widths[1])}  ${cells[2].padEnd(widths[2])}  ${cells[3]}`;
  return [line(['START', 'DURATION', 'STATUS', 'SPAN']), ...rows.map(line)];
}

/** Whether some span of these traces names a parent that is not in the file (yet: it may still be in a batch). */
export function missingParents(spans: StoredSpan[], traceIds: string[]): boolean {
  const own = spans.filter((span) => traceIds.includes(span.traceId));
  const ids = new Set(own.map((span) => span.spanId));
  return own.some((span) => span.parentSpanId !== undefined && !ids.has(span.parentSpanId));
}
