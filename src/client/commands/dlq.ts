/**
 * `orchestra dlq list|show|redrive|discard`: the dead-letter queue (src/client/dead-letters.ts). `redrive --edit` opens
 * the arguments in $VISUAL / $EDITOR (or `--args` gives them) so a person corrects them first; the redrive is a new run
 * linked to the original, and the dead letter records who changed what and how it ended.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { DEAD_LETTER_STATUSES } from '../../shared/store-contract.js';
import { DeadLetterError, DeadLetterQueue, deadLetterItem, parseNote, type DeadLetter } from '../dead-letters.js';
import { NothingHappenedError, out, print, readJson, table, UsageError } from '../output.js';
import { withClient } from '../runs.js';

async function withQueue<T>(fn: (queue: DeadLetterQueue) => Promise<T>): Promise<T> {
  const queue = DeadLetterQueue.open();
  try {
    return await fn(queue);
  } catch (e) {
    if (e instanceof DeadLetterError) throw e.reason === 'closed' ? new NothingHappenedError(e.message) : new UsageError(e.message);
    throw e;
  } finally {
    await queue.close();
  }
}

export function dlqCommands(program: Command): void {
  const dlq = program.command('dlq').description('the dead-letter queue: units of work workflows gave up on; show, correct and redrive, or discard them');

  dlq.command('list')
    .description('dead letters, oldest first')
    .option('--status <status>', `only these: ${DEAD_LETTER_STATUSES.join(' | ')}`)
    .option('--source <workflowType>', 'only those a workflow type recorded')
    .option('--json', 'print JSON')
    .action(async (opts: { status?: string; source?: string; json?: boolean }) => {
      if (opts.status && !(DEAD_LETTER_STATUSES as readonly string[]).includes(opts.status)) {
        throw new UsageError(`--status: must be one of ${DEAD_LETTER_STATUSES.join(', ')}`);
      }
      await withQueue(async (queue) => {
        const letters = await queue.list({ status: opts.status as DeadLetter['status'] | undefined, source: opts.source });
        if (opts.json) return print(letters, true);
        if (!letters.length) return out('no dead letters');
        for (const line of table(['id', 'status', 'source', 'step', 'error', 'at'], letters.map((l) => {
          const item = l.item as { step?: string; workflowId?: string } | null;
          return [l.id, l.status, l.source, `${item?.workflowId ?? '?'} / ${item?.step ?? '?'}`, `${l.error_type ?? 'Error'}: ${l.error}`.slice(0, 80), l.created_at];
        }))) out(line);
      });
    });

  dlq.command('show')
    .description('one dead letter: where it came from, the call, the error, redrives and notes')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withQueue(async (queue) => {
        const letter = await queue.get(id);
        if (opts.json) return print(letter, true);
        print({ ...letter, note: parseNote(letter.note) ?? letter.note }, false);
      });
    });

  dlq.command('redrive')
    .description('run the dead letter\'s tool call again as a new run linked to the original (idempotent: twice runs once)')
    .argument('<id>')
    .option('--args <json>', 'corrected tool arguments (a JSON object, or @file.json) instead of the recorded ones')
    .option('--edit', 'open the recorded arguments in $VISUAL / $EDITOR to correct them first')
    .option('--by <name>', 'who asks (recorded with the change); default: your user name')
    .option('--wait', 'wait for the redrive run to finish and print its result')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { args?: string; edit?: boolean; by?: string; wait?: boolean; json?: boolean }) => {
      if (opts.args && opts.edit) throw new UsageError('give either --args or --edit, not both');
      const given = readJson(opts.args, '--args');
      if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) throw new UsageError('--args: must be a JSON object of tool arguments');
      await withQueue(async (queue) => withClient(async (orchestra) => {
        let args = given as Record<string, unknown> | undefined;
        if (opts.edit) args = editArguments(deadLetterItem(await queue.get(id)).call.args ?? {});
        const run = await queue.redrive(orchestra, id, { args, by: opts.by });
        if (!opts.json) { // before waiting: a redrive that fails again still shows which run it was and what changed
          out(run.started ? `redrive of ${id} started: ${run.workflowId}` : `redrive of ${id} already started: ${run.workflowId} (nothing new started)`);
          for (const change of run.changes) out(`  changed ${change.path}: ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}`);
          if (run.url) out(run.url);
        }
        const result = opts.wait ? await orchestra.result(run.workflowId) : undefined;
        if (opts.json) return print({ ...run, ...(opts.wait ? { result } : {}) }, true);
        if (opts.wait) print(result, false);
      }));
    });

  dlq.command('discard')
    .description('close a dead letter on purpose (it will not be redriven)')
    .argument('<id>')
    .requiredOption('--reason <text>', 'why (recorded)')
    .option('--by <name>', 'who decides; default: your user name')
    .action(async (id: string, opts: { reason: string; by?: string }) => {
      await withQueue(async (queue) => {
        await queue.discard(id, opts.reason, opts.by ?? os.userInfo().username);
        out(`${id} discarded: ${opts.reason}`);
      });
    });
}

/** Opens the arguments in the user's editor and reads them back; refuses what is not a JSON object. */
function editArguments(args: Record<string, unknown>): Record<string, unknown> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orchestra-dlq-')), 'arguments.json');
  fs.writeFileSync(file, `${JSON.stringify(args, null, 2)}\n`);
  const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
  const ran = spawnSync(editor, [file], { stdio: 'inherit', shell: true });
  if (ran.status !== 0) throw new UsageError(`the editor (${editor}) exited with ${ran.status ?? ran.signal}: nothing was redriven`);
  const edited = readJson(`@${file}`, 'the edited arguments');
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  if (typeof edited !== 'object' || edited === null || Array.isArray(edited)) throw new UsageError('the edited arguments must be a JSON object: nothing was redriven');
  return edited as Record<string, unknown>;
}
