/**
 * The workflow-side tracing interceptors, bundled with the workflow code (see WORKFLOW_INTERCEPTOR_MODULES): the SDK's
 * own OpenTelemetry interceptors, except that update validators and queries are not traced.
 *
 * Why: in SDK 1.24 the inbound interceptor decides whether to trace a validator, an update handler or a query by an
 * internal SDK flag (`OpenTelemetryInterceptorsInstrumentsAllMethods`). The first check marks the flag as used for the
 * rest of the worker's life, and the flag reaches history only with the workflow task that completes next. A validator
 * that rejects an update, or a query, runs in no completed workflow task, so when either is the first to check, the
 * flag is used live but never recorded: the next accepted update then runs traced live and untraced on replay, and its
 * commands come out in another order (a nondeterminism error on a worker restart, a cache eviction or a query that
 * replays). Found by the Web UI browser test: an approval rejected by its validator, then approved; the recorded
 * history `test/histories/accessRequest.rejected-then-approved.json` replays only with this module. Update handlers,
 * signals, activities, child workflows and the run itself are traced as before.
 *
 * Spans leave the sandbox through the SDK's `exporter` sink as in the SDK, but from a span processor of our own
 * (SinkSpanProcessor) instead of the SDK's SimpleSpanProcessor: the SDK's wraps each export in promises, and the
 * workflow sandbox captures a stack trace (with source-map lookups) for every promise created in workflow code, which
 * at 1,000 concurrent activities made span export a visible share of the workflow thread's time (profile: ~0.5 s of
 * ~11 s at 1,000 branches). The same spans, the same sink calls at the same moments; only the promises are gone.
 * For the same reason the run's span and the activities' spans are made without the SDK's nested async wrappers
 * (RecordedFlagsInboundInterceptor.execute, SinkOutboundInterceptor): same spans, fewer promises, and the workflow code
 * resumes in the microtask turn it did, or where it cannot matter (see each).
 */
