/**
 * MCP tool calls as activities: `callTool` for any configured server and tool, `listTools`, and typed wrappers for
 * the filesystem server's everyday tools.
 *
 * What a call does, in order:
 *   1. finds the server and tool (unknown → non-retryable `ToolNotFound`, after refreshing the tool list once);
 *   2. adds the idempotency key as the tool's `idempotency_key` argument when its schema has one, and checks the
 *      arguments against the tool's input JSON Schema (→ non-retryable `InvalidToolArguments` naming the field);
 *   3. applies the retry-safety rule of src/shared/tool-retry.ts (a destructive, non-idempotent call without a key is
 *      never repeated blindly);
 *   4. calls the tool: MCP progress becomes activity heartbeats (details = the progress), activity cancellation aborts
 *      the request (the server receives `notifications/cancelled`), and the request timeout ends just before the
 *      activity's own deadline, so a slow server fails as a clean `ToolTimeout`;
 *      A call with `elicitation` made by an activity runs on a connection of its own, and a question its server asks
 *      becomes the calling run's pending question (src/mcp/elicitation.ts);
 *   5. maps an `isError` result to an ApplicationFailure carrying the server's type and text: a business error the
 *      server marks `retryable: false` is non-retryable, anything else is retried by policy.
 * Failures and results are redacted (src/shared/redact.ts) before they leave: no configured secret reaches history.
 */
import { ApplicationFailure, CancelledFailure, asyncLocalStorage, type Context } from '@temporalio/activity';
import type { ValidateFunction } from 'ajv';
import { ErrorCode, McpError, type Progress } from '@modelcontextprotocol/sdk/types.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Breakers } from '../mcp/breaker/breakers.js';
import { askCallingWorkflow } from '../mcp/elicitation.js';
import { isConnectionFailure, ServerUnavailableError, UnknownServerError, type CallToolResult, type McpPool, type Tool } from '../mcp/pool.js';
import { observeToolCall } from '../observability/tool-calls.js';
import { toMs } from '../schemas/common.js';
import { redact, redactDeep, redactError, redactSecrets } from '../shared/redact.js';
import { ToolCall, type ParsedToolCall } from '../shared/tool-call.js';
import {
  isNotAppliedMarkerFor,
  toolSafety,
  ToolErrorType,
  type NotAppliedMarker,
  type ToolAnnotations,
  type ToolSafety,
} from '../shared/tool-retry.js';
import { toolResultOf, toolText, type ToolResult } from '../shared/tool-result.js';
import { compileJsonSchema, describeAjvErrors } from '../shared/json-schema.js';
import { describeIssues } from '../shared/validation.js';
import { beat, startKeepAlive, whileWaiting, type KeepAlive } from './keep-alive.js';

export type { ToolCall } from '../shared/tool-call.js';

/** A tool's result as recorded in workflow history: one clean value (see src/shared/tool-result.ts). */
export type { ToolResult } from '../shared/tool-result.js';

/** What `listTools` reports per tool. */
export interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Tool['inputSchema'];
  annotations?: ToolAnnotations;
  /** How safe a repeat is without an idempotency key (see src/shared/tool-retry.ts). */
  safety: ToolSafety;
  acceptsIdempotencyKey: boolean;
}

/** Heartbeat details while a call runs: the server's latest progress, if any. */
export type ToolHeartbeat = Progress | { waiting: string };

export interface ToolActivityOptions {
  /** The server name the filesystem wrappers call (default `filesystem`). */
  filesystemServer?: string;
  /** The MCP request timeout when a call runs outside an activity (scripts, tests). Default 60 s. */
  defaultTimeoutMs?: number;
  /** The per-server circuit breakers every call goes through (src/mcp/breaker/); none when absent. */
  breakers?: Breakers;
}

const IDEMPOTENCY_ARGUMENT = 'idempotency_key';

