/**
 * What the leaf steps do, as activities, timers, approvals and child workflows: `call`, `wait`, `approval` and
 * `workflow`. Every Web UI activity summary starts with the step's path, so a person sees which step it serves.
 */
import { ActivityFailure, ApplicationFailure, executeChild, proxyActivities, sleep, workflowInfo, type RetryPolicy } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { Definition, Step } from '../../engine/definition.js';
import { conditionExpression, evaluate, resolve } from '../../engine/expressions.js';
import { callTarget, type RegisteredActivity } from '../../engine/registry.js';
import { recoveryTimeouts, type ActivityKind } from '../../shared/recovery.js';
import { describeToolCall } from '../../shared/tool-call-description.js';
import { NON_RETRYABLE_TOOL_ERRORS } from '../../shared/tool-retry.js';
import { ApprovalGate } from '../support/approval.js';
import type { Semaphore } from '../support/concurrency.js';
import type { ProgressReporter } from '../support/progress.js';
import { deadLetter } from '../support/dead-letters.js';
import { callTool, retryPolicyOf, stepKey } from '../support/tools.js';

/** Registered activities keep their own retry default: a few attempts, as the text activities have everywhere. */
const activities = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/** What each registered activity waits on, which sizes its timeouts (src/shared/recovery.ts); the rest are text. */
const WAITS_ON: Partial<Record<RegisteredActivity, ActivityKind>> = {
  generateText: 'llm',
  listTools: 'tool',
  fsReadTextFile: 'tool',
  fsWriteFile: 'tool',
  fsListDirectory: 'tool',
  fsSearchFiles: 'tool',
};


type Invocable = { executeWithOptions(options: object, args: unknown[]): Promise<unknown> };

/** A step's `retry`, as a Temporal retry policy; tool errors no retry can fix stay non-retryable. */
function retryPolicy(retry: NonNullable<Step['retry']>): RetryPolicy {
  return { ...retry, nonRetryableErrorTypes: [...NON_RETRYABLE_TOOL_ERRORS, ...retry.nonRetryableErrorTypes] };
}

/** `charge: store.charge_payment customer_id=cust-001` (nested steps keep their path after `steps.`). */
export function summaryOf(path: string, what: string): string {
  return `${path.replace(/^steps\./, '')}: ${what}`;
}

/**
 * Calls a registered activity or an MCP tool. A tool call that is not declared `readOnly` carries an idempotency key
 * derived from the run and the step's path (item and iteration included), so a retry or a replay writes once.
 */
export async function callStep(step: Step, input: unknown, path: string): Promise<unknown> {
  const target = callTarget(step.call!);
  const options = {
    ...(step.retry ? { retry: retryPolicy(step.retry) } : {}),
    ...(step.timeout ? { scheduleToCloseTimeout: step.timeout } : {}),
  };
  if (target.kind === 'activity') {
    const name = target.name as RegisteredActivity;
    const activity = activities[name] as unknown as Invocable;
    return activity.executeWithOptions({ summary: summaryOf(path, name), ...recoveryTimeouts(WAITS_ON[name] ?? 'text', input ?? {}), ...options }, [input ?? {}]);
  }
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw ApplicationFailure.create({ type: 'InvalidStepInput', nonRetryable: true, message: `${path}.input: a tool's arguments must be an object` });
  }
  const call = {
    server: target.server,
    tool: target.tool,
    args: (input ?? {}) as Record<string, unknown>,
    ...(step.readOnly ? {} : { idempotencyKey: stepKey(path) }),
  };
  // A step with a `catch` (or allowed to fail) has a fallback: an open breaker sends it there at once.
  const hasFallback = step.catch !== undefined || step.continueOnFailure === true;
  try {
    // The server's structured answer, else its text parsed as JSON, else the text (shared/tool-result.ts).
    return await callTool(call, { readOnly: step.readOnly, summary: summaryOf(path, describeToolCall(call)), hasFallback, ...options });
  } catch (err) {
    // Failed for good: recorded for a person to redrive, whatever the definition does next (its `catch`,
    // `continueOnFailure` or compensation) — the step's effect never happened either way.
    if (err instanceof ActivityFailure) {
      await deadLetter({ step: path.replace(/^steps\./, ''), call, retry: retryPolicyOf(call, { readOnly: step.readOnly, retry: options.retry }), hasFallback }, err);
    }
    throw err;
  }
}

