import type { Sink, Sinks } from '@temporalio/workflow';

/**
 * What workflow code reports to the worker's metrics (src/observability/metrics.ts) through a sink: a sink call adds no
 * command to history and is skipped on replay. The worker adds the workflow type as the `pattern` label.
 */
export interface OrchestraMetricsSink extends Sink {
  /** A saga undo ran: `compensated`, `nothing_to_undo` or `failed`. */
  compensation(outcome: string): void;
  /** An approval gate started waiting for a person. */
  approvalRequested(): void;
  /** The gate's wait ended: `approved`, `denied` or `timed_out`. */
  approvalResolved(decision: string): void;
  /** A fan-out branch finished: `succeeded`, `failed` or `cancelled`. */
  branch(outcome: string): void;
}

export interface OrchestraSinks extends Sinks {
  orchestraMetrics: OrchestraMetricsSink;
}
