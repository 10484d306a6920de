/**
 * How safe it is to run an MCP tool call again, from the tool's annotations, and the retry policy that follows.
 * Pure: workflows use `retryPolicyFor` when they schedule `callTool`; the activity applies the same rule itself
 * (`toolSafety`) so a workflow with a looser policy still cannot repeat an unsafe call.
 *
 * The rule (MCP annotation defaults per the spec: readOnlyHint false, destructiveHint true, idempotentHint false):
 *
 * | tool                                                  | safety       | retried                                  |
 * | ----------------------------------------------------- | ------------ | ---------------------------------------- |
 * | readOnlyHint: true                                    | `read-only`  | freely                                   |
 * | idempotentHint: true, or the call has an idempotency key | `idempotent` | freely: a repeat has no extra effect  |
 * | destructiveHint: false (additive, e.g. append a note) | `additive`   | a few times: a repeat may add a duplicate |
 * | anything else: destructive and not idempotent         | `unsafe`     | only when the failed attempt certainly did not reach the server |
 *
 * An `unsafe` call is never repeated blindly. An attempt that fails after the request may have reached the server
 * (timeout, lost connection, an error the server did not classify) fails non-retryably as `UnsafeToRetry`, because the
 * effect may or may not have happened; a person or a compensation decides. (An error the server marks retryable counts
 * as such too: it says a retry can help, not that nothing happened.) An attempt that fails before anything was sent
 * (the server could not be started or reached) records that in its heartbeat details (`NotAppliedMarker`), and the
 * next attempt runs only if it finds that record for the attempt just before it. Without it (a worker crash, a timeout, a lost heartbeat) the next attempt refuses with
 * `UnsafeToRetry` instead of calling again. An idempotency key lifts all of this: give destructive calls one.
 */
import type { RetryPolicy } from '@temporalio/common';

/** The MCP tool annotations that matter here (hints from the server; all optional). */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export type ToolSafety = 'read-only' | 'idempotent' | 'additive' | 'unsafe';

/** Failure types of tool calls; callers branch on these, never on messages. */
export const ToolErrorType = {
  /** The server is not configured, or has no such tool. Non-retryable. */
  ToolNotFound: 'ToolNotFound',
  /** The arguments do not match the tool's input schema; the message names the field. Non-retryable. */
  InvalidToolArguments: 'InvalidToolArguments',
  /** The call may already have taken effect and repeating it is not safe (see above). Non-retryable. */
  UnsafeToRetry: 'UnsafeToRetry',
  /** An `isError` result the server did not classify. Retryable unless it is a known permanent kind (below). */
  ToolError: 'ToolError',
  /** The path is outside the server's allowed roots (filesystem sandbox). Non-retryable. */
  AccessDenied: 'AccessDenied',
  /** The file or directory does not exist. Non-retryable. */
  FileNotFound: 'FileNotFound',
  /** The MCP request timed out. Retryable. */
  ToolTimeout: 'ToolTimeout',
  /** The server could not be started or reached; nothing was sent. Retryable. */
  ServerUnavailable: 'ServerUnavailable',
  /** The connection dropped while the request was in flight (e.g. the server process died). Retryable. */
  ConnectionLost: 'ConnectionLost',
  /**
   * The server's circuit breaker is open (src/mcp/breaker/): nothing was sent. Retryable, with `nextRetryDelay` set to
   * when the breaker may half-open; a workflow with a fallback lists it in `ROUTE_AROUND_OPEN_BREAKER` instead.
   */
  BreakerOpen: 'BreakerOpen',
} as const;
export type ToolErrorType = (typeof ToolErrorType)[keyof typeof ToolErrorType];

/** Failure types no retry can fix. Business error types the server reports are non-retryable by their own flag. */
export const NON_RETRYABLE_TOOL_ERRORS: string[] = [
  ToolErrorType.ToolNotFound,
  ToolErrorType.InvalidToolArguments,
  ToolErrorType.UnsafeToRetry,
  ToolErrorType.AccessDenied,
  ToolErrorType.FileNotFound,
];

/** Add to a call's non-retryable types when the workflow has a fallback: an open breaker then fails the call at once. */
export const ROUTE_AROUND_OPEN_BREAKER: string[] = [ToolErrorType.BreakerOpen];

export function toolSafety(annotations: ToolAnnotations | undefined, hasIdempotencyKey: boolean): ToolSafety {
  if (annotations?.readOnlyHint === true) return 'read-only';
  if (annotations?.idempotentHint === true || hasIdempotencyKey) return 'idempotent';
  if (annotations?.destructiveHint === false) return 'additive';
  return 'unsafe';
}

/** The retry policy a workflow gives `callTool` for a tool with these annotations. */
export function retryPolicyFor(annotations: ToolAnnotations | undefined, hasIdempotencyKey: boolean): RetryPolicy {
  const base: RetryPolicy = {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: NON_RETRYABLE_TOOL_ERRORS,
  };
  switch (toolSafety(annotations, hasIdempotencyKey)) {
    case 'read-only':
      return { ...base, maximumAttempts: 10 };
    case 'idempotent':
      return { ...base, maximumAttempts: 6 };
    case 'additive':
      return { ...base, maximumAttempts: 3 };
    case 'unsafe':
      // The activity only lets a retry through after a failure that certainly had no effect (see above).
      return { ...base, maximumAttempts: 3 };
  }
}

/**
 * Heartbeat details an attempt leaves when it fails before its request reached the server, so the next attempt of an
 * unsafe call knows it may call again.
 */
export interface NotAppliedMarker {
  notAppliedAttempt: number;
  reason: string;
}

export function isNotAppliedMarkerFor(details: unknown, previousAttempt: number): boolean {
  return typeof details === 'object' && details !== null
    && (details as Partial<NotAppliedMarker>).notAppliedAttempt === previousAttempt;
}
