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
 */
import type { Next, QueryInput, UpdateInput, WorkflowInboundCallsInterceptor, WorkflowInterceptors } from '@temporalio/workflow';
import {
  OpenTelemetryInboundInterceptor, OpenTelemetryInternalsInterceptor, OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';

class RecordedFlagsInboundInterceptor extends OpenTelemetryInboundInterceptor {
  override validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    next(input);
  }

  override async handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>): Promise<unknown> {
    return next(input);
  }
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new RecordedFlagsInboundInterceptor()],
  outbound: [new OpenTelemetryOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
