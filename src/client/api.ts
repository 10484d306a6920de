/**
 * The typed Orchestra client: validates input with the workflow's own schema before anything starts, starts runs with
 * readable ids, summaries and search attributes, follows progress, and talks to running workflows.
 */
import { randomUUID } from 'node:crypto';
import {
  Client, Connection, isGrpcServiceError, ServiceError, WorkflowExecutionAlreadyStartedError, WorkflowFailedError,
  type WorkflowExecutionInfo, type WorkflowHandle,
} from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import type { z } from 'zod';
import { flushTracing, tracingClientInterceptors } from '../observability/tracing.js';
import { runUrl, temporalTarget, type TemporalTarget } from '../runtime/connection.js';
import { catalog, isWorkflowType, type WorkflowType } from '../schemas/catalog.js';
import type { Progress } from '../shared/progress.js';
import { PROGRESS_QUERY } from '../shared/progress.js';
import { PATTERN } from '../shared/search-attributes.js';
import { WORKFLOW_TASK_TIMEOUT } from '../shared/recovery.js';
import { ACTIVITY_QUEUES, ACTIVITY_QUEUES_MEMO, isActivityQueues, type ActivityQueues } from '../shared/capabilities.js';
import { TASK_QUEUE } from '../shared/task-queues.js';
import { describeProblems, problemsOf, type Problem } from '../shared/validation.js';
import { resetPoint, type ResetTarget } from './reset.js';

/** gRPC's FAILED_PRECONDITION: how the server refuses an update while the run's workflow task is in a failed state. */
const GRPC_FAILED_PRECONDITION = 9;
/** How long {@link Orchestra.update} keeps sending an update the server refused for a failed workflow task. */
const UPDATE_RETRY = { firstMs: 200, maxMs: 2_000, totalMs: 20_000 } as const;

export type InputOf<T extends WorkflowType> = z.input<(typeof catalog)[T]['input']>;
export type ResultOf<T extends WorkflowType> = z.output<(typeof catalog)[T]['output']>;

/** Bad input, found before anything started. `issues` name each field. */
export class InvalidInputError extends Error {
  /** Every problem, as one line: `items[2].quantity: …; email: required`. */
  readonly issues: string;
  constructor(readonly workflowType: string, readonly problems: readonly Problem[]) {
    const issues = describeProblems(problems);
    super(`invalid input for ${workflowType}: ${issues}`);
    this.name = 'InvalidInputError';
    this.issues = issues;
  }
}

export class UnknownWorkflowError extends Error {
  constructor(name: string) {
    super(`unknown workflow type "${name}"; known types: ${Object.keys(catalog).join(', ')}`);
    this.name = 'UnknownWorkflowError';
  }
}

export class TemporalUnreachableError extends Error {
  constructor(readonly address: string, cause: unknown) {
    super(`cannot reach Temporal at ${address}: ${cause instanceof Error ? cause.message : String(cause)}\n` +
      'Start a local one with `npm start` (it starts the dev server and a worker), or point TEMPORAL_ADDRESS ' +
      '(or a TEMPORAL_PROFILE) at your cluster.');
    this.name = 'TemporalUnreachableError';
  }
}

export interface StartOptions {
  /** Defaults to the workflow's readable id plus a unique suffix. */
  workflowId?: string;
  taskQueue?: string;
  /** Temporal priority key (1 first … 5 last); default: the type's own from its input (routeRequest: by urgency). */
  priorityKey?: number;
  /** Where the run sends its activities (see ActivityQueues in src/shared/capabilities.ts): `workflow` for a worker that
   * serves every queue (eager activity dispatch), `capability` for workers split by capability. Default: the client's
   * (`npm start` uses `workflow`), else ORCHESTRA_ACTIVITY_QUEUES, else `capability`. */
  activityQueues?: ActivityQueues;
}

/** What a client's runs default to (StartOptions' fields). */
export type ClientDefaults = Pick<StartOptions, 'activityQueues'>;

/** ORCHESTRA_ACTIVITY_QUEUES (`capability` or `workflow`), checked: a wrong value fails before anything starts. */
export function activityQueuesFromEnv(env: NodeJS.ProcessEnv = process.env): ActivityQueues {
  const value = env.ORCHESTRA_ACTIVITY_QUEUES?.trim();
  if (!value) return 'capability';
  if (!isActivityQueues(value)) throw new Error(`ORCHESTRA_ACTIVITY_QUEUES: "${value}" is not one of ${ACTIVITY_QUEUES.join(', ')}`);
  return value;
}

export interface StartedRun {
  workflowType: string;
  workflowId: string;
  runId: string;
  /** The run's page in the Temporal Web UI, when the UI's address is known. */
  url?: string;
}

export class Orchestra {
  private constructor(
    readonly client: Client, readonly target: TemporalTarget, private readonly owned?: Connection, readonly defaults: ClientDefaults = {},
  ) {}

