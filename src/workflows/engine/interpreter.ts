/**
 * The interpreter of a checked definition: runs a scope of steps as a DAG (a step starts once its dependencies have
 * finished; ready steps run concurrently, at most `maxParallel` at a time), and each step with what surrounds it —
 * `if`, input and output mappings, `timeout`, `catch`, `continueOnFailure`, and `compensate` (its undo registered on the
 * run's saga before it runs). Deterministic: plain promises, workflow timers and activities only.
 */
import { ApplicationFailure, CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import { dependencies, switchRoutes, topologicalOrder, type Scope } from '../../engine/dag.js';
import { holdsUndo } from '../../engine/checks.js';
import { actionOf, MAP_PARTITION_SIZE, type Definition, type Step } from '../../engine/definition.js';
import { evaluate, resolve, SIMPLE_EXPRESSIONS_PATCH, test, useSimpleExpressions } from '../../engine/expressions.js';
import { COMPENSATION_RETRY, type Compensations } from '../support/compensations.js';
import { Semaphore } from '../support/concurrency.js';
import { describeFailure } from '../support/failures.js';
import type { ProgressReporter } from '../support/progress.js';
import { approvalStep, callStep, childStep, loopChild, waitStep } from './actions.js';
import type { StepBoard } from './board.js';
import { fanOut, type FanOutOptions, type FanOutResult } from './fan-out.js';
import { mapInPartitions } from './map-partitions.js';
import { withTimeout } from './timeout.js';

/** How a step ended (a failure not tolerated is thrown instead). */
export interface Ran {
  status: 'completed' | 'skipped' | 'failed';
  output?: unknown;
}

/** What expressions see: the run's input, earlier steps' outputs, and per scope `item`, `iteration`, `result`, `error`. */
export interface RunContext {
  input: unknown;
  steps: Record<string, unknown>;
  [name: string]: unknown;
}

export interface FirstFailure {
  path: string;
  error: { type: string; message: string };
}

export class Interpreter {
  /** One approval at a time: the gate owns the run's `decide` update. */
  private readonly approvals = new Semaphore(1);
  /** The step whose failure ended the run (the first one not tolerated). */
  firstFailure?: FirstFailure;

  constructor(
    private readonly definition: Pick<Definition, 'maxParallel' | 'name' | 'version'>,
    private readonly definitions: Record<string, unknown>,
    private readonly board: StepBoard,
    private readonly saga: Compensations,
    private readonly progress: ProgressReporter,
  ) {
    // Simple expressions are evaluated at once from this version on; a run recorded before replays as it ran.
    useSimpleExpressions(patched(SIMPLE_EXPRESSIONS_PATCH));
  }

  /**
   * Runs the steps of a scope in dependency order; returns their outputs by id. The first failure that is not tolerated
   * cancels the steps still running or waiting, and is thrown once they have stopped.
   */
  async runScope(scope: Scope, context: RunContext, path: string, limit = this.definition.maxParallel): Promise<Record<string, unknown>> {
    const deps = dependencies(scope);
    const routes = switchRoutes(scope);
    const outputs: Record<string, unknown> = {};
    const chosen = new Map<string, unknown>();
    const semaphore = new Semaphore(limit);
    const finished = new Map<string, Promise<void>>();
    const steps = new CancellationScope();
    let failure: { error: unknown } | undefined;

    /** Steps off the route a switch took (not chosen, or only reachable through steps that were not). */
    const offRoute = new Set<string>();
    const skip = (id: string, note: string, routed = false) => {
      if (routed) offRoute.add(id);
      this.board.set(`${path}.${id}`, { status: 'skipped', note });
    };
    const start = async (id: string): Promise<void> => {
      const ds = deps.get(id) ?? [];
      await Promise.all(ds.map((d) => finished.get(d)));
      if (failure) return skip(id, 'not run: an earlier step failed');
      const router = routes.get(id);
      if (router !== undefined && chosen.get(router) !== id) return skip(id, `not chosen by ${router}`, true);
      // A step skipped by its `if` is an option not taken: its dependents still run. A route not taken is skipped whole.
      if (ds.length && ds.every((d) => offRoute.has(d))) return skip(id, 'every step it depends on is off the route taken', true);
      try {
        await semaphore.acquire();
      } catch {
        return skip(id, 'not run: the run was cancelled');
      }
      try {
        const ran = await this.runStep(scope[id], { ...context, steps: { ...context.steps, ...outputs } }, `${path}.${id}`);
        if (ran.status === 'completed') outputs[id] = ran.output;
        if (scope[id].switch) chosen.set(id, (ran.output as { then?: string } | undefined)?.then);
      } catch (err) {
        failure ??= { error: err };
        steps.cancel();
      } finally {
        semaphore.release();
      }
    };

    await steps.run(async () => {
      for (const id of topologicalOrder(deps)) finished.set(id, start(id));
      await Promise.all(finished.values());
    });
    if (failure) throw failure.error;
    return outputs;
  }

  /** Runs one step with everything around it; a failure it does not tolerate is thrown. */
  async runStep(step: Step, context: RunContext, path: string): Promise<Ran> {
    if (step.if !== undefined && !(await test(step.if, context, `${path}.if`))) {
      this.board.set(path, { status: 'skipped', note: 'its condition was false' });
      return { status: 'skipped' };
    }
    this.board.set(path, { status: 'running' });
    try {
      const result = step.compensate ? await this.runWithUndo(step, context, path) : await this.perform(step, context, path);
      const output = step.output === undefined ? result : await resolve(step.output, { ...context, result }, `${path}.output`);
      this.board.set(path, { status: 'completed' });
      return { status: 'completed', output };
    } catch (err) {
      const error = describeFailure(err);
      const failed = { type: error.type, message: error.message };
      if (step.catch && !isCancellation(err)) {
        this.board.set(path, { status: 'running', caught: failed, note: 'running its catch step' });
        const fallback = await this.runStep(step.catch, { ...context, error: failed }, `${path}.catch`).catch((again: unknown) => {
          this.board.set(path, { status: 'failed', error: describeFailure(again) });
          throw again;
        });
        this.board.set(path, { status: 'completed', caught: failed });
        return { status: 'completed', output: fallback.output };
      }
      this.board.set(path, { status: 'failed', error: failed });
      if (step.continueOnFailure && !isCancellation(err)) return { status: 'failed' };
      if (!isCancellation(err) && this.isOuterFailure(path)) this.firstFailure = { path, error: failed };
      throw err;
    }
  }

  /** The run's failure is the first step that failed, or a step holding it (a join that failed because a branch did). */
  private isOuterFailure(path: string): boolean {
    const first = this.firstFailure?.path;
    return first === undefined || first.startsWith(`${path}.`) || first.startsWith(`${path}[`);
  }

  /** A step with an undo: the undo is registered on the run's saga before the step runs (./support/compensations.ts). */
  private runWithUndo(step: Step, context: RunContext, path: string): Promise<unknown> {
    const undo = step.compensate!;
    const recall = step.call !== undefined && !step.readOnly; // the same call with the same idempotency key
    return this.saga.run(
      { name: path, execute: () => this.perform(step, context, path), ...(recall ? { recall: () => this.perform(step, context, path) } : {}) },
      `${path}.compensate`,
      async (result) => {
        const ran = await this.runStep({ retry: COMPENSATION_RETRY_OPTIONS, ...undo }, { ...context, result }, `${path}.compensate`);
        this.board.set(path, { status: 'compensated' });
        return ran.output;
      },
    );
  }

  /** What the step does, by its action, within its timeout. */
  private perform(step: Step, context: RunContext, path: string): Promise<unknown> {
    const action = actionOf(step);
    // A call's and a child's timeouts are Temporal's own (schedule-to-close, execution timeout); the rest are timed here.
    if (step.timeout === undefined || action === 'call' || action === 'workflow') return this.act(step, context, path);
    return withTimeout(step.timeout, path, () => this.act(step, context, path));
  }

  private async act(step: Step, context: RunContext, path: string): Promise<unknown> {
    const input = step.input === undefined ? undefined : await resolve(step.input, context, `${path}.input`);
    switch (actionOf(step)) {
      case 'call':
        return callStep(step, input, path);
      case 'set':
        return resolve(step.set, context, `${path}.set`);
      case 'fail':
        throw ApplicationFailure.create({
          type: step.fail!.type, nonRetryable: true, message: String(await resolve(step.fail!.message, context, `${path}.fail.message`)),
        });
      case 'switch': {
        const { cases, default: otherwise } = step.switch!;
        for (const [i, c] of cases.entries()) {
          if (await test(c.when, context, `${path}.switch.cases[${i}].when`)) return { case: i, then: c.then };
        }
        return { case: 'default', then: otherwise ?? null };
      }
      case 'parallel': {
        const { branches, join, onDecided } = step.parallel!;
        const result = await fanOut(Object.entries(branches).map(([id, branch]) => ({
          name: id, run: () => this.runStep(branch, context, `${path}.branches.${id}`),
        })), { join, onDecided, limit: this.definition.maxParallel });
        return result.outputs;
      }
      case 'map': {
        const map = step.map!;
        const items = await evaluate(map.items, context, `${path}.map.items`);
        const list = items === undefined ? [] : Array.isArray(items) ? items : [items];
        const limit = map.maxConcurrency ?? this.definition.maxParallel;
        if (list.length > (map.partitionSize ?? MAP_PARTITION_SIZE) && !holdsUndo([map.step])) {
          return mapInPartitions(map, list, { definition: this.definition, definitions: this.definitions, context, path, limit, board: this.board });
        }
        const result = await this.mapItems(map.step, list, 0, context, path, { join: map.join, onDecided: map.onDecided, limit });
        return result.list;
      }
      case 'loop':
        return step.loop!.iterationsPerRun ? loopChild(this.definition, step.loop!, context, path, this.definitions) : this.loop(step.loop!, context, path);
      case 'wait':
        return waitStep(step.wait!, context, path);
      case 'approval':
        return approvalStep(step.approval!, context, path, this.progress, this.approvals);
      case 'workflow':
        return childStep(step.workflow!, step.workflow!.input === undefined ? input : await resolve(step.workflow!.input, context, `${path}.workflow.input`),
          path, this.definitions, step.timeout);
    }
  }

  /**
   * Runs a map's step over `items` (from `offset` in the whole list: `index` and the paths are the whole list's),
   * joined by the rule; `list` is the outputs in order, `null` where an item has none.
   */
  async mapItems(each: Step, items: unknown[], offset: number, context: RunContext, path: string, options: FanOutOptions): Promise<FanOutResult & { list: unknown[] }> {
    const result = await fanOut(items.map((item, i) => ({
      name: String(offset + i), run: () => this.runStep(each, { ...context, item, index: offset + i }, `${path}.map[${offset + i}]`),
    })), options);
    return { ...result, list: items.map((_, i) => result.outputs[String(offset + i)] ?? null) };
  }

  /**
   * Runs a loop's body until its condition holds or `maxIterations` ran; `iteration` (from 0) and `previous` (the last
   * iteration's outputs) are in scope. Output: `{ iterations, done, steps }` (`done` false when the limit stopped it).
   */
  async loop(loop: NonNullable<Step['loop']>, context: RunContext, path: string, from: LoopState = { iteration: 0 }): Promise<LoopOutput> {
    let state = from;
    while (state.iteration < loop.maxIterations) {
      const outputs = await this.runScope(loop.steps, { ...context, iteration: state.iteration, previous: state.previous }, `${path}.loop[${state.iteration}]`);
      const done = await test(loop.until, { ...context, iteration: state.iteration, steps: { ...context.steps, ...outputs } }, `${path}.loop.until`);
      state = { iteration: state.iteration + 1, previous: outputs };
      if (done) return { iterations: state.iteration, done: true, steps: outputs };
      if (this.pause?.(state)) return { iterations: state.iteration, done: false, steps: outputs, paused: true };
    }
    return { iterations: state.iteration, done: false, steps: (state.previous ?? {}) as Record<string, unknown> };
  }

  /** Asked after each loop iteration: true stops the loop here so the run can continue as new (see definition-loop.ts). */
  pause?: (state: LoopState) => boolean;
}

export interface LoopState {
  iteration: number;
  previous?: Record<string, unknown>;
}

export interface LoopOutput {
  iterations: number;
  done: boolean;
  steps: Record<string, unknown>;
  paused?: boolean;
}

/** An undo's retries when the definition gives none: bounded, like every compensation (support/compensations.ts). */
const COMPENSATION_RETRY_OPTIONS = {
  maximumAttempts: COMPENSATION_RETRY.maximumAttempts!,
  initialInterval: COMPENSATION_RETRY.initialInterval!,
  backoffCoefficient: COMPENSATION_RETRY.backoffCoefficient!,
  maximumInterval: COMPENSATION_RETRY.maximumInterval!,
  nonRetryableErrorTypes: [],
};
