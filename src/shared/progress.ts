/** The shape every workflow's `progress` query returns; the CLI renders it while waiting. */
export interface Progress {
  /** The pattern's own words for where it is, e.g. `waiting for approval`, `compensating`. */
  step: string;
  /** Overall state: running, waiting (on a person, a timer or an event), or finished. */
  state: 'running' | 'waiting' | 'completed' | 'failed';
  /** Once finished: the business outcome in the pattern's words (`completed`, `compensated`, `partial`, `escalated`,
   * `denied`, …); also the run's OrchestraOutcome search attribute. */
  outcome?: string;
  /** Units done and total, where the pattern counts something (branches, steps, iterations). */
  done?: number;
  total?: number;
  /** Anything else worth showing: per-pattern state (pending approval, executed steps, …). */
  details?: Record<string, unknown>;
}

export const PROGRESS_QUERY = 'progress';
