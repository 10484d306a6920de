import { defineQuery, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Progress } from '../../shared/progress.js';
import { PROGRESS_QUERY } from '../../shared/progress.js';
import { PATTERN, STATUS } from '../../shared/search-attributes.js';

export const progressQuery = defineQuery<Progress>(PROGRESS_QUERY);

/**
 * A workflow's visible state: answers the `progress` query, keeps the Web UI's "current details" in step, and sets
 * the OrchestraStatus search attribute so runs can be filtered by where they are.
 */
export class ProgressReporter {
  private current: Progress = { step: 'starting', state: 'running' };
  private lastStatus?: string;

  constructor(pattern: string) {
    setHandler(progressQuery, () => this.current);
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
    setCurrentDetails(`**${this.current.state}** — ${this.current.step}${counts}`);
    if (this.current.state !== this.lastStatus) {
      this.lastStatus = this.current.state;
      upsertSearchAttributes([{ key: STATUS, value: this.current.state }]);
    }
  }

  get snapshot(): Progress {
    return this.current;
  }
}
