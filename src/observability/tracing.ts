/**
 * OpenTelemetry tracing through Temporal's own interceptors: one trace from the client that starts a run (the CLI, the
 * API, `npm start`'s demo) through the workflow and its activities into each MCP tool call, whose request carries the
 * W3C `traceparent` in `_meta` so a server that traces joins it.
 *
 * Where spans go, from the standard OpenTelemetry environment variables:
 *   - `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`: nowhere;
 *   - `OTEL_TRACES_EXPORTER=otlp`, or an `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: OTLP over
 *     HTTP (the exporter reads its own `OTEL_EXPORTER_OTLP_*` settings: headers, timeout, …);
 *   - otherwise: the local trace file (./span-file.ts) that `orchestra trace <workflowId>` prints. Nothing leaves the
 *     machine unless configured.
 */
import { fileURLToPath } from 'node:url';
import * as otel from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider, BatchSpanProcessor, NoopSpanProcessor, type BufferConfig, type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerOptions } from '@temporalio/worker';
import { SpanFileExporter, traceFile } from './span-file.js';

/** The workflow-side interceptors, bundled with the workflow code (every bundle: workers, prebuilt, replay): the SDK's,
 *  less the tracing of validators and queries (./workflow-interceptors.ts says why). */
export const WORKFLOW_INTERCEPTOR_MODULES = [fileURLToPath(new URL('./workflow-interceptors.ts', import.meta.url))];

export type TraceDestination = { kind: 'off' } | { kind: 'otlp'; endpoint: string } | { kind: 'file'; file: string };

/** Thrown for an OTEL_* setting Orchestra cannot honour; its message names the variable. */
export class TracingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TracingConfigError';
  }
}

/** Where this process's spans go (see the module comment). */
export function traceDestination(env: NodeJS.ProcessEnv = process.env): TraceDestination {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return { kind: 'off' };
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
  const unsupported = exporters.filter((e) => e !== 'otlp' && e !== 'none');
  if (unsupported.length) {
    throw new TracingConfigError(`OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER}: Orchestra exports traces with "otlp" ` +
      `(or "none"); unsupported: ${unsupported.join(', ')}`);
  }
  if (exporters.includes('none')) return { kind: 'off' };
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint || exporters.includes('otlp')) return { kind: 'otlp', endpoint: endpoint ?? 'http://localhost:4318 (the OTLP default)' };
  return { kind: 'file', file: traceFile() };
}

export interface Tracing {
  destination: TraceDestination;
  provider: BasicTracerProvider;
  processor: SpanProcessor;
  /** Sends what is buffered (file and OTLP batches); call before the process exits. */
  flush(): Promise<void>;
}

let installed: Tracing | undefined;

/**
 * Sets up the process's tracer provider once (W3C propagation, async-local context so spans nest across awaits).
 * Later calls return the same one.
 */
export function setupTracing(env: NodeJS.ProcessEnv = process.env): Tracing {
  if (installed) return installed;
  const destination = traceDestination(env);
  const processor: SpanProcessor = destination.kind === 'otlp' ? new BatchSpanProcessor(new OTLPTraceExporter())
    : destination.kind === 'file' ? new BatchSpanProcessor(new SpanFileExporter(destination.file), fileBatching(env))
      : new NoopSpanProcessor();
  const resource = Resource.default().merge(new Resource({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? 'orchestra' }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  provider.register({ contextManager: new AsyncLocalStorageContextManager(), propagator: new W3CTraceContextPropagator() });
  installed = { destination, provider, processor, flush: () => provider.forceFlush() };
  // The batch timer does not hold the process open: a process that ends on its own writes what is buffered first (one
  // that calls process.exit flushes itself: the worker's and `npm start`'s shutdown, the CLI's Orchestra.close()).
  process.once('beforeExit', () => void flushTracing());
  return installed;
}

/**
 * How the trace file's spans are batched: written every FILE_SCHEDULE_DELAY_MS (or once 512 are waiting), one append
 * per batch, so a worker running thousands of activities at once does not write a line per span (a synchronous append
 * per span took half the wall time of a 1,000-branch fan-out). The delay is short so that `orchestra trace`, run right
 * after a run ends, finds its spans (the command also waits that long for a trace's missing parents). The standard
 * OTEL_BSP_* variables override these; the queue holds more than the SDK's default 2,048 so a burst at 10,000
 * branches is not dropped.
 */
export const FILE_SCHEDULE_DELAY_MS = 100;
const FILE_MAX_QUEUE_SIZE = 16_384;

function fileBatching(env: NodeJS.ProcessEnv): BufferConfig {
  return {
    ...(env.OTEL_BSP_SCHEDULE_DELAY ? {} : { scheduledDelayMillis: FILE_SCHEDULE_DELAY_MS }),
    ...(env.OTEL_BSP_MAX_QUEUE_SIZE ? {} : { maxQueueSize: FILE_MAX_QUEUE_SIZE }),
  };
}

/** Flushes the process's spans if tracing was set up (no-op otherwise). */
export async function flushTracing(): Promise<void> {
  await installed?.flush().catch(() => undefined);
}

/** The client side: a span per start, signal, update, query, carried to the workflow in Temporal headers. */
export function tracingClientInterceptors(): WorkflowClientInterceptor[] {
  setupTracing();
  return [new OpenTelemetryWorkflowClientInterceptor()];
}

/**
 * The worker side, merged into `options`: workflow interceptors (bundled), activity interceptors, and the sink that
 * exports the workflow's spans (never during replay, so a replayed run adds no spans).
 */
export function withTracing<T extends Partial<WorkerOptions>>(options: T): T {
  const tracing = setupTracing();
  const interceptors = options.interceptors ?? {};
  return {
    ...options,
    interceptors: {
      ...interceptors,
      workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES, ...(interceptors.workflowModules ?? [])],
      activity: [
        (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
        ...(interceptors.activity ?? []),
      ],
    },
    sinks: { ...options.sinks, exporter: makeWorkflowExporter(tracing.processor, tracing.provider.resource as Resource) } as InjectedSinks<never>,
  };
}

/** The active trace context as MCP `_meta` fields (`traceparent`, `tracestate`); empty when nothing is traced. */
export function traceMeta(): Record<string, string> {
  const carrier: Record<string, string> = {};
  otel.propagation.inject(otel.context.active(), carrier);
  return carrier;
}

export const tracer = () => otel.trace.getTracer('orchestra');
