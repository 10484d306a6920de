/**
 * Orchestra's own Prometheus metrics (prom-client), next to the SDK runtime's (task queues, schedule-to-start latency,
 * slots: see ./endpoints.ts). One registry per process; the worker's activities and the workflow sink feed it.
 *
 *   orchestra_tool_calls_total{server,tool,outcome}            MCP tool calls by how they ended (ok, tool_error,
 *   orchestra_tool_call_duration_seconds{server,tool,outcome}    exception, cancelled), with their latency
 *   orchestra_activity_retries_total{activity}                 activity attempts after the first
 *   orchestra_compensations_total{pattern,outcome}             saga undos run (compensated, nothing_to_undo, failed)
 *   orchestra_approvals_pending                                runs of the namespace waiting for a person at an
 *                                                              approval gate (a visibility count, ./approvals-pending.ts)
 *   orchestra_approvals_total{decision}                        approvals resolved (approved, denied, timed_out)
 *   orchestra_branches_total{pattern,outcome}                  fan-out branches by outcome
 *   orchestra_breaker_state{server}                            an MCP server's circuit breaker (0 closed, 1 half-open,
 *                                                              2 open), set through `reportBreakerState`
 *
 * Workflow-side counts arrive through a sink that is not called on replay, so a run counts once per worker that runs it
 * live. `orchestra_approvals_pending` is a level, not a count of events, so it is not kept per process (a gate asked on
 * one worker may be decided on another, and a restarted worker forgets what it saw): each scrape counts the namespace's
 * runs flagged OrchestraApprovalPending. Every worker reports the same figure: take max, not sum, over workers.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'orchestra_process_' });

export const toolCalls = new Counter({
  name: 'orchestra_tool_calls_total',
  help: 'MCP tool calls by server, tool and outcome',
  labelNames: ['server', 'tool', 'outcome'] as const,
  registers: [registry],
});

export const toolCallDuration = new Histogram({
  name: 'orchestra_tool_call_duration_seconds',
  help: 'MCP tool call latency (the request, after the tool was found and its arguments checked)',
  labelNames: ['server', 'tool', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

export const activityRetries = new Counter({
  name: 'orchestra_activity_retries_total',
  help: 'Activity attempts after the first, by activity type',
  labelNames: ['activity'] as const,
  registers: [registry],
});

export const compensations = new Counter({
  name: 'orchestra_compensations_total',
  help: 'Saga compensations (undos) run, by workflow type and outcome',
  labelNames: ['pattern', 'outcome'] as const,
  registers: [registry],
});

let countPendingApprovals: (() => Promise<number>) | undefined;

export const approvalsPending = new Gauge({
  name: 'orchestra_approvals_pending',
  help: 'Runs waiting for a person at an approval gate, in the whole namespace (every worker reports it: take max over workers)',
  registers: [registry],
  async collect() {
    if (!countPendingApprovals) return;
    // An unreachable server keeps the last figure rather than failing the whole scrape.
    const count = await countPendingApprovals().catch(() => undefined);
    if (count !== undefined) this.set(count);
  },
});

/** Where each scrape reads `orchestra_approvals_pending` from (./approvals-pending.ts sets it); none: the metric stays 0. */
export function countApprovalsPendingWith(count: (() => Promise<number>) | undefined): void {
  countPendingApprovals = count;
}

export const approvals = new Counter({
  name: 'orchestra_approvals_total',
  help: 'Approvals resolved, by decision (approved, denied, timed_out)',
  labelNames: ['decision'] as const,
  registers: [registry],
});

export const branches = new Counter({
  name: 'orchestra_branches_total',
  help: 'Fan-out branches by workflow type and outcome',
  labelNames: ['pattern', 'outcome'] as const,
  registers: [registry],
});

export type BreakerState = 'closed' | 'half_open' | 'open';
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

export const breakerState = new Gauge({
  name: 'orchestra_breaker_state',
  help: "An MCP server's circuit breaker: 0 closed, 1 half-open, 2 open",
  labelNames: ['server'] as const,
  registers: [registry],
});

/** The hook for the circuit breaker: call it on every state change (and once when a breaker is created). */
export function reportBreakerState(server: string, state: BreakerState): void {
  breakerState.set({ server }, BREAKER_VALUE[state]);
}