  /** Connects with the standard Temporal environment configuration (or the local dev server). */
  static async connect(target: TemporalTarget = temporalTarget(), defaults: ClientDefaults = {}): Promise<Orchestra> {
    let connection: Connection;
    try {
      connection = await Connection.connect({ ...target.connectionOptions, connectTimeout: '5 seconds' });
    } catch (err) {
      throw new TemporalUnreachableError(target.address, err);
    }
    // Traced: each start, signal, update and query is a span, and the run joins its trace (src/observability).
    const client = new Client({ connection, namespace: target.namespace, interceptors: { workflow: tracingClientInterceptors() } });
    return new Orchestra(client, target, connection, defaults);
  }

  /** Wraps an existing client (tests, the demo runner). */
  static fromClient(client: Client, target: Partial<TemporalTarget> = {}, defaults: ClientDefaults = {}): Orchestra {
    return new Orchestra(client, { ...temporalTarget(), ...target, namespace: client.options.namespace }, undefined, defaults);
  }

  /** Validates input against the workflow's schema, returning the parsed value or throwing InvalidInputError. */
  validate<T extends WorkflowType>(type: T, input: unknown): z.output<(typeof catalog)[T]['input']> {
    return validateInput(type, input);
  }

  /**
   * Starts a run. For a type whose id names one transaction (`oneRunPerId`, e.g. an order), a second start with the same
   * id returns the existing run instead: the running one (conflict policy USE_EXISTING) or, once it closed, the closed
   * one (reuse policy REJECT_DUPLICATE, for as long as the namespace retains it) — never a second saga.
   */
  async start<T extends WorkflowType>(type: T, input: InputOf<T>, options: StartOptions = {}): Promise<StartedRun> {
    const spec = specOf(type);
    const parsed = this.validate(type, input);
    const workflowId = options.workflowId ?? spec.workflowId(parsed as never, uniqueSuffix());
    const oneRun = spec.oneRunPerId === true;
    const priorityKey = options.priorityKey ?? spec.priorityKey?.(parsed as never);
    const activityQueues = options.activityQueues ?? this.defaults.activityQueues ?? activityQueuesFromEnv();
    let runId: string;
    try {
      const handle = await this.client.workflow.start(type, {
        taskQueue: options.taskQueue ?? TASK_QUEUE,
        workflowId,
        args: [input],
        staticSummary: spec.summary(parsed as never),
        staticDetails: spec.description,
        workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT, // a task a dead worker held is retried elsewhere this soon
        typedSearchAttributes: [{ key: PATTERN, value: type }],
        // Runs without the memo (and every run begun before it) route by capability, as before.
        ...(activityQueues === 'workflow' ? { memo: { [ACTIVITY_QUEUES_MEMO]: activityQueues } } : {}),
        ...(priorityKey !== undefined ? { priority: { priorityKey } } : {}),
        ...(oneRun ? { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE' } as const : {}),
      });
      runId = handle.firstExecutionRunId;
    } catch (err) {
      if (!(oneRun && err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      runId = (await this.describe(workflowId)).runId;
    }
    return { workflowType: type, workflowId, runId, url: this.url(workflowId, runId) };
  }

  /** Starts a run and waits for its result, reporting progress (polled from the `progress` query) on the way. */
  async execute<T extends WorkflowType>(
    type: T,
    input: InputOf<T>,
    options: StartOptions & { onStart?: (run: StartedRun) => void; onProgress?: (p: Progress) => void } = {},
  ): Promise<ResultOf<T>> {
    const run = await this.start(type, input, options);
    options.onStart?.(run);
    return this.result(run.workflowId, options.onProgress) as Promise<ResultOf<T>>;
  }

  /** Waits for a run's result; throws WorkflowFailedError (with the failure's type and cause) when it failed. */
  async result(workflowId: string, onProgress?: (p: Progress) => void): Promise<unknown> {
    const handle = this.client.workflow.getHandle(workflowId);
    if (!onProgress) return handle.result();
    let done = false;
    const poll = (async () => {
      while (!done) {
        try {
          onProgress(await this.progress(workflowId));
        } catch {
          // not started yet, or finished between polls: the result tells the rest
        }
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
    })();
    try {
      return await handle.result();
    } finally {
      done = true;
      await poll;
    }
  }

  async progress(workflowId: string): Promise<Progress> {
    return this.client.workflow.getHandle(workflowId).query<Progress>(PROGRESS_QUERY);
  }

  async describe(workflowId: string) {
    return this.client.workflow.getHandle(workflowId).describe();
  }

  /**
   * Sends an update and waits for its result. While the run's last workflow task has failed (timed out on a worker
   * that died or was starved of CPU; the next attempt is on its way) the server refuses updates with
   * FAILED_PRECONDITION: the update is sent again, under the same update id so it is never applied twice, for up to
   * {@link UPDATE_RETRY}'s total.
   */
  async update(workflowId: string, name: string, args: unknown[] = []): Promise<unknown> {
    const handle = this.client.workflow.getHandle(workflowId);
    const updateId = randomUUID();
    for (let waitMs: number = UPDATE_RETRY.firstMs, waited = 0; ; waited += waitMs, waitMs = Math.min(waitMs * 2, UPDATE_RETRY.maxMs)) {
      try {
        return await (args.length
          ? handle.executeUpdate(name, { updateId, args: args as [unknown, ...unknown[]] })
          : handle.executeUpdate(name, { updateId }));
      } catch (err) {
        const refused = err instanceof ServiceError && isGrpcServiceError(err.cause) && err.cause.code === GRPC_FAILED_PRECONDITION;
        if (!refused || waited + waitMs > UPDATE_RETRY.totalMs) throw err;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  async signal(workflowId: string, name: string, args: unknown[] = []): Promise<void> {
    await this.client.workflow.getHandle(workflowId).signal(name, ...args);
  }

  async cancel(workflowId: string): Promise<void> {
    await this.client.workflow.getHandle(workflowId).cancel();
  }

  async terminate(workflowId: string, reason?: string): Promise<void> {
    await this.client.workflow.getHandle(workflowId).terminate(reason);
  }

  /** The run's full event history (the latest run of the id). */
  async history(workflowId: string): Promise<History> {
    return this.client.workflow.getHandle(workflowId).fetchHistory();
  }

  /**
   * Temporal's reset: a new run of the same workflow id that replays the history up to the chosen point and runs the
   * rest again (see src/client/reset.ts). The old run, if still running, is terminated by the server.
   */
  async reset(workflowId: string, target: ResetTarget, reason: string): Promise<{ runId: string; resetToEventId: number }> {
    const described = await this.describe(workflowId);
    const resetToEventId = resetPoint(await this.history(workflowId), target);
    const response: { runId?: string | null } = await this.client.workflowService.resetWorkflowExecution({
      namespace: this.client.options.namespace,
      workflowExecution: { workflowId, runId: described.runId },
      reason,
      // An int64 in the proto: protobufjs encodes a JS number for it (typed as Long, which is not our dependency).
      workflowTaskFinishEventId: resetToEventId as never,
      requestId: randomUUID(),
    });
    return { runId: response.runId ?? '', resetToEventId };
  }

  /**
   * The signal names the run's workflow code handles, from Temporal's built-in metadata query (answered by a worker);
   * undefined when no worker answers within `withinMs`.
   */
  async signalNames(workflowId: string, withinMs = 5_000): Promise<string[] | undefined> {
    const handle = this.client.workflow.getHandle(workflowId);
    try {
      const metadata = await this.client.connection.withDeadline(Date.now() + withinMs, () =>
        handle.query<{ definition?: { signalDefinitions?: Array<{ name?: string }> } }>('__temporal_workflow_metadata'));
      return (metadata.definition?.signalDefinitions ?? []).map((d) => d.name ?? '').filter(Boolean);
    } catch {
      return undefined;
    }
  }

  /** The progress query, given at most `withinMs` (a closed run's query needs a worker to replay it). */
  async progressWithin(workflowId: string, withinMs = 5_000): Promise<Progress | undefined> {
    try {
      return await this.client.connection.withDeadline(Date.now() + withinMs, () => this.progress(workflowId));
    } catch {
      return undefined;
    }
  }

  /** Recent runs, newest first; `query` is a Temporal visibility query, e.g. `OrchestraPattern = "reminder"`. */
  async list(query?: string, limit = 20): Promise<WorkflowExecutionInfo[]> {
    const runs: WorkflowExecutionInfo[] = [];
    for await (const run of this.client.workflow.list({ query, pageSize: limit })) {
      runs.push(run);
      if (runs.length >= limit) break;
    }
    return runs;
  }

  handle(workflowId: string): WorkflowHandle {
    return this.client.workflow.getHandle(workflowId);
  }

  url(workflowId: string, runId?: string): string | undefined {
    return runUrl(this.target, workflowId, runId);
  }

  async close(): Promise<void> {
    await flushTracing();
    await this.owned?.close();
  }
}

/** Checks input against the workflow's schema without a server: returns the parsed value or throws InvalidInputError. */
export function validateInput<T extends WorkflowType>(type: T, input: unknown): z.output<(typeof catalog)[T]['input']> {
  const result = specOf(type).input.safeParse(input);
  if (!result.success) throw new InvalidInputError(type, problemsOf(result.error, input));
  return result.data as z.output<(typeof catalog)[T]['input']>;
}

export function specOf(type: string) {
  if (!isWorkflowType(type)) throw new UnknownWorkflowError(type);
  return catalog[type];
}

/** A short, sortable, unique suffix for workflow ids: time in base 36 plus random letters. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export { WorkflowFailedError };
