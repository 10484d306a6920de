import { defineQuery, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Progress } from '../../shared/progress.js';
import { PROGRESS_QUERY } from '../../shared/progress.js';
import { OUTCOME, PATTERN, STATUS } from '../../shared/search-attributes.js';

export const progressQuery = defineQuery<Progress>(PROGRESS_QUERY);

let latest: ProgressReporter | undefined;

/** This workflow's reporter (module state is per workflow), for shared pieces that show a wait of their own. */
export function currentProgress(): ProgressReporter | undefined {
  return latest;
}

/**
 * A workflow's visible state: answers the `progress` query, keeps the Web UI's "current details" in step, and sets
 * the OrchestraStatus search attribute so runs can be filtered by where they are. A finished run names its business
 * outcome (`outcome`): it leads the current details and is the OrchestraOutcome search attribute, set in the same
 * upsert as the final status (so recording it adds no command).
 */
export class ProgressReporter {
  private current: Progress = { step: 'starting', state: 'running' };
  private lastStatus?: string;
  private lastOutcome?: string;

  constructor(pattern: string) {
    setHandler(progressQuery, () => this.current);
    latest = this; // eslint-disable-line @typescript-eslint/no-this-alias -- the workflow's one reporter, found by shared pieces
    upsertSearchAttributes([{ key: PATTERN, value: pattern }]);
  }

  /** Records where the workflow is; `details` merge into what was there. */
  update(next: Partial<Progress> & Pick<Progress, 'step'>): void {
    this.current = {
      ...this.current,
      state: 'running',
      ...next,
      details: next.details ? { ...this.current.details, ...next.details } : this.current.details,
    };
    const counts = this.current.total !== undefined ? ` (${this.current.done ?? 0}/${this.current.total})` : '';
    const { state, outcome } = this.current;
    setCurrentDetails(`**${outcome ?? state}** — ${this.current.step}${counts}`);
    if (state !== this.lastStatus || outcome !== this.lastOutcome) {
      this.lastStatus = state;
      this.lastOutcome = outcome;
      upsertSearchAttributes([{ key: STATUS, value: state }, ...(outcome ? [{ key: OUTCOME, value: outcome }] : [])]);
    }
  }

  get snapshot(): Progress {
    return this.current;
  }
}