/** Waits for a duration, or until a time an expression gives (ISO 8601 or epoch milliseconds), on a durable timer. */
export async function waitStep(wait: NonNullable<Step['wait']>, context: object, path: string): Promise<unknown> {
  if (typeof wait !== 'object') return sleep(wait).then(() => ({ waited: wait }));
  if ('for' in wait) return sleep(wait.for).then(() => ({ waited: wait.for }));
  const value = await evaluate(conditionExpression(wait.until), context, `${path}.wait.until`);
  const at = typeof value === 'number' ? value : Date.parse(String(value));
  if (!Number.isFinite(at)) {
    throw ApplicationFailure.create({ type: 'InvalidStepInput', nonRetryable: true, message: `${path}.wait.until: ${JSON.stringify(value)} is not a time` });
  }
  if (at > Date.now()) await sleep(at - Date.now());
  return { waitedUntil: new Date(at).toISOString() };
}

/**
 * Asks a person through the reusable approval gate (`orchestra approve <workflowId> --by …`). One approval is asked at
 * a time (`lock`): the gate owns the run's `decide` update. Approved: the decision is the output; denied or timed out:
 * the step fails (`ApprovalDenied`, `ApprovalTimedOut`), so `catch`, `continueOnFailure` or compensation take over.
 */
export async function approvalStep(
  approval: NonNullable<Step['approval']>, context: object, path: string, progress: ProgressReporter, lock: Semaphore,
): Promise<unknown> {
  const subject = String(await resolve(approval.subject, context, `${path}.approval.subject`));
  const outcome = await lock.run(() => new ApprovalGate(progress).request(subject, { timeout: approval.timeout }));
  if (outcome.status === 'approved') return outcome.record;
  if (outcome.status === 'denied') {
    throw ApplicationFailure.create({
      type: 'ApprovalDenied', nonRetryable: true, details: [outcome.record],
      message: `${subject}: denied by ${outcome.record.approver}${outcome.record.comment ? ` (${outcome.record.comment})` : ''}`,
    });
  }
  throw ApplicationFailure.create({ type: 'ApprovalTimedOut', nonRetryable: true, message: `${subject}: no decision by ${outcome.timedOutAt}` });
}

/** A loop that continues as new (`iterationsPerRun`), as a `definitionLoop` child; its output is the loop's. */
export function loopChild(
  definition: Pick<Definition, 'maxParallel' | 'name' | 'version'>, loop: NonNullable<Step['loop']>, context: object, path: string,
  definitions: Record<string, unknown>,
): Promise<unknown> {
  return executeChild('definitionLoop', {
    workflowId: childId(path),
    staticSummary: summaryOf(path, `loop of ${definition.name} v${definition.version}, ${loop.iterationsPerRun} iterations per run`),
    args: [{ name: definition.name, version: definition.version, maxParallel: definition.maxParallel, path, loop, context, definitions, state: { iteration: 0 } }],
  });
}

/** A child's workflow id: the run's, then the step's path (`<run>--reserve`). */
export function childId(path: string): string {
  return `${workflowInfo().workflowId}--${path.replace(/^steps\./, '').replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

/** Starts a child: another definition (carried in the run's input) or a registered Orchestra workflow. */
export async function childStep(
  child: NonNullable<Step['workflow']>, input: unknown, path: string, definitions: Record<string, unknown>, timeout?: string | number,
): Promise<unknown> {
  const options = { workflowId: childId(path), ...(timeout ? { workflowExecutionTimeout: timeout } : {}) };
  if ('type' in child) return executeChild(child.type, { ...options, args: [input ?? {}], staticSummary: summaryOf(path, child.type) });
  const definition = definitions[child.definition];
  if (definition === undefined) {
    throw ApplicationFailure.create({ type: 'InvalidDefinition', nonRetryable: true, message: `${path}.workflow.definition: "${child.definition}" was not sent with the run` });
  }
  const result = await executeChild('definitionRun', {
    ...options,
    args: [{ definition, input: input ?? {}, definitions }],
    staticSummary: summaryOf(path, `definition ${child.definition}`),
  }) as { output: unknown };
  return result.output;
}
