/**
 * Where Temporal's reset should rewind a run to. A reset keeps the history up to a completed workflow task and
 * replays the workflow from there in a new run (same workflow id), so the steps after it run again:
 *   - `first`: the first workflow task — the whole run again, with the same input (`orchestra retry`);
 *   - `last`: the last completed workflow task — what the run decided last is decided again (a failed run retries its
 *     last step's decision);
 *   - a step: the last workflow task completed before that step's activity was first scheduled (matched by its summary,
 *     e.g. `store.charge_payment`, or its activity type), so that step and everything after it run again. A local
 *     activity has no scheduled event: its marker comes with the workflow task that ran it, which is the one reset to.
 */
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { eventKind, localActivityOf, stepName, type HistoryEvent } from './history.js';

export type ResetTarget = { to: 'first' } | { to: 'last' } | { to: 'step'; step: string };

export class NoResetPointError extends Error {}

/** The event id of the WorkflowTaskCompleted event to reset to. */
export function resetPoint(history: History, target: ResetTarget): number {
  const events = history.events ?? [];
  const completedTasks = events.filter((e) => eventKind(e) === 'WorkflowTaskCompleted').map((e) => Number(e.eventId));
  if (!completedTasks.length) throw new NoResetPointError('the run has no completed workflow task to reset to');
  if (target.to === 'first') return completedTasks[0];
  if (target.to === 'last') return completedTasks[completedTasks.length - 1];

  const scheduled = events.filter((e) => eventKind(e) === 'ActivityTaskScheduled' || localActivityOf(e));
  const step = scheduled.find((e) => matches(e, target.step));
  if (!step) {
    const names = [...new Set(scheduled.map(stepName))];
    throw new NoResetPointError(`no step "${target.step}" in this run; its steps: ${names.join(', ') || 'none'}`);
  }
  const before = completedTasks.filter((id) => id < Number(step.eventId));
  if (!before.length) throw new NoResetPointError(`step "${target.step}" was scheduled before any workflow task completed`);
  return before[before.length - 1];
}

function matches(event: HistoryEvent, step: string): boolean {
  const name = stepName(event);
  const type = event.activityTaskScheduledEventAttributes?.activityType?.name ?? localActivityOf(event)?.activityType ?? '';
  return name === step || name.startsWith(`${step} `) || type === step;
}
