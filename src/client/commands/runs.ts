/** `run`, `start` and `result`: start a workflow (validated first), follow it, print how it ended. */
import { Option, type Command } from 'commander';
import type { WorkflowType } from '../../schemas/catalog.js';
import { validateInput } from '../api.js';
import { err, out, print, readJson, spinner } from '../output.js';
import { printEnding, withClient } from '../runs.js';
import { resolveTarget } from '../target.js';

interface StartOpts { input?: string; id?: string; json?: boolean }

const inputOption = () => new Option('-i, --input <json>', 'workflow input as JSON, or @file.json');

/** The <workflow> argument and --input, resolved and validated before connecting: bad input starts nothing. */
function target(nameOrFile: string, opts: StartOpts) {
  const { type, input } = resolveTarget(nameOrFile, readJson(opts.input, '--input'));
  validateInput(type, input);
  return { type: type as WorkflowType, input: input as never };
}

export function runCommands(program: Command): void {
  program.command('run')
    .description('start a workflow, show its progress and print its result (or its failure, with details)')
    .argument('<workflow>', 'a workflow type, a definition file (.yaml/.yml/.json) or a definition name')
    .addOption(inputOption())
    .option('--id <workflowId>', 'workflow id (default: a readable id derived from the input)')
    .option('--json', 'print only JSON on stdout: the result, or {status, failure: {type, message, details}}')
    .action(async (nameOrFile: string, opts: StartOpts) => {
      const { type, input } = target(nameOrFile, opts);
      await withClient(async (orchestra) => {
        const spin = spinner(Boolean(process.stderr.isTTY) && !opts.json);
        const run = await orchestra.start(type, input, { workflowId: opts.id });
        if (!opts.json) err(`started ${run.workflowId}${run.url ? `  ${run.url}` : ''}`);
        try {
          await printEnding(orchestra, run.workflowId, orchestra.result(run.workflowId, (p) => spin.set(p)).finally(() => spin.stop()), Boolean(opts.json));
        } finally {
          spin.stop();
        }
      });
    });

  program.command('start')
    .description('start a workflow without waiting; prints its id and Web UI link')
    .argument('<workflow>', 'a workflow type, a definition file (.yaml/.yml/.json) or a definition name')
    .addOption(inputOption())
    .option('--id <workflowId>', 'workflow id')
    .option('--json', 'machine-readable output')
    .action(async (nameOrFile: string, opts: StartOpts) => {
      const { type, input } = target(nameOrFile, opts);
      await withClient(async (orchestra) => {
        const run = await orchestra.start(type, input, { workflowId: opts.id });
        if (opts.json) return print(run, true);
        out(`started ${run.workflowId} (run ${run.runId})`);
        if (run.url) out(run.url);
      });
    });

  program.command('result')
    .description('wait for a run and print its result (or its failure, with details)')
    .argument('<workflowId>')
    .option('--json', 'print only JSON on stdout: the result, or {status, failure: {type, message, details}}')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withClient((orchestra) => printEnding(orchestra, id, orchestra.result(id), Boolean(opts.json)));
    });
}
