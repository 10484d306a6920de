/** `worker`: run a worker process from the CLI (the same as `npm run worker`), optionally for some capabilities only. */
import type { Command } from 'commander';
import { addWorkerOptions, workerPlan, WorkerFlagError, type WorkerFlags } from '../../workers/flags.js';
import { UsageError } from '../output.js';

export function workerCommands(program: Command): void {
  addWorkerOptions(program.command('worker')
    .description('run a worker until Ctrl-C: every queue, or only --queues (workflows, tools, analysis, agents), with limits'))
    .action(async (flags: WorkerFlags) => {
      let plan;
      try {
        plan = workerPlan(flags);
      } catch (e) {
        if (e instanceof WorkerFlagError) throw new UsageError(e.message);
        throw e;
      }
      // Loaded here: the worker's native runtime is not needed by any other command.
      const { serveWorkers } = await import('../../workers/serve.js');
      // serveWorkers has said what went wrong; the installed Temporal runtime would keep the process alive.
      process.exit(await serveWorkers(plan, flags.mcpConfig));
    });
}
