/**
 * How fast a dead worker's work moves elsewhere: the timeouts that decide when Temporal gives up on a worker that
 * stopped answering (killed, frozen, its host gone). Sized to the work, not to the worst case — a 5 ms store call does
 * not need 20 s to be declared lost — so that in-flight work resumes on another worker within about 5 s (measured by
 * `npm run chaos`, figures in RELIABILITY.md). Pure constants: workflows import them.
 *
 * - A tool call heartbeats every third of its heartbeat timeout while its request is in flight (src/activities/mcp.ts),
 *   so a live call is never declared lost however long it runs; a dead worker's call is retried after this timeout
 *   plus the retry policy's first interval (1 s).
 * - A workflow task a dead worker was holding is retried after the workflow task timeout.
 * - A workflow's next task goes to the worker that ran it last (its sticky queue, where its state is cached); if that
 *   worker does not take it within the sticky timeout it goes to the shared queue, where any worker replays it.
 */

/** Heartbeat timeout of MCP tool calls. @default "2 seconds" (was 20 s) */
export const TOOL_CALL_HEARTBEAT_TIMEOUT = '2 seconds';

/**
 * The most the worker holds back a heartbeat (the SDK sends at most one per 80% of the heartbeat timeout otherwise,
 * which leaves a 2 s timeout only 0.4 s of slack on a loaded machine). @default "500 milliseconds"
 */
export const MAX_HEARTBEAT_THROTTLE_INTERVAL = '500 milliseconds';

/** Workflow task timeout of the runs Orchestra starts. @default "4 seconds" (Temporal's default is 10 s) */
export const WORKFLOW_TASK_TIMEOUT = '4 seconds';

/**
 * The longest one activation of workflow code may run in the worker's sandbox (the SDK's `isolateExecutionTimeout`).
 * When an activation overruns it while the SDK's promise hooks are at work, Node does not stop the sandbox cleanly: the
 * whole worker process dies with "async hook stack has become corrupted" (temporalio/sdk-typescript#939) instead of
 * failing the one workflow task. Reproduced with a definition's 1,001-item `set` map (1,000 expressions in one
 * activation) and the limit lowered to 150 ms; with the SDK's 5 s it happened in the everyday test suite and the bench at
 * load average 10–15 on 2 cores. A workflow in a real endless loop is still stopped, later.
 * @default "30 seconds" (SDK: 5 s)
 */
export const WORKFLOW_ACTIVATION_TIMEOUT = '30 seconds';

/** How long a task waits for the worker that cached its workflow before any worker may take it. @default "1 second" (SDK: 10 s) */
export const STICKY_QUEUE_SCHEDULE_TO_START_TIMEOUT = '1 second';

/**
 * Heartbeat timeout of language-model calls (`generateText`, `chooseToolCall`): they heartbeat while they wait for the
 * model's answer (src/activities/keep-alive.ts). @default "2 seconds" (was none: a dead worker's call was noticed only
 * at its 90 s start-to-close)
 */
export const LLM_CALL_HEARTBEAT_TIMEOUT = '2 seconds';

/** One attempt at a language-model call: the model's own slowest answer, not a dead worker. @default "90 seconds" */
export const LLM_CALL_START_TO_CLOSE_TIMEOUT = '90 seconds';

/** One attempt at a tool call (its heartbeat notices a dead worker far sooner). @default "1 minute" */
export const TOOL_CALL_START_TO_CLOSE_TIMEOUT = '1 minute';

/**
 * Text activities (src/activities/text.ts: TextRank, AFINN, BM25, …) are synchronous CPU work that cannot heartbeat, so
 * their start-to-close timeout is what notices a dead worker. It is sized to the input: up to SHORT_TEXT_CHARS of input
 * JSON (measured on the loaded 2-core machine: ≤ 0.6 s for any analysis of 10,000 characters) an attempt gets
 * SHORT_TEXT_START_TO_CLOSE_TIMEOUT, so a dead worker's analysis runs elsewhere within ~5 s; longer inputs keep
 * TEXT_START_TO_CLOSE_TIMEOUT (a TextRank summary of 100,000 characters took 24 s there).
 */
export const SHORT_TEXT_CHARS = 10_000;
/** @default "4 seconds" (was 1 minute) */
export const SHORT_TEXT_START_TO_CLOSE_TIMEOUT = '4 seconds';
/** @default "1 minute" */
export const TEXT_START_TO_CLOSE_TIMEOUT = '1 minute';

/** What an activity waits on: an MCP server (tool), a language model (llm), or the worker's own CPU (text). */
export type ActivityKind = 'tool' | 'llm' | 'text';

export interface RecoveryTimeouts {
  startToCloseTimeout: string;
  heartbeatTimeout?: string;
}

/** The timeouts of one activity of `kind`; a text activity's by the size of its input (characters of its JSON). */
export function recoveryTimeouts(kind: ActivityKind, input?: unknown): RecoveryTimeouts {
  switch (kind) {
    case 'tool':
      return { startToCloseTimeout: TOOL_CALL_START_TO_CLOSE_TIMEOUT, heartbeatTimeout: TOOL_CALL_HEARTBEAT_TIMEOUT };
    case 'llm':
      return { startToCloseTimeout: LLM_CALL_START_TO_CLOSE_TIMEOUT, heartbeatTimeout: LLM_CALL_HEARTBEAT_TIMEOUT };
    case 'text':
      return { startToCloseTimeout: JSON.stringify(input ?? null).length <= SHORT_TEXT_CHARS ? SHORT_TEXT_START_TO_CLOSE_TIMEOUT : TEXT_START_TO_CLOSE_TIMEOUT };
  }
}
