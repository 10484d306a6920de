import { ApplicationFailure, CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import { checkDefinition, describeProblems } from '../engine/checks.js';
import { resolve } from '../engine/expressions.js';
import type { DefinitionRunFailure, DefinitionRunResult } from '../schemas/definition-run.js';
import { DefinitionRunInput } from '../schemas/definition-run-input.js';
import { Compensations } from './support/compensations.js';
import { describeFailure } from './support/failures.js';
import { parseInput } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { StepBoard } from './engine/board.js';
import { Interpreter, type RunContext } from './engine/interpreter.js';
import { withTimeout } from './engine/timeout.js';

/**
 * Runs a declarative definition (src/engine/definition.ts) as one durable workflow: checks it again (a bad definition
 * fails at once, non-retryably, as `InvalidDefinition` naming each path), runs its steps as a DAG, and returns its
 * output. When a step fails for good (or the run is cancelled, or its `timeout` passes), the undos registered by the
 * steps that ran are run in reverse, non-cancellably; then the `onFailure` step runs; then the run fails with the
 * failing step's error type (or `CompensationFailed` if an undo could not finish), its details saying where each step
 * ended. A cancelled run that compensated cleanly ends as cancelled.
 */
export async function definitionRun(raw: DefinitionRunInput): Promise<DefinitionRunResult> {
  const request = parseInput(DefinitionRunInput, raw);
  const checked = checkDefinition(request.definition, { definitions: Object.keys(request.definitions) });
  if (!checked.ok) {
    throw ApplicationFailure.create({ type: 'InvalidDefinition', nonRetryable: true, message: describeProblems(checked.problems), details: [checked.problems] });
  }
  const definition = checked.definition;
  const progress = new ProgressReporter('definitionRun');
  const board = new StepBoard(definition.name, definition.version, Object.keys(definition.steps), progress);
  const saga = new Compensations((now) => progress.update({ step: now }));
  const interpreter = new Interpreter(definition, request.definitions, board, saga, progress);
  const context: RunContext = { input: request.input, steps: {}, run: { workflowId: workflowInfo().workflowId, name: definition.name, version: definition.version } };

  try {
    const steps = await withTimeout(definition.timeout, `the run of ${definition.name}`, () => interpreter.runScope(definition.steps, context, 'steps'));
    const output = definition.output === undefined ? steps : await resolve(definition.output, { ...context, steps }, 'output');
    progress.update({ step: `completed ${definition.name} v${definition.version}`, state: 'completed', outcome: 'completed' });
    return { name: definition.name, version: definition.version, status: 'completed', output, steps: board.steps, ...itemsOf(board) };
  } catch (err) {
    const failure = interpreter.firstFailure ?? { path: 'run', error: describeFailure(err) };
    await saga.compensate(err);
    for (const outcome of saga.outcomes) {
      if (outcome.status === 'failed') board.set(outcome.step, { status: 'failed', error: outcome.error, note: 'its undo failed' });
    }
    if (definition.onFailure) {
      await CancellationScope.nonCancellable(() => interpreter.runStep(definition.onFailure!, { ...context, error: { ...failure.error, step: failure.path } }, 'onFailure'))
        .catch(() => undefined); // recorded on the board; the run's own failure is what the caller needs
    }
    const details: DefinitionRunFailure = {
      name: definition.name, version: definition.version, failedStep: failure.path, steps: board.steps, ...itemsOf(board), compensations: saga.outcomes,
    };
    const undone = saga.outcomes.filter((o) => o.status === 'compensated').length;
    const outcome = saga.failed ? 'compensation_failed' : isCancellation(err) ? 'cancelled' : undone ? 'compensated' : 'failed';
    progress.update({ step: `${failure.path} failed (${failure.error.type}); ${undone} undone`, state: 'failed', outcome, details: { compensations: saga.outcomes } });
    if (isCancellation(err) && !saga.failed) throw err;
    throw ApplicationFailure.create({
      type: saga.failed ? 'CompensationFailed' : failure.error.type,
      nonRetryable: true,
      message: `${failure.error.message.startsWith(`${failure.path}.`) ? '' : `${failure.path}: `}${failure.error.message}${undone ? `; ${undone} step${undone === 1 ? '' : 's'} undone` : ''}${
        saga.failed ? `; could not undo ${saga.outcomes.filter((o) => o.status === 'failed').map((o) => o.step).join(', ')}` : ''}`,
      details: [details],
    });
  }
}

/** The maps' item counts, when a map had more items than the board shows one by one. */
function itemsOf(board: StepBoard): { items?: Record<string, Record<string, number>> } {
  return Object.keys(board.items).length ? { items: board.items } : {};
}
