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

/** How long a task waits for the worker that cached its workflow before any worker may take it. @default "1 second" (SDK: 10 s) */
export const STICKY_QUEUE_SCHEDULE_TO_START_TIMEOUT = '1 second';
