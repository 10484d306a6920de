/**
 * Calling MCP tools from workflow code: every call is the `callTool` activity, named in the Web UI by server, tool and
 * key argument, retried by a policy that fits what the call is (a read, or a write carrying an idempotency key).
 */
import { patched, proxyActivities, proxyLocalActivities, workflowInfo, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import type { ToolActivities } from '../../activities/mcp.js';
import { describeToolCall } from '../../shared/tool-call-description.js';
import type { ToolCall } from '../../shared/tool-call.js';
import { recordedToolResult, type ToolResult } from '../../shared/tool-result.js';
import { recoveryTimeouts } from '../../shared/recovery.js';
import { retryPolicyFor, ROUTE_AROUND_OPEN_BREAKER } from '../../shared/tool-retry.js';
import { toMs } from '../../schemas/common.js';
import { queueFor } from './queues.js';
import { acceptServerQuestions } from './questions.js';
import { awaitThen } from './one-promise.js';

const activities = proxyActivities<ToolActivities>(recoveryTimeouts('tool'));
/** Short reads run in the workflow's own worker (see CallOptions.local): no heartbeat, a dead worker's call is run again
 * when its workflow task times out. */
const localActivities = proxyLocalActivities<ToolActivities>({ startToCloseTimeout: recoveryTimeouts('tool').startToCloseTimeout });

/** The patch that lets short reads run as local activities: runs started before it keep their recorded activity tasks. */
export const LOCAL_READS_PATCH = 'local-short-reads';

/** A call that lets its server ask a person may take the question's timeout plus this. @default one minute */
const CALL_TIME_BESIDES_QUESTIONS_MS = 60_000;

export type CallOptions = Omit<ActivityOptions, 'summary'> & {
  /** Declares the call a read, so it is retried freely (the server's readOnlyHint says the same). */
  readOnly?: boolean;
  /** The step in words (`charge $59.97 to cust-012`): the Web UI shows `store.charge_payment — charge $59.97 to cust-012`.
   * Without it, the server, tool and key argument (`store.get_customer customer_id=cust-001`). */
  summary?: string;
  /** The caller has a fallback (a tolerated branch failure, a `catch` step, a fallback response): while the server's
   * circuit breaker is open the call fails at once (`BreakerOpen`) instead of waiting for the breaker to half-open. */
  hasFallback?: boolean;
  /**
   * A short read (with `readOnly`): run it as a local activity, in the worker that runs the workflow, inside its
   * workflow task. It skips the activity task's round trip through the server (three history events and a workflow
   * task fewer; the result is one marker event), at the price of what only activity tasks have: heartbeats (a dead
   * worker's call is run again when its workflow task times out), a capability queue's own workers, and a server
   * question (a call that may ask a person always runs as an activity task). For catalogue and record lookups, not for
   * searches that may run long. The Web UI shows it as a local activity with the same summary.
   */
  local?: boolean;
};

export type { ToolResult };
export { toolText } from '../../shared/tool-result.js';

/**
 * Calls a tool of a configured MCP server as a durable activity; returns its result (one clean value). Not `async`:
 * one promise per call instead of two, resolved in the same microtask turn (see ./one-promise.ts).
 */
export function callTool(call: ToolCall, options: CallOptions = {}): Promise<ToolResult> {
  return awaitThen(() => scheduleToolCall(call, options), recordedToolResult);
}

/** The `callTool` activity (local for a short read), scheduled now; its promise settles with the activity's result. */
function scheduleToolCall(call: ToolCall, options: CallOptions): Promise<unknown> {
  const { readOnly: _readOnly, summary, hasFallback, retry: _retry, local, ...activityOptions } = options;
  const askFor = call.elicitation ? toMs(call.elicitation.timeout) : undefined;
  if (askFor) {
    acceptServerQuestions(); // the server may ask a person during this call: the run takes the question
    activityOptions.startToCloseTimeout ??= askFor + CALL_TIME_BESIDES_QUESTIONS_MS;
  }
  const policy = retryPolicyOf(call, options);
  const retry = hasFallback ? { ...policy, nonRetryableErrorTypes: [...policy.nonRetryableErrorTypes ?? [], ...ROUTE_AROUND_OPEN_BREAKER] } : policy;
  if (local && !askFor && patched(LOCAL_READS_PATCH)) {
    const { startToCloseTimeout, scheduleToCloseTimeout, cancellationType } = activityOptions;
    return localActivities.callTool.executeWithOptions({
      summary: summaryOf(call, summary), retry,
      ...(startToCloseTimeout ? { startToCloseTimeout } : {}),
      ...(scheduleToCloseTimeout ? { scheduleToCloseTimeout } : {}),
      ...(cancellationType ? { cancellationType } : {}),
    }, [call]);
  }
  return activities.callTool.executeWithOptions({
    summary: summaryOf(call, summary),
    retry,
    taskQueue: queueFor('tools'),
    ...activityOptions,
  }, [call]);
}

/** The retry policy `callTool` runs a call with: the one given, else what the call's retry safety allows. */
export function retryPolicyOf(call: ToolCall, options: Pick<CallOptions, 'readOnly' | 'retry'> = {}): RetryPolicy {
  return options.retry ?? retryPolicyFor(options.readOnly ? { readOnlyHint: true } : undefined, call.idempotencyKey !== undefined);
}

/** One style for every tool call's Web UI summary: `server.tool`, then the step in words when there is one. */
export function summaryOf(call: ToolCall, phrase?: string): string {
  const head = `${call.server}.${call.tool}`;
  if (!phrase) return describeToolCall(call);
  return phrase.startsWith(head) ? phrase : `${head} — ${phrase}`;
}

/**
 * The patch that scoped idempotency keys to the run chain (see "Changing a workflow safely" in the README). Runs
 * started before it keep their `<workflowId>:<step>` keys to the end, so a step they recall finds its first result.
 */
export const RUN_SCOPED_KEYS_PATCH = 'run-scoped-idempotency-keys';

/**
 * The idempotency key of one step of this run chain: `<firstExecutionRunId>:<step>`. The same step retried, replayed
 * after a crash, or repeated after continue-as-new sends the same key, so the server applies it once; a later run that
 * reuses the workflow id (Temporal allows it once the first run closed) has its own keys, so its steps take effect
 * instead of replaying the earlier run's results.
 */
export function stepKey(step: string): string {
  const info = workflowInfo();
  return patched(RUN_SCOPED_KEYS_PATCH) ? `${info.firstExecutionRunId}:${step}` : `${info.workflowId}:${step}`;
}

/**
 * Calls a tool of Orchestra's store server and returns its structured result. Not `async`, and its `.then` keeps the
 * turn its `await` took (./one-promise.ts): callers resume when they did before.
 */
export function store<T = Record<string, unknown>>(
  tool: string,
  args: Record<string, unknown>,
  options: CallOptions & { idempotencyKey?: string } = {},
): Promise<T> {
  return awaitThen(() => {
    const { idempotencyKey, ...callOptions } = options;
    return callTool({ server: 'store', tool, args, idempotencyKey }, callOptions);
  }, (result) => result as T);
}