export function createToolActivities(pool: McpPool, options: ToolActivityOptions = {}) {
  const fsServer = options.filesystemServer ?? 'filesystem';
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 60_000;
  const breakers = options.breakers;
  const call = (raw: ToolCall) => breakers && typeof raw?.server === 'string'
    ? breakers.guard(raw.server, () => runToolCall(pool, raw, defaultTimeoutMs))
    : runToolCall(pool, raw, defaultTimeoutMs);

  return {
    /** Calls any tool of any configured server. */
    callTool: call,

    /** The tools a server offers, with their schemas, annotations and retry safety. */
    async listTools(input: { server: string }): Promise<ToolInfo[]> {
      if (!pool.has(input.server)) throw unknownServer(new UnknownServerError(input.server, pool.serverNames));
      try {
        // Heartbeats while it waits (the server may be starting): a dead worker's call is noticed at the heartbeat timeout.
        return (await whileWaiting(asyncLocalStorage.getStore(), () => pool.listTools(input.server))).map(toolInfo);
      } catch (err) {
        throw failureForException(err, `${input.server}.tools/list`).failure;
      }
    },

    /** filesystem.read_text_file: the file's text (optionally only its first or last lines). */
    async fsReadTextFile(input: { path: string; head?: number; tail?: number }): Promise<string> {
      return toolText(await call({ server: fsServer, tool: 'read_text_file', args: input }));
    },

    /** filesystem.write_file: creates or replaces the file (idempotent: the same content twice is one effect). */
    async fsWriteFile(input: { path: string; content: string }): Promise<{ path: string }> {
      await call({ server: fsServer, tool: 'write_file', args: input });
      return { path: input.path };
    },

    /** filesystem.list_directory: the entries of a directory. */
    async fsListDirectory(input: { path: string }): Promise<Array<{ name: string; type: 'file' | 'directory' }>> {
      const text = toolText(await call({ server: fsServer, tool: 'list_directory', args: input }));
      return text.split('\n').flatMap((line) => {
        const match = /^\[(FILE|DIR)\] (.+)$/.exec(line.trim());
        return match ? [{ name: match[2], type: match[1] === 'DIR' ? 'directory' as const : 'file' as const }] : [];
      });
    },

    /** filesystem.search_files: paths matching a glob pattern under a directory. */
    async fsSearchFiles(input: { path: string; pattern: string; excludePatterns?: string[] }): Promise<string[]> {
      const text = toolText(await call({ server: fsServer, tool: 'search_files', args: input }));
      return text === 'No matches found' ? [] : text.split('\n').filter(Boolean);
    },
  };
}

export type ToolActivities = ReturnType<typeof createToolActivities>;

// ---------------------------------------------------------------------------------------------------------------------

async function runToolCall(pool: McpPool, raw: ToolCall, defaultTimeoutMs: number): Promise<ToolResult> {
  const ctx = asyncLocalStorage.getStore(); // undefined outside an activity (scripts, direct calls in tests)
  // Heartbeats from the start: starting a server for the first call can take longer than the heartbeat timeout.
  const keepAlive = startKeepAlive<ToolHeartbeat>(ctx);
  try {
    return await callWithKeepAlive(pool, raw, defaultTimeoutMs, ctx, keepAlive);
  } finally {
    keepAlive.stop();
  }
}

async function callWithKeepAlive(pool: McpPool, raw: ToolCall, defaultTimeoutMs: number, ctx: Context | undefined,
  keepAlive: KeepAlive<ToolHeartbeat>): Promise<ToolResult> {
  const startedAt = Date.now();
  const parsed = ToolCall.safeParse(raw);
  if (!parsed.success) {
    throw ApplicationFailure.create({ type: 'InvalidInput', message: `Invalid tool call: ${describeIssues(parsed.error)}`, nonRetryable: true });
  }
  const call = parsed.data;
  const label = `${call.server}.${call.tool}`;
  const attempt = ctx?.info.attempt ?? 1;

  // 1. The tool. Failing to reach the server here is before anything was sent: safe to retry, and recorded as such.
  if (!pool.has(call.server)) throw unknownServer(new UnknownServerError(call.server, pool.serverNames));
  let tool: Tool | undefined;
  try {
    tool = await untilCancelled(pool.findTool(call.server, call.tool), ctx);
  } catch (err) {
    if (ctx?.cancellationSignal.aborted) throw cancellation(ctx);
    const { failure } = failureForException(err, label);
    markNotApplied(ctx, attempt, failure.message);
    throw failure;
  }
  if (!tool) {
    const offered = (await pool.listTools(call.server)).map((t) => t.name).join(', ');
    throw ApplicationFailure.create({
      type: ToolErrorType.ToolNotFound,
      message: `MCP server "${call.server}" has no tool "${call.tool}" (it offers: ${offered || 'none'})`,
      nonRetryable: true,
    });
  }

  // 2. Arguments.
  const { args, keyApplied } = withIdempotencyKey(tool, call, label);
  checkArguments(tool, args, label);

  // 3. Retry safety.
  const safety = toolSafety(tool.annotations, keyApplied);
  if (safety === 'unsafe' && attempt > 1 && !isNotAppliedMarkerFor(ctx?.info.heartbeatDetails, attempt - 1)) {
    throw ApplicationFailure.create({
      type: ToolErrorType.UnsafeToRetry,
      message: `Not repeating ${label}: attempt ${attempt - 1} may already have taken effect. ${unsafeReason(tool, call)}`,
      nonRetryable: true,
    });
  }

  // 4. The call.
  let result: CallToolResult;
  try {
    // Traced and counted (src/observability): the trace context travels to the server in the request's `_meta`.
    result = await observeToolCall(call.server, call.tool, (meta) => {
      const params = { name: call.tool, arguments: args, _meta: meta };
      const options = requestOptions(ctx, call, startedAt, defaultTimeoutMs, keepAlive);
      // A call that lets its server ask a person runs alone, so the question is known to be its own (elicitation.ts).
      return ctx?.info.workflowExecution && call.elicitation
        ? pool.callToolAlone(call.server, params, options, { elicitation: askCallingWorkflow(ctx, call.tool, toMs(call.elicitation.timeout)!) })
        : pool.callTool(call.server, params, options);
    }, () => Boolean(ctx?.cancellationSignal.aborted));
  } catch (err) {
    if (ctx?.cancellationSignal.aborted) throw cancellation(ctx);
    const { failure, applied } = failureForException(err, label);
    throw guarded(failure, applied, safety, ctx, attempt, tool, call);
  }

  // 5. The result.
  if (result.isError) {
    const { failure, applied } = failureForErrorResult(result, label);
    throw guarded(failure, applied, safety, ctx, attempt, tool, call);
  }
  return redactDeep(toolResultOf(result), redactSecrets);
}

