/**
 * A `map` over more items than its `partitionSize` (default MAP_PARTITION_SIZE): the items are split into child
 * workflows (`definitionMap`, ../definition-map.ts) of at most that many each, as parallelAggregate splits a large
 * fan-out (the slicing and the shared concurrency limit are ../support/partitions.ts). Each partition runs its items
 * and returns their outputs in order with its counts; the join is judged here on the combined counts, as each
 * partition ends: once it is decided (and `onDecided` is `cancel`) the partitions still running or waiting are
 * cancelled. The run's board counts the items (details.items) instead of listing each one.
 */
import { CancellationScope, CancelledFailure, executeChild, isCancellation, workflowInfo } from '@temporalio/workflow';
import { MAP_PARTITION_SIZE, type Definition, type Step } from '../../engine/definition.js';
import { joinOutcome, requiredSuccesses } from '../../engine/joins.js';
import { settleBounded } from '../support/concurrency.js';
import { partitionId, shareConcurrency, slicesOf } from '../support/partitions.js';
import { childRouting } from '../support/queues.js';
import { childId, summaryOf } from './actions.js';
import type { StepBoard } from './board.js';
import { joinFailed } from './fan-out.js';
import type { RunContext } from './interpreter.js';

export interface MapPartitionInput {
  name: string;
  version: string;
  maxParallel: number;
  /** The map step's path (`steps.each`): items are `steps.each.map[1234]`, numbered in the whole list. */
  path: string;
  step: Step;
  items: unknown[];
  /** Where `items` start in the whole list. */
  offset: number;
  maxConcurrency: number;
  context: RunContext;
  definitions: Record<string, unknown>;
}

export interface MapPartitionOutput {
  /** The items' outputs in order, `null` where an item has none. */
  outputs: unknown[];
  completed: number;
  /** The items that failed, by their index in the whole list. */
  failed: string[];
}

interface Surroundings {
  definition: Pick<Definition, 'maxParallel' | 'name' | 'version'>;
  definitions: Record<string, unknown>;
  context: RunContext;
  path: string;
  limit: number;
  board: StepBoard;
}

export async function mapInPartitions(map: NonNullable<Step['map']>, list: unknown[], at: Surroundings): Promise<unknown[]> {
  const { definition, path, board } = at;
  const n = list.length;
  const slices = slicesOf(list, map.partitionSize ?? MAP_PARTITION_SIZE);
  const { concurrent, perPartition } = shareConcurrency(slices.length, at.limit);
  const required = requiredSuccesses(map.join, n);
  const outputs: unknown[] = list.map(() => null);
  const failed: string[] = [];
  let completed = 0;
  let cancelled = 0;
  const scope = new CancellationScope();

  const settled = await scope.run(() => settleBounded(slices, concurrent, async (slice, index) => {
    const input: MapPartitionInput = {
      name: definition.name, version: definition.version, maxParallel: definition.maxParallel, path, step: map.step,
      items: slice.items, offset: slice.offset, maxConcurrency: perPartition, context: at.context, definitions: at.definitions,
    };
    const part: MapPartitionOutput = await executeChild('definitionMap', {
      workflowId: partitionId(childId(path), index, slices.length),
      ...childRouting(),
      staticSummary: summaryOf(path, `items ${slice.offset + 1}–${slice.offset + slice.items.length} of ${n} (partition ${index + 1} of ${slices.length})`),
      args: [input],
    });
    part.outputs.forEach((output, j) => {
      outputs[slice.offset + j] = output;
    });
    completed += part.completed;
    failed.push(...part.failed);
    board.count(path, { completed: part.completed, failed: part.failed.length });
    if (map.onDecided === 'cancel' && joinOutcome(required, n, completed, failed.length) !== 'undecided') scope.cancel();
  }));

  for (const [index, s] of settled.entries()) {
    if (s.status === 'fulfilled') continue;
    // A partition cancelled once the join was decided: its items count as cancelled. Any other failure is the step's.
    if (!(isCancellation(s.reason) && scope.consideredCancelled)) throw s.reason;
    cancelled += slices[index].items.length;
    board.count(path, { skipped: slices[index].items.length });
  }
  if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('cancelled while joining'); // the run itself
  if (completed < required) {
    failed.sort((a, b) => Number(a) - Number(b)); // in list order, however the partitions finished
    throw joinFailed(completed, n, required, failed, cancelled, [{ completed, failed, cancelled, partitions: slices.length, id: workflowInfo().workflowId }]);
  }
  return outputs;
}
