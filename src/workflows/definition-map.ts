import { Compensations } from './support/compensations.js';
import { assertFits } from './support/result-budget.js';
import { ProgressReporter } from './support/progress.js';
import { StepBoard } from './engine/board.js';
import { Interpreter } from './engine/interpreter.js';
import type { MapPartitionInput, MapPartitionOutput } from './engine/map-partitions.js';
import { AGGREGATE_LIMIT_BYTES } from '../schemas/parallel-aggregate-input.js';

/**
 * One partition of a large `map` of a definition (./engine/map-partitions.ts), run as a child of `definitionRun`: runs
 * the map's step over its slice of the items, `maxConcurrency` at a time, each item settling on its own (the join is
 * the parent's, judged on every partition's counts), and returns the outputs in order with the counts. A result over
 * the payload limit fails with `AggregateTooLarge` rather than leave the run hanging. Its steps cannot register undos
 * (a map whose step holds `compensate` is never partitioned).
 */
export async function definitionMap(input: MapPartitionInput): Promise<MapPartitionOutput> {
  const progress = new ProgressReporter('definitionMap');
  const board = new StepBoard(input.name, input.version, [], progress, input.path);
  const interpreter = new Interpreter(input, input.definitions, board, new Compensations(), progress);
  const result = await interpreter.mapItems(input.step, input.items, input.offset, input.context, input.path, {
    join: { toleratedFailurePercentage: 100 }, onDecided: 'keep', limit: input.maxConcurrency,
  });
  const output: MapPartitionOutput = { outputs: result.list, completed: Object.keys(result.outputs).length, failed: result.failed };
  assertFits(`the outputs of items ${input.offset + 1}–${input.offset + input.items.length} of ${input.path}`, output, AGGREGATE_LIMIT_BYTES,
    'map over fewer items per run, or shape each item\'s output smaller (`output`)');
  progress.update({ step: `${output.completed} of ${input.items.length} items completed`, state: 'completed', outcome: 'completed' });
  return output;
}