/** Whether a failed request may have had its effect: `no` (certainly not), or `unknown`. */
type Applied = 'no' | 'unknown';

/**
 * For an unsafe call, a retryable failure stays retryable only when nothing was applied (and the next attempt is told
 * so through the heartbeat details); when the effect is unknown it becomes a non-retryable `UnsafeToRetry`.
 */
function guarded(failure: ApplicationFailure, applied: Applied, safety: ToolSafety, ctx: Context | undefined, attempt: number,
  tool: Tool, call: ParsedToolCall): ApplicationFailure {
  if (failure.nonRetryable) return failure;
  if (applied === 'no') {
    markNotApplied(ctx, attempt, failure.message);
    return failure;
  }
  if (safety !== 'unsafe') return failure;
  return ApplicationFailure.create({
    type: ToolErrorType.UnsafeToRetry,
    message: `${call.server}.${call.tool} failed and may or may not have taken effect (${failure.type}: ${failure.message}). ` +
      `Not retrying it: ${unsafeReason(tool, call)}`,
    nonRetryable: true,
    cause: failure,
  });
}

function unsafeReason(tool: Tool, call: ParsedToolCall): string {
  const keyNote = call.idempotencyKey && !acceptsIdempotencyKey(tool)
    ? `an idempotency key was given but the tool has no "${IDEMPOTENCY_ARGUMENT}" argument`
    : 'the call has no idempotency key';
  return `the tool is destructive and not idempotent (annotations: ${JSON.stringify(tool.annotations ?? {})}) and ${keyNote}, ` +
    'so a repeat could apply it twice. Check its effect before running it again.';
}

function markNotApplied(ctx: Context | undefined, attempt: number, reason: string): void {
  const marker: NotAppliedMarker = { notAppliedAttempt: attempt, reason };
  beat(ctx, marker);
}

/** Stops waiting when the activity is cancelled (a server that is still starting goes on starting for later calls). */
function untilCancelled<T>(promise: Promise<T>, ctx: Context | undefined): Promise<T> {
  if (!ctx) return promise;
  const signal = ctx.cancellationSignal;
  if (signal.aborted) return Promise.reject(cancellation(ctx));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancellation(ctx));
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function cancellation(ctx: Context): unknown {
  const reason: unknown = ctx.cancellationSignal.reason;
  return reason instanceof Error ? reason : new CancelledFailure(String(reason ?? 'CANCELLED'));
}

// ---------------------------------------------------------------------------------------------------------------------
// Timeouts, progress, heartbeats

