/**
 * Orchestra as an MCP server (`orchestra mcp serve`): every workflow type of the catalog is a tool whose input schema
 * is the type's zod input schema as JSON Schema, plus tools to follow, answer and cancel runs.
 *
 * - `<workflowType>` starts a run (input validated first: a bad field is an InvalidInput error and nothing starts) and
 *   follows it (src/mcp/serve/follow.ts) until it finishes or `ORCHESTRA_MCP_WAIT_SECONDS` pass; then it answers with
 *   the run still going and its id. Types whose id names one transaction are idempotent: calling again returns the
 *   same run.
 * - `follow_run`, `answer_run` (the approval gate's `decide` update, validated by the run), `cancel_run`.
 * Every answer is a RunReport (run-report.ts) in `structuredContent`, errors included (`isError` with
 * `{ type, message, retryable }`).
 * - Called as an MCP task (SEP-1686, `params.task`), a workflow tool answers at once with the task, whose id is the
 *   workflow id; tasks/get, tasks/result, tasks/list and tasks/cancel read and steer the run (task-store.ts).
 * A `_meta` of `{"orchestra/cancelRunOnAbort": true}` on a call makes cancelling the MCP request cancel the run too;
 * otherwise the run goes on (it is durable; the host can follow it later).
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type CreateTaskResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { InvalidInputError, type Orchestra } from '../../client/api.js';
import { isClosed } from '../../client/runs.js';
import { ApprovalDecision } from '../../schemas/approval.js';
import { catalog, isWorkflowType, type WorkflowSpec } from '../../schemas/catalog.js';
import { DECIDE_UPDATE } from '../../shared/approval.js';
import { problemsOf } from '../../shared/validation.js';
import { followRun } from './follow.js';
import { errorReport, reportResult, RUN_REPORT_JSON_SCHEMA } from './run-report.js';
import { WorkflowTaskStore } from './task-store.js';

export const SERVE_NAME = 'orchestra';
export const SERVE_VERSION = '0.1.0';
/** How long a call waits for its run before answering "still running" (ORCHESTRA_MCP_WAIT_SECONDS). */
export const DEFAULT_WAIT_SECONDS = 60;
export const CANCEL_RUN_ON_ABORT = 'orchestra/cancelRunOnAbort';

const FollowArgs = z.strictObject({
  workflowId: z.string().min(1),
  waitSeconds: z.number().min(0).max(3600).optional().describe(`how long to wait for the run to finish (default ${DEFAULT_WAIT_SECONDS})`),
});
const AnswerArgs = z.strictObject({ workflowId: z.string().min(1) }).extend(ApprovalDecision.shape);
const CancelArgs = z.strictObject({ workflowId: z.string().min(1) });

