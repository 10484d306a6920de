import { createOutboxActivities } from './outbox.js';

/** What the activities touch, built once per worker process and passed in (tests pass the same real ones). */
export interface ActivityDeps {
  outboxDir?: string;
}

/** Every activity the worker registers, grouped by what they touch. */
export function createActivities(deps: ActivityDeps = {}) {
  return {
    ...createOutboxActivities(deps.outboxDir),
  };
}

export type Activities = ReturnType<typeof createActivities>;