function requestOptions(ctx: Context | undefined, call: ParsedToolCall, startedAt: number, defaultTimeoutMs: number,
  keepAlive: KeepAlive<ToolHeartbeat>): RequestOptions {
  const budget = remainingMs(ctx, startedAt) ?? defaultTimeoutMs;
  const perCall = call.timeout === undefined ? undefined : toMs(call.timeout);
  return {
    signal: ctx?.cancellationSignal,
    onprogress: (progress: Progress) => {
      keepAlive.details = progress;
      beat(ctx, progress);
    },
    // `timeout` is the quiet time allowed between progress notifications (none while a person may be answering the
    // server's question); `maxTotalTimeout` the hard end.
    timeout: call.elicitation ? budget : Math.min(perCall ?? budget, budget),
    resetTimeoutOnProgress: true,
    maxTotalTimeout: budget,
  };
}

/**
 * Time left before Temporal would time this attempt out (start-to-close from when it started, schedule-to-close from
 * the first schedule), less a small margin so the MCP request ends first and the server is told to stop.
 */
function remainingMs(ctx: Context | undefined, startedAt: number): number | undefined {
  if (!ctx) return undefined;
  const { startToCloseTimeoutMs, scheduleToCloseTimeoutMs, scheduledTimestampMs } = ctx.info;
  const deadlines: number[] = [];
  if (startToCloseTimeoutMs > 0) deadlines.push(startedAt + startToCloseTimeoutMs);
  if (scheduleToCloseTimeoutMs > 0) deadlines.push(scheduledTimestampMs + scheduleToCloseTimeoutMs);
  if (deadlines.length === 0) return undefined;
  const left = Math.min(...deadlines) - Date.now();
  const margin = Math.min(2_000, Math.max(0, left) * 0.05);
  return Math.max(1_000, Math.floor(left - margin));
}

// ---------------------------------------------------------------------------------------------------------------------
// Arguments

function acceptsIdempotencyKey(tool: Tool): boolean {
  return Object.hasOwn(tool.inputSchema.properties ?? {}, IDEMPOTENCY_ARGUMENT);
}

function withIdempotencyKey(tool: Tool, call: ParsedToolCall, label: string): { args: Record<string, unknown>; keyApplied: boolean } {
  const args = { ...call.args };
  if (!acceptsIdempotencyKey(tool)) return { args, keyApplied: false };
  const given = args[IDEMPOTENCY_ARGUMENT];
  if (call.idempotencyKey !== undefined) {
    if (given !== undefined && given !== call.idempotencyKey) {
      throw ApplicationFailure.create({
        type: ToolErrorType.InvalidToolArguments,
        message: `Invalid arguments for ${label}: ${IDEMPOTENCY_ARGUMENT}: differs from the call's idempotencyKey`,
        nonRetryable: true,
      });
    }
    args[IDEMPOTENCY_ARGUMENT] = call.idempotencyKey;
  }
  return { args, keyApplied: typeof args[IDEMPOTENCY_ARGUMENT] === 'string' && args[IDEMPOTENCY_ARGUMENT] !== '' };
}

const validators = new WeakMap<object, ValidateFunction | null>();

function validatorFor(tool: Tool): ValidateFunction | null {
  const schema = tool.inputSchema;
  let validate = validators.get(schema);
  if (validate === undefined) {
    try {
      validate = compileJsonSchema(schema as Record<string, unknown>, 'lenient');
    } catch {
      validate = null; // a schema Ajv cannot compile: the server still validates its own input
    }
    validators.set(schema, validate);
  }
  return validate;
}

