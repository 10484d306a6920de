/**
 * The local trace file: every finished span as one JSON line, appended by each process that makes spans (the CLI, the
 * worker, `npm start`). `orchestra trace <workflowId>` reads it back. Written by hand because OpenTelemetry's own file
 * exporters (the collector's `file` exporter) live outside the Node SDK; this is the smallest exporter that keeps spans
 * on the machine: no network, no collector.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { orchestraHome } from '../runtime/paths.js';

/** One span as stored in the file. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** Epoch milliseconds. */
  startMs: number;
  endMs: number;
  /** `ok`, `error` or `unset` (OpenTelemetry's status codes). */
  status: 'ok' | 'error' | 'unset';
  message?: string;
  service?: string;
  attributes: Record<string, unknown>;
}

/** Where spans go when no OTLP endpoint is configured: ORCHESTRA_TRACE_FILE, else `<ORCHESTRA_HOME>/traces/spans.jsonl`. */
export function traceFile(): string {
  return path.resolve(process.env.ORCHESTRA_TRACE_FILE ?? path.join(orchestraHome(), 'traces', 'spans.jsonl'));
}

const STATUS = ['unset', 'ok', 'error'] as const;

export function storedSpan(span: ReadableSpan): StoredSpan {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    startMs: hrTimeToMilliseconds(span.startTime),
    endMs: hrTimeToMilliseconds(span.endTime),
    status: STATUS[span.status.code] ?? 'unset',
    ...(span.status.message ? { message: span.status.message } : {}),
    ...(typeof span.resource.attributes['service.name'] === 'string' ? { service: span.resource.attributes['service.name'] } : {}),
    attributes: { ...span.attributes },
  };
}

/**
 * Appends spans to the trace file, one `appendFileSync` (one write to a file opened for appending) per batch, so lines
 * from several processes never interleave. Synchronous on purpose: the batch processor (./tracing.ts) calls it a few
 * times a second at most, and a process that exits right after a flush has its spans on disk.
 */
export class SpanFileExporter implements SpanExporter {
  private dirReady = false;

  constructor(private readonly file: string = traceFile()) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      if (!this.dirReady) fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.dirReady = true;
      fs.appendFileSync(this.file, spans.map((span) => `${JSON.stringify(storedSpan(span))}\n`).join(''));
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {}
}

/** Every span in the file (lines that do not parse, e.g. a torn last line, are skipped). */
export function readSpans(file: string = traceFile()): StoredSpan[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').flatMap((line) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line) as StoredSpan];
    } catch {
      return [];
    }
  });
}
