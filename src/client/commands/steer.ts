/**
 * Talking to runs: `signal`, `update`, `approve`, `cancel`, `terminate`, `reset` and `retry`. Each says what really
 * happened: a closed run or an unknown handler changes nothing and exits non-zero.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Command } from 'commander';
import { ApprovalDecision, type ApprovalAck } from '../../schemas/approval.js';
import { DECIDE_UPDATE } from '../../shared/approval.js';
import { validate } from '../../shared/validation.js';
import type { Orchestra } from '../api.js';
import { NothingHappenedError, out, print, readJson, RejectedError, UsageError } from '../output.js';
import { NoResetPointError, type ResetTarget } from '../reset.js';
import { describeRun, isClosed, withClient } from '../runs.js';

/** The run, which must still be running for `what` to do anything. */
async function runningRun(orchestra: Orchestra, id: string, what: string) {
  const d = await describeRun(orchestra, id);
  if (isClosed(d.status.name)) throw new NothingHappenedError(`${id} has already finished (${d.status.name}): nothing to ${what}`);
  return d;
}

/** Sends an update; a validator's refusal (or an unknown update) is a RejectedError: nothing was recorded. */
export async function sendUpdate(orchestra: Orchestra, id: string, name: string, args: unknown[]): Promise<unknown> {
  await runningRun(orchestra, id, `update (${name})`);
  try {
    return await orchestra.update(id, name, args);
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError) throw new RejectedError(`${name} rejected by ${id}, nothing was recorded: ${e.cause?.message ?? e.message}`);
    if (e instanceof WorkflowNotFoundError) throw new NothingHappenedError(`${id} finished before the update arrived: nothing was recorded`);
    throw e;
  }
}

function argsOf(text: string | undefined): unknown[] {
  const raw = readJson(text, '--args');
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw : [raw];
}

export function steerCommands(program: Command): void {
  program.command('signal')
    .description('send a signal the run handles (exits 2 when it has no such signal)')
    .argument('<workflowId>')
    .argument('<name>')
    .option('-a, --args <json>', 'arguments as a JSON array (or one JSON value), or @file.json')
    .action(async (id: string, name: string, opts: { args?: string }) => {
      const args = argsOf(opts.args);
      await withClient(async (orchestra) => {
        await runningRun(orchestra, id, `signal (${name})`);
        const names = await orchestra.signalNames(id);
        if (names && !names.includes(name)) {
          throw new RejectedError(`${id} has no signal "${name}" (it handles: ${names.join(', ') || 'no signals'}); nothing was sent`);
        }
        await orchestra.signal(id, name, args);
        out(`signalled ${name} to ${id}${names ? '' : ' (no worker answered, so its handlers could not be checked)'}`);
      });
    });

  program.command('update')
    .description('send a validated update and print its answer (exits 2 when the run rejects it)')
    .argument('<workflowId>')
    .argument('<name>')
    .option('-a, --args <json>', 'arguments as a JSON array (or one JSON value), or @file.json')
    .action(async (id: string, name: string, opts: { args?: string }) => {
      const args = argsOf(opts.args);
      await withClient(async (orchestra) => print(await sendUpdate(orchestra, id, name, args), false));
    });

  program.command('approve')
    .description('decide the approval a run is waiting for: approve it, or deny it with --deny')
    .argument('<workflowId>')
    .requiredOption('--by <name>', 'who decides: a name (e.g. "Ada Lovelace", ops-lead) or an e-mail address')
    .option('--deny', 'deny instead of approving')
    .option('--comment <text>', 'a note recorded with the decision')
    .option('--json', 'print the acknowledgement as JSON')
    .action(async (id: string, opts: { by: string; deny?: boolean; comment?: string; json?: boolean }) => {
      const parsed = validate(ApprovalDecision, { decision: opts.deny ? 'denied' : 'approved', approver: opts.by, comment: opts.comment });
      if (!parsed.ok) throw new UsageError(`invalid decision, nothing was sent: ${parsed.message}`);
      await withClient(async (orchestra) => {
        const ack = await sendUpdate(orchestra, id, DECIDE_UPDATE, [parsed.value]) as ApprovalAck;
        if (opts.json) return print(ack, true);
        out(`${ack.decision} by ${ack.approver} at ${ack.decidedAt}: ${ack.subject}${ack.comment ? ` (${ack.comment})` : ''}`);
      });
    });

  program.command('cancel')
    .description('request cancellation of a running run (patterns clean up: a saga compensates)')
    .argument('<workflowId>')
    .action(async (id: string) => {
      await withClient(async (orchestra) => {
        await runningRun(orchestra, id, 'cancel');
        await orchestra.cancel(id);
        out(`cancellation requested for ${id}; it cleans up and ends as CANCELLED (orchestra status ${id})`);
      });
    });

  program.command('terminate')
    .description('end a running run at once: no clean-up runs (prefer cancel)')
    .argument('<workflowId>')
    .option('--reason <text>', 'recorded in the run\'s history', 'terminated with orchestra terminate')
    .action(async (id: string, opts: { reason: string }) => {
      await withClient(async (orchestra) => {
        await runningRun(orchestra, id, 'terminate');
        await orchestra.terminate(id, opts.reason);
        out(`terminated ${id}: ${opts.reason}`);
      });
    });

  const reset = (id: string, target: ResetTarget, reason: string) => withClient(async (orchestra) => {
    await describeRun(orchestra, id);
    try {
      const { runId, resetToEventId } = await orchestra.reset(id, target, reason);
      out(`reset ${id} to event ${resetToEventId}: new run ${runId}`);
      const url = orchestra.url(id, runId);
      if (url) out(url);
    } catch (e) {
      if (e instanceof NoResetPointError) throw new UsageError(`cannot reset ${id}: ${e.message}`);
      throw e;
    }
  });

  program.command('reset')
    .description("Temporal's reset: a new run of the same id that replays up to a point and runs the rest again")
    .argument('<workflowId>')
    .option('--to <step>', 'run this step (its summary, e.g. store.charge_payment, or activity type) and what follows again; default: the last decision')
    .option('--reason <text>', 'recorded with the reset', 'reset with orchestra reset')
    .action(async (id: string, opts: { to?: string; reason: string }) => {
      await reset(id, opts.to ? { to: 'step', step: opts.to } : { to: 'last' }, opts.reason);
    });

  program.command('retry')
    .description('run a (failed) run again from its start, same id and input (a reset to its first workflow task)')
    .argument('<workflowId>')
    .option('--reason <text>', 'recorded with the reset', 'retried with orchestra retry')
    .action(async (id: string, opts: { reason: string }) => {
      await reset(id, { to: 'first' }, opts.reason);
    });
}
