/** `status`, `list` and `history`: where runs are, how they ended, what happened in one. */
import type { Command } from 'commander';
import { describeError } from '../../demo/run-demo.js';
import type { PendingApproval } from '../../schemas/approval.js';
import type { Question } from '../../schemas/elicitation.js';
import { readableHistory } from '../history.js';
import { isStatusFilter, listQuery, STATUS_FILTERS } from '../list-query.js';
import { out, print, progressLine, table, UsageError } from '../output.js';
import { describeRun, isClosed, outcomeOf, withClient } from '../runs.js';

export function inspectCommands(program: Command): void {
  program.command('status')
    .description("a run's state: while running, its progress (current step, counts, pending approval); once closed, how it ended")
    .argument('<workflowId>')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withClient(async (orchestra) => {
        const d = await describeRun(orchestra, id);
        const closed = isClosed(d.status.name);
        // A closed run shows how it ended; only a running one is asked where it is.
        const progress = closed ? undefined : await orchestra.progress(id).catch((e: unknown) => ({ unavailable: describeError(e) }));
        const status = {
          workflowId: d.workflowId, runId: d.runId, type: d.type, status: d.status.name, outcome: outcomeOf(d) ?? null,
          startTime: d.startTime.toISOString(), closeTime: d.closeTime?.toISOString() ?? null,
          url: orchestra.url(d.workflowId, d.runId), ...(progress ? { progress } : {}),
        };
        if (opts.json) return print(status, true);
        out(`${status.workflowId}  ${status.type}  ${status.status}${status.outcome ? ` — outcome: ${status.outcome}` : ''}`);
        out(`  started ${status.startTime}${status.closeTime ? `, closed ${status.closeTime}` : ''}`);
        if (progress && 'step' in progress) {
          out(`  ${progressLine(progress)}`);
          const pending = progress.details?.pendingApproval as PendingApproval | undefined;
          if (pending) {
            out(`  ⏳ WAITING FOR APPROVAL: ${pending.subject}`);
            out(`     requested ${pending.requestedAt}, times out ${pending.timesOutAt}`);
            out(`     decide with: ${pending.decideWith}`);
          }
          const question = progress.details?.pendingQuestion as Question | undefined;
          if (question) {
            out(`  ⏳ WAITING FOR AN ANSWER: ${question.server} asks "${question.message}" (during ${question.tool})`);
            out(`     asked ${question.askedAt}, declined if unanswered by ${question.timesOutAt}`);
            out(`     answer with: ${question.answerWith}`);
          }
          const accepted = progress.details?.acceptedEvents as string[] | undefined;
          if (accepted) out(`  state ${String(progress.details?.state)} — accepts: ${accepted.join(', ') || '(nothing: terminal)'}`);
          if (progress.details) out(`  details ${JSON.stringify(progress.details, null, 2).replace(/\n/g, '\n  ')}`);
        } else if (progress) {
          out(`  progress unavailable: ${progress.unavailable}`);
        } else {
          out(`  result: orchestra result ${status.workflowId}   events: orchestra history ${status.workflowId}`);
        }
        if (status.url) out(`  ${status.url}`);
      });
    });

  program.command('list')
    .description('recent runs, newest first, filterable by status, outcome and search attribute')
    .option('--pattern <type>', 'only this workflow type (OrchestraPattern)')
    .option('--status <status>', `Temporal's execution status: ${Object.keys(STATUS_FILTERS).join(', ')} (waiting: running and waiting on a person, timer or event)`)
    .option('--outcome <outcome>', 'only runs that ended so (OrchestraOutcome: completed, compensated, partial, escalated, denied, …)')
    .option('--query <visibilityQuery>', 'any Temporal visibility query, e.g. \'OrchestraEscalated = true\'')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'machine-readable output')
    .action(async (opts: { pattern?: string; status?: string; outcome?: string; query?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit: must be a positive whole number');
      if (opts.status !== undefined && !isStatusFilter(opts.status)) {
        throw new UsageError(`--status: must be one of ${Object.keys(STATUS_FILTERS).join(', ')}`);
      }
      const query = listQuery({ pattern: opts.pattern, status: opts.status as never, outcome: opts.outcome, query: opts.query });
      await withClient(async (orchestra) => {
        const runs = (await orchestra.list(query, limit)).map((r) => ({
          workflowId: r.workflowId, runId: r.runId, type: r.type, status: r.status.name, outcome: outcomeOf(r) ?? null,
          startTime: r.startTime.toISOString(),
        }));
        if (opts.json) return print(runs, true);
        if (!runs.length) return out('no runs');
        for (const line of table(['WORKFLOW ID', 'TYPE', 'STATUS', 'OUTCOME', 'STARTED'],
          runs.map((r) => [r.workflowId, r.type, r.status, r.outcome ?? '', r.startTime]))) out(line);
      });
    });

  program.command('history')
    .description("what happened in a run, in order: steps (scheduled, started, completed or failed, with attempt), timers, signals, updates")
    .argument('<workflowId>')
    .option('--all', 'include every event (workflow tasks too)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { all?: boolean; json?: boolean }) => {
      await withClient(async (orchestra) => {
        await describeRun(orchestra, id);
        const rows = readableHistory(await orchestra.history(id), { all: opts.all });
        if (opts.json) return print(rows, true);
        for (const line of table(['#', 'TIME', 'EVENT', 'STEP', 'ATTEMPT', 'OUTCOME'],
          rows.map((r) => [String(r.eventId), r.time, r.event, r.step, r.attempt ? String(r.attempt) : '', r.outcome]))) out(line);
      });
    });
}
