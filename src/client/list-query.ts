/**
 * `orchestra list` filters as one Temporal visibility query. `--status` is Temporal's own execution status (so a run
 * that continued as new is not "running", and a reminder waiting on its timer is); `waiting` narrows running runs to
 * those waiting on a person, a timer or an event (OrchestraStatus). `--outcome` is the OrchestraOutcome attribute.
 */
export const STATUS_FILTERS = {
  running: 'ExecutionStatus = "Running"',
  waiting: 'ExecutionStatus = "Running" AND OrchestraStatus = "waiting"',
  completed: 'ExecutionStatus = "Completed"',
  failed: 'ExecutionStatus = "Failed"',
  cancelled: 'ExecutionStatus = "Canceled"',
  terminated: 'ExecutionStatus = "Terminated"',
  timed_out: 'ExecutionStatus = "TimedOut"',
  continued_as_new: 'ExecutionStatus = "ContinuedAsNew"',
} as const;

export type StatusFilter = keyof typeof STATUS_FILTERS;

export function isStatusFilter(value: string): value is StatusFilter {
  return Object.hasOwn(STATUS_FILTERS, value);
}

export interface ListFilters {
  pattern?: string;
  status?: StatusFilter;
  outcome?: string;
  /** Any visibility query, ANDed with the rest. */
  query?: string;
}

/** The visibility query for the filters, or undefined for every run. */
export function listQuery(filters: ListFilters): string | undefined {
  const clauses = [
    filters.pattern && `OrchestraPattern = ${JSON.stringify(filters.pattern)}`,
    filters.status && `(${STATUS_FILTERS[filters.status]})`,
    filters.outcome && `OrchestraOutcome = ${JSON.stringify(filters.outcome)}`,
    filters.query && `(${filters.query})`,
  ].filter(Boolean);
  return clauses.length ? clauses.join(' AND ') : undefined;
}
