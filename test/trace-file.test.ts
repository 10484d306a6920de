/**
 * The local trace file: spans are written in batches (src/observability/tracing.ts), a flush puts every finished span
 * on disk, and `orchestra trace` can tell a run whose spans are not all written yet (a span whose parent is missing).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readSpans, type StoredSpan } from '../src/observability/span-file.js';
import { missingParents } from '../src/observability/trace-tree.js';
import { flushTracing, setupTracing, tracer } from '../src/observability/tracing.js';
import { tempDir } from './helpers/mcp.js';

const span = (spanId: string, parentSpanId?: string): StoredSpan => ({
  traceId: 't1', spanId, ...(parentSpanId ? { parentSpanId } : {}), name: spanId, startMs: 0, endMs: 1, status: 'ok', attributes: {},
});

describe('trace file', () => {
  it('a flush writes every ended span, one line each, nested as made', async () => {
    process.env.ORCHESTRA_TRACE_FILE = path.join(tempDir('trace-file'), 'spans.jsonl');
    const tracing = setupTracing({}); // no OTEL_* settings: the trace file
    assert.equal(tracing.destination.kind, 'file');
    if (tracing.destination.kind !== 'file') return;
    const written = tracing.destination.file;
    const before = readSpans(written).length;
    tracer().startActiveSpan('outer', (outer) => {
      for (let i = 0; i < 3; i++) tracer().startSpan(`inner-${i}`).end();
      outer.end();
    });
    await flushTracing();
    const spans = readSpans(written).slice(before);
    assert.deepEqual(spans.map((s) => s.name).sort(), ['inner-0', 'inner-1', 'inner-2', 'outer']);
    const outer = spans.find((s) => s.name === 'outer')!;
    assert.ok(spans.filter((s) => s.name.startsWith('inner')).every((s) => s.parentSpanId === outer.spanId && s.traceId === outer.traceId));
    assert.equal(missingParents(spans, [outer.traceId]), false);
  });

  it('a trace with a span whose parent is not in the file is incomplete', () => {
    assert.equal(missingParents([span('root'), span('child', 'root')], ['t1']), false);
    assert.equal(missingParents([span('child', 'root')], ['t1']), true);
    assert.equal(missingParents([span('child', 'root')], ['other']), false);
  });
});
