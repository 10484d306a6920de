/**
 * MCP tasks (SEP-1686, experimental in the SDK) kept by Temporal: a workflow tool called with `task` answers at once
 * with a task whose id is the workflow id, and the host polls (`tasks/get`), waits for the result (`tasks/result`),
 * lists (`tasks/list`) or cancels (`tasks/cancel`) it. Nothing is kept in this process: every answer is read from the
 * run itself, so a task outlives the server process, the session and the host's restart.
 *
 * Status mapping: a running run is `working` (its progress step as the status message; an approval it waits for is
 * answered with answer_run, not through `input_required`), a completed one `completed`, a cancelled one `cancelled`,
 * anything else that closed (failed, terminated, timed out) `failed`.
 * Tasks are not scoped to the MCP session: anyone the server admits (its bearer token) sees every run, as with the CLI.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { CreateTaskOptions, TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import { CallToolRequestSchema, ErrorCode, McpError, type Request, type RequestId, type Result, type Task } from '@modelcontextprotocol/sdk/types.js';
import { InvalidInputError, type Orchestra } from '../../client/api.js';
import { isWorkflowType } from '../../schemas/catalog.js';
import { closedRunResult, describeProgress } from './follow.js';

/** How often a host is asked to poll a task. */
export const TASK_POLL_INTERVAL_MS = 2_000;
/** How many recent runs `tasks/list` returns. */
export const TASK_LIST_LIMIT = 50;

const STATUS: Record<string, Task['status']> = {
  RUNNING: 'working', COMPLETED: 'completed', CANCELLED: 'cancelled', FAILED: 'failed', TERMINATED: 'failed', TIMED_OUT: 'failed', CONTINUED_AS_NEW: 'working',
};

export class WorkflowTaskStore implements TaskStore {
  constructor(private readonly orchestra: Orchestra) {}

  /** Starts the called workflow; the task is the run. */
  async createTask(_options: CreateTaskOptions, _requestId: RequestId, request: Request): Promise<Task> {
    const call = CallToolRequestSchema.parse(request);
    if (!isWorkflowType(call.params.name)) throw new McpError(ErrorCode.InvalidParams, `"${call.params.name}" cannot run as a task: only workflow tools can`);
    try {
      const run = await this.orchestra.start(call.params.name, (call.params.arguments ?? {}) as never);
      return (await this.getTask(run.workflowId))!;
    } catch (err) {
      if (err instanceof InvalidInputError) throw new McpError(ErrorCode.InvalidParams, `${err.message} (nothing was started)`);
      throw err;
    }
  }

  async getTask(taskId: string): Promise<Task | null> {
    let described;
    try {
      described = await this.orchestra.describe(taskId);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
    const status = STATUS[described.status.name] ?? 'failed';
    const progress = status === 'working' ? await this.orchestra.progressWithin(taskId, 2_000) : undefined;
    return {
      taskId,
      status,
      ...(progress && { statusMessage: describeProgress(progress) }),
      createdAt: described.startTime.toISOString(),
      lastUpdatedAt: (described.closeTime ?? new Date()).toISOString(),
      ttl: null,
      pollInterval: TASK_POLL_INTERVAL_MS,
    };
  }

  /** Temporal keeps the result: nothing to store. */
  async storeTaskResult(): Promise<void> {}

  async getTaskResult(taskId: string): Promise<Result> {
    return closedRunResult(this.orchestra, taskId);
  }

  /** A host cancelling the task cancels the run; other status changes come from the run itself. */
  async updateTaskStatus(taskId: string, status: Task['status']): Promise<void> {
    if (status === 'cancelled') await this.orchestra.cancel(taskId);
  }

  async listTasks(): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const runs = await this.orchestra.list(undefined, TASK_LIST_LIMIT);
    const tasks = runs.map((run): Task => ({
      taskId: run.workflowId,
      status: STATUS[run.status.name] ?? 'failed',
      createdAt: run.startTime.toISOString(),
      lastUpdatedAt: (run.closeTime ?? run.startTime).toISOString(),
      ttl: null,
      pollInterval: TASK_POLL_INTERVAL_MS,
    }));
    return { tasks };
  }
}
