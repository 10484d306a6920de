import { allHandlersFinished, condition, continueAsNew } from '@temporalio/workflow';
import type { Step } from '../engine/definition.js';
import { Compensations } from './support/compensations.js';
import { ProgressReporter } from './support/progress.js';
import { StepBoard } from './engine/board.js';
import { Interpreter, type LoopOutput, type LoopState, type RunContext } from './engine/interpreter.js';

export interface DefinitionLoopInput {
  name: string;
  version: string;
  maxParallel: number;
  /** The loop step's path in its definition (`steps.refine`): iterations are `steps.refine.loop[3]`. */
  path: string;
  loop: NonNullable<Step['loop']>;
  context: RunContext;
  definitions: Record<string, unknown>;
  /** Where the loop stands: iterations done and the last one's outputs (carried across continue-as-new). */
  state: LoopState;
}

/**
 * A long `loop` of a definition (one with `iterationsPerRun`), run as a child of `definitionRun` so its history stays
 * bounded: it runs `iterationsPerRun` iterations, then continues as new carrying only the iteration count and the last
 * outputs. Its steps cannot register undos (the static checks refuse `compensate` inside such a loop): a continued run
 * does not carry a saga.
 */
export async function definitionLoop(input: DefinitionLoopInput): Promise<LoopOutput> {
  const progress = new ProgressReporter('definitionLoop');
  const board = new StepBoard(input.name, input.version, [], progress, input.path);
  const interpreter = new Interpreter(input, input.definitions, board, new Compensations(), progress);
  const stopAt = input.state.iteration + input.loop.iterationsPerRun!;
  interpreter.pause = (state) => state.iteration >= stopAt;
  const output = await interpreter.loop(input.loop, input.context, input.path, input.state);
  if (!output.paused) return output;
  await condition(allHandlersFinished);
  return continueAsNew<typeof definitionLoop>({ ...input, state: { iteration: output.iterations, previous: output.steps } });
}