function checkArguments(tool: Tool, args: Record<string, unknown>, label: string): void {
  const validate = validatorFor(tool);
  if (!validate || validate(args)) return;
  const problems = describeAjvErrors(validate.errors, { root: '(arguments)', unexpected: 'is not an argument of this tool' });
  throw ApplicationFailure.create({
    type: ToolErrorType.InvalidToolArguments,
    message: `Invalid arguments for ${label}: ${problems.join('; ')}`,
    nonRetryable: true,
    details: [{ server: label.split('.')[0], tool: tool.name, problems }],
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Errors

function unknownServer(err: UnknownServerError): ApplicationFailure {
  return ApplicationFailure.create({ type: ToolErrorType.ToolNotFound, message: err.message, nonRetryable: true });
}

/** An exception from the pool or the MCP request. */
function failureForException(err: unknown, label: string): { failure: ApplicationFailure; applied: Applied } {
  const message = redact(err instanceof Error ? err.message : String(err));
  const cause = redactError(err);
  if (err instanceof UnknownServerError) return { failure: unknownServer(err), applied: 'no' };
  if (err instanceof RangeError) {
    // The request could not be serialised (nested too deeply, too large): the same arguments fail the same way.
    return { failure: ApplicationFailure.create({ type: ToolErrorType.InvalidToolArguments, message: `${label}: the arguments could not be sent: ${message}`, nonRetryable: true, cause }), applied: 'no' };
  }
  if (err instanceof ServerUnavailableError) {
    return { failure: ApplicationFailure.create({ type: ToolErrorType.ServerUnavailable, message, cause }), applied: 'no' };
  }
  if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) {
    return { failure: ApplicationFailure.create({ type: ToolErrorType.ToolTimeout, message: `${label}: ${message}`, cause }), applied: 'unknown' };
  }
  if (isConnectionFailure(err)) {
    return {
      failure: ApplicationFailure.create({ type: ToolErrorType.ConnectionLost, message: `${label}: ${message} (the next attempt reconnects)`, cause }),
      applied: 'unknown',
    };
  }
  if (err instanceof McpError && err.code === ErrorCode.MethodNotFound) {
    return { failure: ApplicationFailure.create({ type: ToolErrorType.ToolNotFound, message: `${label}: ${message}`, nonRetryable: true, cause }), applied: 'no' };
  }
  if (err instanceof McpError && err.code === ErrorCode.InvalidParams) {
    // The server rejected the request (or its result failed the tool's output schema): no retry will change that.
    return { failure: ApplicationFailure.create({ type: ToolErrorType.ToolError, message: `${label}: ${message}`, nonRetryable: true, cause }), applied: 'unknown' };
  }
  return { failure: ApplicationFailure.create({ type: ToolErrorType.ToolError, message: `${label}: ${message}`, cause }), applied: 'unknown' };
}

/** The error contract of Orchestra's own servers: `structuredContent.error = { type, message, retryable }`. */
interface StructuredToolError {
  type: string;
  message: string;
  retryable?: boolean;
}

function structuredError(result: CallToolResult): StructuredToolError | undefined {
  const error = (result.structuredContent as { error?: unknown } | undefined)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, message, retryable } = error as Record<string, unknown>;
  if (typeof type !== 'string' || typeof message !== 'string') return undefined;
  return { type, message, retryable: typeof retryable === 'boolean' ? retryable : undefined };
}

/**
 * Unstructured error texts of well-known permanent kinds (the official filesystem server reports errors as plain
 * text). Anything else is a retryable `ToolError`.
 */
const PERMANENT_ERROR_TEXTS: Array<[RegExp, ToolErrorType]> = [
  [/Access denied|EACCES|EPERM|outside allowed directories/i, ToolErrorType.AccessDenied],
  [/ENOENT|no such file or directory/i, ToolErrorType.FileNotFound],
  [/MCP error -32602: Tool .* not found/i, ToolErrorType.ToolNotFound],
  [/MCP error -32602|Input validation error/i, ToolErrorType.InvalidToolArguments],
];

function failureForErrorResult(result: CallToolResult, label: string): { failure: ApplicationFailure; applied: Applied } {
  const text = redact(textOf(result));
  const found = structuredError(result);
  const structured = found && redactDeep(found);
  if (structured) {
    const retryable = structured.retryable === true;
    return {
      failure: ApplicationFailure.create({
        type: structured.type,
        message: structured.message,
        nonRetryable: !retryable, // business errors unless the server says a retry can help
        details: [{ server: label.split('.')[0], label, error: structured }],
      }),
      // "Retryable" says a retry can help, not that nothing happened (an effect may precede the error).
      applied: 'unknown',
    };
  }
  const known = PERMANENT_ERROR_TEXTS.find(([pattern]) => pattern.test(text));
  return {
    failure: ApplicationFailure.create({
      type: known?.[1] ?? ToolErrorType.ToolError,
      message: `${label}: ${text || 'the tool reported an error without a message'}`,
      nonRetryable: known !== undefined,
      details: [{ label, text }],
    }),
    applied: 'unknown',
  };
}

function textOf(result: CallToolResult): string {
  return result.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
}

function toolInfo(tool: Tool): ToolInfo {
  return {
    name: tool.name,
    ...(tool.title ? { title: tool.title } : {}),
    ...(tool.description ? { description: tool.description } : {}),
    inputSchema: tool.inputSchema,
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
    safety: toolSafety(tool.annotations, false),
    acceptsIdempotencyKey: acceptsIdempotencyKey(tool),
  };
}
