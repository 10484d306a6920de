/**
 * `orchestra send`: delivers an event to a `stateMachine` run through its `send` update. An event the current state
 * cannot take is rejected by the run's validator (exit 2, nothing recorded, the events it takes listed); a guard that
 * does not hold answers "not taken" with the reason, which the run records (exit 1).
 */
import type { Command } from 'commander';
import { MachineEventInput, type SendResult } from '../../schemas/state-machine.js';
import { SEND_UPDATE } from '../../shared/state-machine.js';
import { validate } from '../../shared/validation.js';
import { NothingHappenedError, out, print, readJson, UsageError } from '../output.js';
import { withClient } from '../runs.js';
import { sendUpdate } from './steer.js';

export function machineCommands(program: Command): void {
  program.command('send')
    .description('send an event to a state machine run (exits 2 when its state cannot take it, 1 when a guard does not hold)')
    .argument('<workflowId>')
    .argument('<event>')
    .option('-d, --data <json>', 'the event\'s data: a JSON object, or @file.json')
    .option('--by <sender>', 'who sends it (recorded in the state history)', process.env.USER || 'cli')
    .option('--json', 'print the answer as JSON')
    .action(async (id: string, event: string, opts: { data?: string; by: string; json?: boolean }) => {
      const parsed = validate(MachineEventInput, { event, data: readJson(opts.data, '--data') ?? {}, sender: opts.by });
      if (!parsed.ok) throw new UsageError(`invalid event, nothing was sent: ${parsed.message}`);
      await withClient(async (orchestra) => {
        const answer = await sendUpdate(orchestra, id, SEND_UPDATE, [parsed.value]) as SendResult;
        if (opts.json) print(answer, true);
        if (!answer.taken) {
          throw new NothingHappenedError(`${event} not taken: ${answer.reason} (still in ${answer.state}; recorded in the state history)`);
        }
        if (opts.json) return;
        out(`${answer.from} → ${answer.state} on ${answer.event}`);
        out(answer.acceptedEvents.length ? `  accepts: ${answer.acceptedEvents.join(', ')}` : `  ${answer.state} is terminal: the run has ended`);
      });
    });
}
