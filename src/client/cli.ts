/**
 * The `orchestra` command line, built on the typed client API (src/client/api.ts). Commands live in
 * src/client/commands/, one file per group; output and error classes in src/client/output.ts.
 * Exit codes: 0 success; 1 the workflow failed, or the command changed nothing (cancel a closed run); 2 bad usage or
 * invalid input (nothing started), a rejected update or an unknown signal, a run that does not exist; 3 Temporal
 * unreachable.
 */
import { Command, CommanderError } from 'commander';
import { describeError } from '../demo/run-demo.js';
import { InvalidInputError, TemporalUnreachableError, UnknownWorkflowError } from './api.js';
import { answerCommands } from './commands/answer.js';
import { breakerCommands } from './commands/breakers.js';
import { catalogCommands } from './commands/catalog.js';
import { dlqCommands } from './commands/dlq.js';
import { inspectCommands } from './commands/inspect.js';
import { machineCommands } from './commands/machine.js';
import { eventCommands } from './commands/events.js';
import { mcpCommands } from './commands/mcp.js';
import { observeCommands } from './commands/observe.js';
import { runCommands } from './commands/runs.js';
import { steerCommands } from './commands/steer.js';
import { workerCommands } from './commands/worker.js';
import { CliError, err } from './output.js';
import { addDefinitionCommands } from './definition-commands.js';

export function buildProgram(): Command {
  const program = new Command('orchestra')
    .description('Start, follow and steer Orchestra workflows on Temporal')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [catalogCommands, runCommands, inspectCommands, observeCommands, steerCommands, answerCommands, machineCommands, eventCommands, workerCommands, addDefinitionCommands, breakerCommands, dlqCommands, mcpCommands]) register(program);
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
      for (const problem of e.problems) err(`  - ${problem.path}: ${problem.message}`);
      return 2;
    }
    if (e instanceof CliError) {
      err(`orchestra: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof UnknownWorkflowError) {
      err(`orchestra: ${e.message}`);
      return 2;
    }
    if (e instanceof TemporalUnreachableError) {
      err(`orchestra: ${e.message}`);
      return 3;
    }
    err(`orchestra: ${describeError(e)}`);
    return 1;
  }
}