const jsonSchema = (schema: z.core.$ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Tool['inputSchema'];

export interface ServeOptions {
  waitSeconds?: number;
}

export function createOrchestraMcpServer(orchestra: Orchestra, options: ServeOptions = {}): Server {
  const waitMs = (options.waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000;
  const server = new Server({ name: SERVE_NAME, version: SERVE_VERSION }, {
    capabilities: { tools: {}, logging: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
    taskStore: new WorkflowTaskStore(orchestra),
    instructions: 'Orchestra runs durable workflows on Temporal. Call a workflow tool to start a run; it reports progress and '
      + 'answers with the result, or with the run still going and its workflowId (follow_run, answer_run, cancel_run).',
  });

  const tools: Tool[] = [
    ...Object.entries(catalog).map(([name, spec]) => ({
      name,
      title: name,
      description: (spec as WorkflowSpec).description,
      inputSchema: jsonSchema((spec as WorkflowSpec).input),
      outputSchema: RUN_REPORT_JSON_SCHEMA,
      annotations: { idempotentHint: (spec as WorkflowSpec).oneRunPerId === true, readOnlyHint: false, openWorldHint: true },
      execution: { taskSupport: 'optional' as const },
    })),
    {
      name: 'follow_run', description: 'Where a run is: progress while it runs (as progress notifications), its result once finished.',
      inputSchema: jsonSchema(FollowArgs), outputSchema: RUN_REPORT_JSON_SCHEMA, annotations: { readOnlyHint: true },
    },
    {
      name: 'answer_run', description: 'Decide the approval a run waits for: approved or denied, by whom, with an optional comment.',
      inputSchema: jsonSchema(AnswerArgs), outputSchema: RUN_REPORT_JSON_SCHEMA, annotations: { readOnlyHint: false, idempotentHint: false },
    },
    {
      name: 'cancel_run', description: 'Cancel a run: it stops and undoes what its pattern undoes (a saga compensates).',
      inputSchema: jsonSchema(CancelArgs), outputSchema: RUN_REPORT_JSON_SCHEMA, annotations: { destructiveHint: true, idempotentHint: true },
    },
  ];

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult | CreateTaskResult> => {
    const { name, arguments: args = {} } = request.params;
    // As a task (SEP-1686): the run starts and the host gets its id (= the workflow id) at once.
    if (request.params.task && extra.taskStore) return { task: await extra.taskStore.createTask(request.params.task) };
    const follow = { waitMs, cancelRunOnAbort: request.params._meta?.[CANCEL_RUN_ON_ABORT] === true };
    try {
      if (isWorkflowType(name)) {
        const run = await orchestra.start(name, args as never);
        return await followRun(server, orchestra, run.workflowId, extra, follow);
      }
      if (name === 'follow_run') {
        const parsed = parse(FollowArgs, args, name);
        return await followRun(server, orchestra, parsed.workflowId, extra, { ...follow, waitMs: (parsed.waitSeconds ?? waitMs / 1000) * 1000 });
      }
      if (name === 'answer_run') {
        const { workflowId, ...decision } = parse(AnswerArgs, args, name);
        await orchestra.update(workflowId, DECIDE_UPDATE, [decision]);
        return await followRun(server, orchestra, workflowId, extra, { waitMs: 0 });
      }
      if (name === 'cancel_run') {
        const { workflowId } = parse(CancelArgs, args, name);
        return await cancel(orchestra, workflowId);
      }
      return errorReport({ type: 'UnknownTool', message: `no tool "${name}"`, retryable: false });
    } catch (err) {
      return errorFor(err, args);
    }
  });
  return server;
}

async function cancel(orchestra: Orchestra, workflowId: string): Promise<CallToolResult> {
  const described = await orchestra.describe(workflowId);
  const base = { workflowId, runId: described.runId, url: orchestra.url(workflowId, described.runId) };
  if (isClosed(described.status.name)) {
    return errorReport({ type: 'AlreadyClosed', message: `${workflowId} has already finished (${described.status.name}): nothing to cancel`, retryable: false }, base);
  }
  await orchestra.cancel(workflowId);
  // The run's real state: still running until its cancellation is handled (a saga compensates first).
  return reportResult({ ...base, status: 'running', next: 'cancellation requested; follow_run shows when the run has stopped' });
}

function parse<T extends z.ZodType>(schema: T, args: unknown, tool: string): z.output<T> {
  const result = schema.safeParse(args);
  if (!result.success) throw new InvalidInputError(tool, problemsOf(result.error, args));
  return result.data;
}

function errorFor(err: unknown, args: Record<string, unknown>): CallToolResult {
  const workflowId = typeof args.workflowId === 'string' ? args.workflowId : undefined;
  if (err instanceof InvalidInputError) {
    return errorReport({ type: 'InvalidInput', message: `${err.message} (nothing was started or sent)`, retryable: false });
  }
  if (err instanceof WorkflowNotFoundError) return errorReport({ type: 'UnknownRun', message: `no run with id "${workflowId}"`, retryable: false }, { workflowId });
  if (err instanceof WorkflowUpdateFailedError) {
    return errorReport({ type: 'Rejected', message: `rejected, nothing was recorded: ${err.cause?.message ?? err.message}`, retryable: false }, { workflowId });
  }
  return errorReport({ type: 'Unavailable', message: err instanceof Error ? err.message : String(err), retryable: true }, { workflowId, status: 'failed' });
}