// First: the SDK's patch of the sandbox's globals (`performance`) that OpenTelemetry's modules read when they load.
import '@temporalio/interceptors-opentelemetry/lib/workflow/runtime.js';
import { context as otelContext, SpanStatusCode, trace, TraceFlags, type Context, type Span as ApiSpan, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { extractContextFromHeaders, headersWithContext } from '@temporalio/interceptors-opentelemetry/lib/instrumentation.js';
import {
  OpenTelemetryInboundInterceptor, OpenTelemetryInternalsInterceptor, OpenTelemetryOutboundInterceptor, SPAN_DELIMITER, SpanName,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import {
  ApplicationFailure, ContinueAsNew, patched, workflowInfo, type ActivityInput, type LocalActivityInput, type Next, type QueryInput,
  type UpdateInput, type WorkflowExecuteInput, type WorkflowInboundCallsInterceptor, type WorkflowInterceptors,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { SdkFlags } from '@temporalio/workflow/lib/flags.js';
import { getActivator } from '@temporalio/workflow/lib/global-attributes.js';
import { SpanExporter } from '@temporalio/interceptors-opentelemetry/lib/workflow/span-exporter.js';
import { laterBy } from '../workflows/support/one-promise.js';

/** Hands each sampled span to the sink as it ends, synchronously (the SDK's SimpleSpanProcessor, without its promises). */
class SinkSpanProcessor implements SpanProcessor {
  private readonly exporter = new SpanExporter();

  onStart(_span: Span, _context: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.exporter.export([span], () => undefined);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

// Module state is per workflow (the sandbox evaluates the bundle's modules for each run), as in the SDK's own module.
let sinkTracer: Tracer | undefined;
const tracer = () => (sinkTracer ??= new BasicTracerProvider({ spanProcessors: [new SinkSpanProcessor()] }).getTracer('@temporalio/interceptor-workflow'));

class RecordedFlagsInboundInterceptor extends OpenTelemetryInboundInterceptor {
  protected override readonly tracer = tracer();

  /**
   * The run's `RunWorkflow:<type>` span as the SDK makes it (parent from the start request's headers, ContinueAsNew
   * not an error), without its four nested async functions: one `then` ends the span, and a few plain turns
   * (RESULT_TURNS) hand the run's result to the SDK in the same microtask turn as its chain did, so whatever else the
   * run schedules in the activation it ends in keeps its place before or after the completion. 4 or 5 promises per run
   * instead of 8 or 10. Histories from before the SDK's interceptors stopped yielding keep the SDK's own path.
   */
  override execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    let context: Context | undefined;
    try {
      context = extractContextFromHeaders(input.headers);
    } catch (error) {
      return Promise.reject(error); // as from the SDK's async execute
    }
    if (!getActivator().hasFlag(SdkFlags.OpenTelemetryInterceporsAvoidsExtraYields)) return super.execute(input, next);
    const parent = context ?? otelContext.active();
    const span = this.tracer.startSpan(`${SpanName.WORKFLOW_EXECUTE}${SPAN_DELIMITER}${workflowInfo().workflowType}`, undefined, parent);
    const ended = (error: unknown) => endSpan(span, error instanceof ContinueAsNew ? undefined : error);
    let settled: Promise<unknown>;
    try {
      settled = otelContext.with(trace.setSpan(parent, span), () => next(input)).then((result) => {
        endSpan(span);
        return result;
      }, (error: unknown) => {
        ended(error);
        throw error;
      });
    } catch (error) {
      ended(error);
      settled = Promise.reject(error);
    }
    return laterBy(settled, RESULT_TURNS + (context ? 1 : 0));
  }

  override validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    next(input);
  }

  override async handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>): Promise<unknown> {
    return next(input);
  }
}

/**
 * The turns the SDK's `execute` took after its span's own (its `instrument`, the active span's callback and its own
 * `await`; one more when the run's headers carry a parent, for `context.with`'s callback). test/one-promise.test.ts
 * counts them on the SDK's `instrument`.
 */
export const RESULT_TURNS = 3;

/** Ends a span as the SDK's `instrument` does: ok, or the error (a benign ApplicationFailure leaves the status unset). */
function endSpan(span: ApiSpan, error?: unknown): void {
  if (error === undefined) {
    span.setStatus({ code: SpanStatusCode.OK });
  } else {
    const benign = error instanceof ApplicationFailure && error.category === 'BENIGN';
    span.setStatus({ code: benign ? SpanStatusCode.UNSET : SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.recordException(error instanceof Error ? error : String(error));
  }
  span.end();
}

/** The patch under which activity spans are made without the SDK's async wrappers (see scheduleActivity). */
export const PROMISE_LIGHT_ACTIVITY_SPANS = 'orchestra-promise-light-activity-spans';

class SinkOutboundInterceptor extends OpenTelemetryOutboundInterceptor {
  protected override readonly tracer = tracer();

  /**
   * The same `StartActivity:<type>` span, parent and headers as the SDK's, made without its five nested async functions
   * (each awaited promise paid the sandbox's stack capture: ~2.4 s of the workflow thread's ~11 s at 1,000 branches).
   * The activity's result then reaches the workflow a few microtask turns sooner than through the SDK's chain, which can
   * reorder continuations of jobs in one activation (an activity and a timer settling together): so runs that began
   * under the SDK's interceptor keep it (patched() is false while replaying them), and new runs record the patch.
   */
  override scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    if (!patched(PROMISE_LIGHT_ACTIVITY_SPANS)) return super.scheduleActivity(input, next);
    return this.startActivitySpan(input, next);
  }

  /**
   * A local activity's span, made the same way (the SDK's wrappers cost about ten promises per call). Without a patch:
   * every local activity in Orchestra's workflows is awaited on its own, with nothing else of the run in flight
   * (orderSaga's and the choreography services' catalogue lookup, the bench's local pipeline), so reaching the caller
   * sooner than through the SDK's chain cannot change the order of anything it schedules. Histories from before the
   * SDK traced local activities, or from before its interceptors stopped yielding, keep the SDK's own path.
   */
  override scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    const activator = getActivator();
    const sdkPath = !activator.hasFlag(SdkFlags.OpenTelemetryInterceptorsTracesLocalActivities)
      || !activator.hasFlag(SdkFlags.OpenTelemetryInterceporsAvoidsExtraYields);
    return sdkPath ? super.scheduleLocalActivity(input, next) : this.startActivitySpan(input, next);
  }

  /** `StartActivity:<type>` as the SDK makes it (span, parent, headers), with one promise: the `then` that ends the span. */
  private startActivitySpan<I extends ActivityInput | LocalActivityInput>(input: I, next: (input: I) => Promise<unknown>): Promise<unknown> {
    const span = this.tracer.startSpan(`${SpanName.ACTIVITY_START}${SPAN_DELIMITER}${input.activityType}`);
    let scheduled: Promise<unknown>;
    try {
      scheduled = otelContext.with(trace.setSpan(otelContext.active(), span), () => next({ ...input, headers: headersWithContext(input.headers) }));
    } catch (error) {
      endSpan(span, error);
      return Promise.reject(error);
    }
    return scheduled.then((result) => {
      endSpan(span);
      return result;
    }, (error: unknown) => {
      endSpan(span, error);
      throw error;
    });
  }
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new RecordedFlagsInboundInterceptor()],
  outbound: [new SinkOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
