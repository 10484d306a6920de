/**
 * A run's execution timeline (the seeds' per-node monitoring): one row per step — each activity, timer, child workflow
 * and update — with when it was scheduled, started and ended, how it ended and after how many attempts. Built from the
 * run's history, which records all of it; nothing extra is written while the run runs.
 */
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { optionalTsToDate } from '@temporalio/common/lib/time.js';
import { eventKind, localActivityOf, stepName, type HistoryEvent } from './history.js';

export interface TimelineStep {
  /** What a person called it: the activity summary, `timer …`, a child's workflow id, `update <name>`. */
  step: string;
  kind: 'activity' | 'timer' | 'child' | 'update';
  /** The activity type, for activities (`callTool`, `analyzeSentiment`, …). */
  activity?: string;
  /** ISO times; `start` is when it was scheduled (so queueing counts), `end` absent while it runs. */
  start: string;
  end?: string;
  durationMs?: number;
  outcome: string;
  attempts?: number;
}

const timeOf = (event: HistoryEvent) => optionalTsToDate(event.eventTime)?.toISOString() ?? '';

interface FailureLike { message?: string | null; applicationFailureInfo?: { type?: string | null } | null; cause?: FailureLike | null }

function failed(verb: string, failure: FailureLike | null | undefined): string {
  const inner = failure?.applicationFailureInfo ? failure : failure?.cause ?? failure;
  const type = inner?.applicationFailureInfo?.type;
  return type ? `${verb}: ${type}` : verb;
}

export function timeline(history: History): TimelineStep[] {
  const steps: TimelineStep[] = [];
  const open = new Map<string, TimelineStep>();
  const finish = (key: string, event: HistoryEvent, outcome: string, attempts?: number) => {
    const step = open.get(key);
    if (!step) return;
    open.delete(key);
    step.end = timeOf(event);
    step.durationMs = Date.parse(step.end) - Date.parse(step.start);
    step.outcome = outcome;
    if (attempts !== undefined) step.attempts = attempts;
  };
  const begin = (key: string, step: TimelineStep) => {
    open.set(key, step);
    steps.push(step);
  };
  const attempts = new Map<string, number>();
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    const at = timeOf(event);
    switch (eventKind(event)) {
      case 'ActivityTaskScheduled':
        begin(`a${id}`, {
          step: stepName(event), kind: 'activity', activity: event.activityTaskScheduledEventAttributes!.activityType?.name ?? '',
          start: at, outcome: 'running', attempts: 1,
        });
        break;
      case 'ActivityTaskStarted': {
        const attr = event.activityTaskStartedEventAttributes!;
        attempts.set(`a${String(attr.scheduledEventId)}`, attr.attempt ?? 1);
        break;
      }
      case 'ActivityTaskCompleted': {
        const key = `a${String(event.activityTaskCompletedEventAttributes!.scheduledEventId)}`;
        finish(key, event, 'completed', attempts.get(key));
        break;
      }
      case 'ActivityTaskFailed': {
        const attr = event.activityTaskFailedEventAttributes!;
        const key = `a${String(attr.scheduledEventId)}`;
        finish(key, event, failed('failed', attr.failure), attempts.get(key));
        break;
      }
      case 'ActivityTaskTimedOut': {
        const attr = event.activityTaskTimedOutEventAttributes!;
        const key = `a${String(attr.scheduledEventId)}`;
        finish(key, event, 'timed out', attempts.get(key));
        break;
      }
      case 'ActivityTaskCanceled': {
        const key = `a${String(event.activityTaskCanceledEventAttributes!.scheduledEventId)}`;
        finish(key, event, 'cancelled', attempts.get(key));
        break;
      }
      case 'MarkerRecorded': {
        const local = localActivityOf(event); // a local activity: one marker once it ended
        if (!local) break;
        const start = local.scheduledAt ?? at;
        const end = local.endedAt ?? at;
        steps.push({
          step: stepName(event), kind: 'activity', activity: local.activityType, start, end,
          durationMs: Date.parse(end) - Date.parse(start), outcome: local.failure ? failed('failed', local.failure) : 'completed', attempts: local.attempt,
        });
        break;
      }
      case 'TimerStarted': {
        const attr = event.timerStartedEventAttributes!;
        begin(`t${attr.timerId}`, { step: stepName(event) || `timer ${attr.timerId}`, kind: 'timer', start: at, outcome: 'waiting' });
        break;
      }
      case 'TimerFired':
        finish(`t${event.timerFiredEventAttributes!.timerId}`, event, 'fired');
        break;
      case 'TimerCanceled':
        finish(`t${event.timerCanceledEventAttributes!.timerId}`, event, 'cancelled');
        break;
      case 'StartChildWorkflowExecutionInitiated':
        begin(`c${id}`, { step: event.startChildWorkflowExecutionInitiatedEventAttributes!.workflowId ?? '', kind: 'child', start: at, outcome: 'running' });
        break;
      case 'ChildWorkflowExecutionCompleted':
        finish(`c${String(event.childWorkflowExecutionCompletedEventAttributes!.initiatedEventId)}`, event, 'completed');
        break;
      case 'ChildWorkflowExecutionFailed': {
        const attr = event.childWorkflowExecutionFailedEventAttributes!;
        finish(`c${String(attr.initiatedEventId)}`, event, failed('failed', attr.failure));
        break;
      }
      case 'ChildWorkflowExecutionCanceled':
        finish(`c${String(event.childWorkflowExecutionCanceledEventAttributes!.initiatedEventId)}`, event, 'cancelled');
        break;
      case 'ChildWorkflowExecutionTimedOut':
      case 'ChildWorkflowExecutionTerminated': {
        const attr = event.childWorkflowExecutionTimedOutEventAttributes ?? event.childWorkflowExecutionTerminatedEventAttributes;
        finish(`c${String(attr!.initiatedEventId)}`, event, eventKind(event).endsWith('TimedOut') ? 'timed out' : 'terminated');
        break;
      }
      case 'WorkflowExecutionUpdateAccepted': {
        const attr = event.workflowExecutionUpdateAcceptedEventAttributes!;
        begin(`u${attr.acceptedRequest?.meta?.updateId ?? attr.protocolInstanceId ?? id}`, { step: `update ${attr.acceptedRequest?.input?.name ?? ''}`, kind: 'update', start: at, outcome: 'running' });
        break;
      }
      case 'WorkflowExecutionUpdateCompleted': {
        const attr = event.workflowExecutionUpdateCompletedEventAttributes!;
        finish(`u${attr.meta?.updateId ?? ''}`, event, attr.outcome?.failure ? 'failed' : 'completed');
        break;
      }
      default:
    }
  }
  return steps;
}
