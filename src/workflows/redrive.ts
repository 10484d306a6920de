/**
 * Redrive: one dead letter's unit of work run again as its own run, linked to the run it came from (its input, static
 * details and memo name the original workflow, run and step). It marks the dead letter `redriven` (who, what changed),
 * makes the call, and marks it `resolved` with the outcome — or, when the call fails again, `pending` again with that
 * failure noted, for another correction and redrive (redrive_count counts the redrives started). The run's id is
 * `redrive-<deadLetterId>-<n>`, so asking twice for the same redrive runs it once.
 *
 * Idempotency: unchanged arguments reuse the original call's idempotency key, so an effect the original may already
 * have had is answered from the store instead of applied twice; corrected arguments are a new call with this run's key.
 */
import { isCancellation, workflowInfo } from '@temporalio/workflow';
import type { MarkDeadLetterResult } from '../shared/store-contract.js';
import { RedriveInput, type RedriveResult } from '../schemas/redrive.js';
import { describeToolCall } from '../shared/tool-call-description.js';
import { describeFailure } from './support/failures.js';
import { parseInput } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { callTool, stepKey, store } from './support/tools.js';

/** The store keeps a dead letter's note to 2,000 characters. */
const NOTE_LENGTH = 2_000;

export async function redrive(raw: RedriveInput): Promise<RedriveResult> {
  const input = parseInput(RedriveInput, raw);
  const progress = new ProgressReporter('redrive');
  const run = workflowInfo().workflowId;
  const id = input.deadLetterId;
  const note = (outcome: Record<string, unknown>) => noteText({ run, by: input.requestedBy, changes: input.changes, ...outcome });
  const mark = (status: 'redriven' | 'pending' | 'resolved', step: string, outcome: Record<string, unknown>) =>
    store<MarkDeadLetterResult>('mark_dead_letter', { id, status, note: note(outcome) }, { idempotencyKey: stepKey(step), summary: `mark ${id} ${status}` });

  progress.update({ step: `redriving ${id}: ${describeToolCall(input.call)}`, details: { deadLetterId: id, original: input.original } });
  await mark('redriven', 'mark-redriven', { outcome: 'running' });
  const call = { ...input.call, idempotencyKey: input.changes.length ? stepKey('redrive-call') : input.call.idempotencyKey };
  try {
    const result = await callTool(call, { summary: `redrive ${id} — ${input.original.step}` });
    await mark('resolved', 'mark-resolved', { outcome: 'completed' });
    progress.update({ step: `${id} redriven and resolved`, state: 'completed', outcome: 'completed' });
    return { deadLetterId: id, outcome: 'completed', result };
  } catch (err) {
    if (isCancellation(err)) throw err;
    const { type, message } = describeFailure(err);
    await mark('pending', 'mark-failed', { outcome: 'failed', error: { type, message: message.slice(0, 300) } });
    progress.update({ step: `redrive of ${id} failed (${type}); the dead letter stays open`, state: 'failed', outcome: 'failed' });
    throw err;
  }
}

/** The note as JSON, its change values dropped (paths kept) when it would not fit. */
function noteText(note: { changes: Array<{ path: string }> } & Record<string, unknown>): string {
  const full = JSON.stringify(note);
  if (full.length <= NOTE_LENGTH) return full;
  return JSON.stringify({ ...note, changes: note.changes.map((c) => c.path) }).slice(0, NOTE_LENGTH);
}
