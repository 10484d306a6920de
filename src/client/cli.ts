/**
 * The `orchestra` command line, built on the typed client API (src/client/api.ts).
 * Exit codes: 0 success, 1 the workflow failed, 2 bad usage or invalid input (nothing started), 3 Temporal unreachable.
 */
import fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowExecutionInfo } from '@temporalio/client';
import { z } from 'zod';
import { describeError } from '../demo/run-demo.js';
import { ApprovalDecision, type ApprovalAck, type PendingApproval } from '../schemas/approval.js';
import { catalog } from '../schemas/catalog.js';
import { DECIDE_UPDATE } from '../shared/approval.js';
import type { Progress } from '../shared/progress.js';
import { validate } from '../shared/validation.js';
import { InvalidInputError, Orchestra, TemporalUnreachableError, UnknownWorkflowError, validateInput } from './api.js';
import { addDefinitionCommands, workflowFor } from './definition-commands.js';

class UsageError extends Error {}
/** The workflow refused what was sent (an update's validator said no); nothing was recorded. */
class RejectedError extends Error {}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** `--input '{"a":1}'` or `--input @file.json`. */
function readJson(text: string | undefined, what: string): unknown {
  if (text === undefined) return {};
  const source = text.startsWith('@') ? readFile(text.slice(1), what) : text;
  try {
    return JSON.parse(source);
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function readFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} file ${file}: ${(e as Error).message}`);
  }
}

function print(value: unknown, json: boolean): void {
  out(json ? JSON.stringify(value) : JSON.stringify(value, null, 2));
}

function progressLine(p: Progress): string {
  const counts = p.total !== undefined ? ` ${p.done ?? 0}/${p.total}` : '';
  return `${p.state}: ${p.step}${counts}`;
}

/** A one-line spinner on stderr, fed by the workflow's progress query; silent when stderr is not a terminal. */
function spinner(enabled: boolean) {
  const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  let i = 0;
  let text = 'starting';
  const timer = enabled ? setInterval(() => process.stderr.write(`\r\x1b[2K${frames[i++ % frames.length]} ${text}`), 120) : undefined;
  return {
    set(p: Progress) { text = progressLine(p); },
    stop() {
      if (timer) { clearInterval(timer); process.stderr.write('\r\x1b[2K'); }
    },
  };
}

async function withClient<T>(fn: (orchestra: Orchestra) => Promise<T>): Promise<T> {
  const orchestra = await Orchestra.connect();
  try {
    return await fn(orchestra);
  } finally {
    await orchestra.close();
  }
}

function runsTable(runs: WorkflowExecutionInfo[]): string[] {
  return runs.map((r) => [
    r.workflowId.padEnd(44), r.type.padEnd(20), r.status.name.padEnd(12), r.startTime.toISOString(),
  ].join(' '));
}

export function buildProgram(): Command {
  const program = new Command('orchestra')
    .description('Start, follow and steer Orchestra workflows on Temporal')
    .showHelpAfterError()
    .exitOverride();

  program.command('workflows')
    .description('list the workflow types with their input schema (JSON Schema)')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => {
      const types = Object.entries(catalog).map(([name, spec]) => ({
        name,
        description: spec.description,
        input: z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' }),
      }));
      if (opts.json) return print(types, true);
      for (const t of types) {
        out(`${t.name} — ${t.description}`);
        out(`  input schema: ${JSON.stringify(t.input, null, 2).replace(/\n/g, '\n  ')}`);
      }
    });

  const inputOption = new Option('-i, --input <json>', 'workflow input as JSON, or @file.json').default(undefined);

  program.command('run')
    .description('start a workflow, show its progress and print its result')
    .argument('<workflowType>', 'a workflow type, a definition file (.yaml/.yml/.json) or a definition name')
    .addOption(inputOption)
    .option('--id <workflowId>', 'workflow id (default: a readable id derived from the input)')
    .option('--json', 'print only the result JSON on stdout')
    .action(async (argument: string, opts: { input?: string; id?: string; json?: boolean }) => {
      const [type, input] = workflowFor(argument, readJson(opts.input, '--input'));
      validateInput(type as never, input); // before connecting: bad input starts nothing
      await withClient(async (orchestra) => {
        const spin = spinner(Boolean(process.stderr.isTTY) && !opts.json);
        try {
          const result = await orchestra.execute(type as never, input as never, {
            workflowId: opts.id,
            onStart: (run) => { if (!opts.json) err(`started ${run.workflowId}${run.url ? `  ${run.url}` : ''}`); },
            onProgress: (p) => spin.set(p),
          });
          spin.stop();
          print(result, Boolean(opts.json));
        } finally {
          spin.stop();
        }
      });
    });

  program.command('start')
    .description('start a workflow without waiting; prints its id and Web UI link')
    .argument('<workflowType>', 'a workflow type, a definition file (.yaml/.yml/.json) or a definition name')
    .addOption(inputOption)
    .option('--id <workflowId>', 'workflow id')
    .option('--json', 'machine-readable output')
    .action(async (argument: string, opts: { input?: string; id?: string; json?: boolean }) => {
      const [type, input] = workflowFor(argument, readJson(opts.input, '--input'));
      validateInput(type as never, input);
      await withClient(async (orchestra) => {
        const run = await orchestra.start(type as never, input as never, { workflowId: opts.id });
        if (opts.json) return print(run, true);
        out(`started ${run.workflowId} (run ${run.runId})`);
        if (run.url) out(run.url);
      });
    });

  program.command('result')
    .description('wait for a run and print its result')
    .argument('<workflowId>')
    .option('--json', 'print only the result JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withClient(async (orchestra) => print(await orchestra.result(id), Boolean(opts.json)));
    });

  program.command('status')
    .description("show a run's state and its progress (current step, pending approvals, …)")
    .argument('<workflowId>')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withClient(async (orchestra) => {
        const d = await orchestra.describe(id);
        const progress = await orchestra.progress(id).catch((e: unknown) => ({ unavailable: describeError(e) }));
        const status = {
          workflowId: d.workflowId, runId: d.runId, type: d.type, status: d.status.name,
          startTime: d.startTime.toISOString(), closeTime: d.closeTime?.toISOString(),
          url: orchestra.url(d.workflowId, d.runId), progress,
        };
        if (opts.json) return print(status, true);
        out(`${status.workflowId}  ${status.type}  ${status.status}`);
        out(`  started ${status.startTime}${status.closeTime ? `, closed ${status.closeTime}` : ''}`);
        if ('step' in progress) out(`  ${progressLine(progress)}`);
        const pending = 'step' in progress ? progress.details?.pendingApproval as PendingApproval | undefined : undefined;
        if (pending) {
          out(`  ⏳ WAITING FOR APPROVAL: ${pending.subject}`);
          out(`     requested ${pending.requestedAt}, times out ${pending.timesOutAt}`);
          out(`     decide with: ${pending.decideWith}`);
        }
        if ('step' in progress && progress.details) out(`  details ${JSON.stringify(progress.details, null, 2).replace(/\n/g, '\n  ')}`);
        if (status.url) out(`  ${status.url}`);
      });
    });

  program.command('list')
    .description('recent runs, newest first, filterable by search attribute')
    .option('--pattern <type>', 'only this workflow type (OrchestraPattern)')
    .option('--status <state>', 'only runs whose OrchestraStatus is this (running, waiting, completed, failed)')
    .option('--query <visibilityQuery>', 'any Temporal visibility query, e.g. \'OrchestraEscalated = true\'')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'machine-readable output')
    .action(async (opts: { pattern?: string; status?: string; query?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit: must be a positive whole number');
      const clauses = [
        opts.pattern && `OrchestraPattern = ${JSON.stringify(opts.pattern)}`,
        opts.status && `OrchestraStatus = ${JSON.stringify(opts.status)}`,
        opts.query && `(${opts.query})`,
      ].filter(Boolean);
      await withClient(async (orchestra) => {
        const runs = await orchestra.list(clauses.length ? clauses.join(' AND ') : undefined, limit);
        if (opts.json) return print(runs.map((r) => ({ workflowId: r.workflowId, runId: r.runId, type: r.type, status: r.status.name, startTime: r.startTime })), true);
        if (!runs.length) return out('no runs');
        for (const line of runsTable(runs)) out(line);
      });
    });

  for (const kind of ['signal', 'update'] as const) {
    program.command(kind)
      .description(kind === 'update' ? 'send a validated update and print its answer' : 'send a signal')
      .argument('<workflowId>')
      .argument('<name>')
      .option('-a, --args <json>', 'arguments as a JSON array (or one JSON value), or @file.json')
      .action(async (id: string, name: string, opts: { args?: string }) => {
        const raw = opts.args === undefined ? [] : readJson(opts.args, '--args');
        const args = Array.isArray(raw) ? raw : [raw];
        await withClient(async (orchestra) => {
          if (kind === 'signal') {
            await orchestra.signal(id, name, args);
            out(`signalled ${name} to ${id}`);
          } else {
            print(await orchestra.update(id, name, args), false);
          }
        });
      });
  }

  program.command('approve')
    .description('decide the approval a run is waiting for: approve it, or deny it with --deny')
    .argument('<workflowId>')
    .requiredOption('--by <name>', 'who decides: a name (e.g. "Ada Lovelace", ops-lead) or an e-mail address')
    .option('--deny', 'deny instead of approving')
    .option('--comment <text>', 'a note recorded with the decision')
    .option('--json', 'print the acknowledgement as JSON')
    .action(async (id: string, opts: { by: string; deny?: boolean; comment?: string; json?: boolean }) => {
      const parsed = validate(ApprovalDecision, { decision: opts.deny ? 'deny' : 'approve', approver: opts.by, comment: opts.comment });
      if (!parsed.ok) throw new UsageError(`invalid decision, nothing was sent: ${parsed.message}`);
      await withClient(async (orchestra) => {
        let ack: ApprovalAck;
        try {
          ack = await orchestra.update(id, DECIDE_UPDATE, [parsed.value]) as ApprovalAck;
        } catch (e) {
          if (e instanceof WorkflowUpdateFailedError) throw new RejectedError(`decision rejected by ${id}: ${e.cause?.message ?? e.message}`);
          if (e instanceof WorkflowNotFoundError) throw new RejectedError(`no approval to decide: ${id}: ${e.message}`);
          throw e;
        }
        if (opts.json) return print(ack, true);
        out(`${ack.decision} by ${ack.approver} at ${ack.decidedAt}: ${ack.subject}${ack.comment ? ` (${ack.comment})` : ''}`);
      });
    });

  program.command('cancel')
    .description('request cancellation of a run (patterns clean up: a saga compensates)')
    .argument('<workflowId>')
    .action(async (id: string) => {
      await withClient(async (orchestra) => {
        await orchestra.cancel(id);
        out(`cancellation requested for ${id}`);
      });
    });

  addDefinitionCommands(program);
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof InvalidInputError) {
      err(`orchestra: invalid input for ${e.workflowType} — nothing was started:`);
      for (const issue of e.issues.split('; ')) err(`  - ${issue}`);
      return 2;
    }
    if (e instanceof UsageError || e instanceof UnknownWorkflowError) {
      err(`orchestra: ${e.message}`);
      return 2;
    }
    if (e instanceof RejectedError) {
      err(`orchestra: ${e.message}`);
      return 1;
    }
    if (e instanceof TemporalUnreachableError) {
      err(`orchestra: ${e.message}`);
      return 3;
    }
    if (e instanceof WorkflowFailedError) {
      err(`orchestra: workflow failed — ${describeError(e.cause ?? e)}`);
      return 1;
    }
    err(`orchestra: ${describeError(e)}`);
    return 1;
  }
}
