/**
 * A run's history in words: one row per thing that happened (a step scheduled, started, completed or failed; a timer;
 * a signal or update; the run's start and end), with its time, step name, attempt and outcome. Built from the raw
 * history events the server returns; workflow-task bookkeeping is left out unless asked for.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { optionalTsToDate } from '@temporalio/common/lib/time.js';

export type HistoryEvent = NonNullable<History['events']>[number];

export interface HistoryRow {
  eventId: number;
  time: string;
  /** The event's kind without Temporal's suffixes: `ActivityTaskCompleted`, `TimerFired`, … */
  event: string;
  /** The step it concerns: an activity's summary (or type), a timer, a signal or update name. */
  step: string;
  attempt?: number;
  outcome: string;
}

/** The event's kind, from the one `…EventAttributes` field it carries. */
export function eventKind(event: HistoryEvent): string {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes') && (event as Record<string, unknown>)[k]);
  return key ? key[0].toUpperCase() + key.slice(1, -'EventAttributes'.length) : 'Unknown';
}

/** What a person called a step: the summary shown in the Web UI, else the activity type. */
export function stepName(event: HistoryEvent): string {
  const summary = decode(event.userMetadata?.summary);
  const a = event.activityTaskScheduledEventAttributes;
  return typeof summary === 'string' && summary ? summary : a?.activityType?.name ?? localActivityOf(event)?.activityType ?? '';
}

/** A local activity as its marker records it (the SDK core's `core_local_activity` marker: one event, written when the
 * activity ended). */
export interface LocalActivityMarker {
  activityType: string;
  attempt: number;
  /** When it was first scheduled and when it ended (ISO), from the marker's own data. */
  scheduledAt?: string;
  endedAt?: string;
  failure?: FailureProto;
}

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

interface ProtoTime { seconds: number; nanos: number }
const isoOf = (t: ProtoTime | null | undefined) => (t ? new Date(t.seconds * 1000 + Math.floor(t.nanos / 1e6)).toISOString() : undefined);

/** The local activity a `MarkerRecorded` event records; undefined for any other event (patches, other markers). */
export function localActivityOf(event: HistoryEvent): LocalActivityMarker | undefined {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  const data = decode(marker.details?.data?.payloads?.[0]) as
    { activity_type?: string; attempt?: number; complete_time?: ProtoTime; original_schedule_time?: ProtoTime } | undefined;
  return {
    activityType: data?.activity_type ?? '',
    attempt: data?.attempt ?? 1,
    scheduledAt: isoOf(data?.original_schedule_time),
    endedAt: isoOf(data?.complete_time) ?? optionalTsToDate(event.eventTime)?.toISOString(),
    ...(marker.failure ? { failure: marker.failure as FailureProto } : {}),
  };
}

