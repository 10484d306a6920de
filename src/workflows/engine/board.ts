/**
 * Where each step of a definition run is — pending, running, completed, failed, skipped or compensated — published
 * through the `progress` query (details.steps), the Web UI's current details and the status search attribute.
 * Nested steps have paths: `steps.gather.branches.users`, `steps.refine.loop[2].search`, `steps.each.map[4]`.
 */
import type { ProgressReporter } from '../support/progress.js';

export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'compensated';

export interface StepState {
  status: StepStatus;
  error?: { type: string; message: string };
  /** A failure a catch step recovered from. */
  caught?: { type: string; message: string };
  note?: string;
}

export class StepBoard {
  readonly steps: Record<string, StepState> = {};

  /** `name` and `version` are the definition's; `path` the scope shown (a loop child shows its loop's body). */
  constructor(private readonly name: string, private readonly version: string, ids: string[], private readonly progress: ProgressReporter, private readonly path = 'steps') {
    for (const id of ids) this.steps[`${path}.${id}`] = { status: 'pending' };
  }

  set(path: string, state: StepState, now?: string): void {
    this.steps[path] = state;
    const top = Object.entries(this.steps).filter(([p]) => p.startsWith(`${this.path}.`) && !p.slice(this.path.length + 1).includes('.'));
    this.progress.update({
      step: now ?? `${path.replace(/^steps\./, '')} ${state.status}`,
      done: top.filter(([, s]) => s.status !== 'pending' && s.status !== 'running').length,
      total: top.length,
      details: { definition: this.name, version: this.version, steps: { ...this.steps } },
    });
  }

  status(path: string): StepStatus | undefined {
    return this.steps[path]?.status;
  }
}