export function readableHistory(history: History, options: { all?: boolean } = {}): HistoryRow[] {
  const scheduled = new Map<number, string>();
  const attempts = new Map<number, number>();
  const rows: HistoryRow[] = [];
  for (const event of history.events ?? []) {
    const eventId = Number(event.eventId);
    const kind = eventKind(event);
    const time = optionalTsToDate(event.eventTime)?.toISOString() ?? '';
    const row = (step: string, outcome: string, attempt?: number) => rows.push({ eventId, time, event: kind, step, attempt, outcome });
    const a = event as Record<string, Record<string, unknown> | null | undefined> & HistoryEvent;
    switch (kind) {
      case 'WorkflowExecutionStarted':
        row(a.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '', 'started', a.workflowExecutionStartedEventAttributes?.attempt ?? undefined);
        break;
      case 'ActivityTaskScheduled':
        scheduled.set(eventId, stepName(event));
        row(stepName(event), 'scheduled');
        break;
      case 'ActivityTaskStarted': {
        const attr = a.activityTaskStartedEventAttributes!;
        attempts.set(Number(attr.scheduledEventId), attr.attempt ?? 1);
        row(scheduled.get(Number(attr.scheduledEventId)) ?? '', 'started', attr.attempt ?? 1);
        break;
      }
      case 'ActivityTaskCompleted':
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut':
      case 'ActivityTaskCanceled': {
        const attr = (a.activityTaskCompletedEventAttributes ?? a.activityTaskFailedEventAttributes
          ?? a.activityTaskTimedOutEventAttributes ?? a.activityTaskCanceledEventAttributes) as { scheduledEventId?: unknown; failure?: FailureProto };
        const id = Number(attr.scheduledEventId);
        row(scheduled.get(id) ?? '', kind === 'ActivityTaskCompleted' ? 'completed' : failureText(kind, attr.failure), attempts.get(id));
        break;
      }
      case 'MarkerRecorded': {
        const local = localActivityOf(event);
        if (local) row(stepName(event), local.failure ? failureText('LocalActivityFailed', local.failure) : 'completed (local activity)', local.attempt);
        else if (options.all) row('', '');
        break;
      }
      case 'TimerStarted':
        row(String(decode(event.userMetadata?.summary) ?? `timer ${a.timerStartedEventAttributes?.timerId}`),
          `waits ${durationText(a.timerStartedEventAttributes?.startToFireTimeout)}`);
        break;
      case 'TimerFired':
        row(`timer ${a.timerFiredEventAttributes?.timerId}`, 'fired');
        break;
      case 'WorkflowExecutionSignaled':
        row(a.workflowExecutionSignaledEventAttributes?.signalName ?? '', 'signal received');
        break;
      case 'WorkflowExecutionUpdateAccepted':
        row(a.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? '', 'update accepted');
        break;
      case 'WorkflowExecutionUpdateCompleted':
        row('', a.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure ? 'update failed' : 'update completed');
        break;
      case 'StartChildWorkflowExecutionInitiated':
        row(a.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? '', 'child started');
        break;
      case 'ChildWorkflowExecutionCompleted':
      case 'ChildWorkflowExecutionFailed':
        row(a.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId
          ?? a.childWorkflowExecutionFailedEventAttributes?.workflowExecution?.workflowId ?? '', kind === 'ChildWorkflowExecutionCompleted' ? 'child completed' : 'child failed');
        break;
      case 'WorkflowExecutionCompleted':
        row('', 'run completed');
        break;
      case 'WorkflowExecutionFailed':
        row('', failureText(kind, a.workflowExecutionFailedEventAttributes?.failure as FailureProto | undefined));
        break;
      case 'WorkflowExecutionCanceled':
      case 'WorkflowExecutionTerminated':
      case 'WorkflowExecutionTimedOut':
      case 'WorkflowExecutionContinuedAsNew':
      case 'WorkflowExecutionCancelRequested':
        row('', kind.replace('WorkflowExecution', 'run ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
        break;
      default:
        if (options.all) row('', '');
    }
  }
  return rows;
}

export interface FailureProto {
  message?: string | null;
  applicationFailureInfo?: { type?: string | null } | null;
  timeoutFailureInfo?: { timeoutType?: unknown } | null;
  cause?: FailureProto | null;
}

function failureText(kind: string, failure: FailureProto | undefined): string {
  const verb = kind.endsWith('TimedOut') ? 'timed out' : kind.endsWith('Canceled') ? 'cancelled' : 'failed';
  if (!failure) return verb;
  const inner = failure.applicationFailureInfo ? failure : failure.cause ?? failure;
  const type = inner.applicationFailureInfo?.type;
  return `${verb}: ${type ? `${type}: ` : ''}${inner.message ?? ''}`.trim();
}

function durationText(duration: { seconds?: unknown; nanos?: number | null } | null | undefined): string {
  const seconds = Number(duration?.seconds ?? 0) + (duration?.nanos ?? 0) / 1e9;
  return seconds >= 3600 ? `${+(seconds / 3600).toFixed(2)} h` : seconds >= 60 ? `${+(seconds / 60).toFixed(2)} min` : `${+seconds.toFixed(3)} s`;
}

function decode(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
}
