/**
 * The compensation stack of a saga: each step's undo is registered before the step runs, and on failure (or
 * cancellation) the undos run in reverse order inside a non-cancellable scope. Each outcome is recorded; a failed undo
 * does not stop the ones after it, and is reported — never swallowed.
 *
 * A step's undo needs to know what the step did. Three cases:
 *   - the step returned: the undo gets its result;
 *   - the step was rejected (a non-retryable failure: a business rule said no, and nothing took effect): nothing to undo;
 *   - the step's outcome is unknown (it timed out, ran out of retries, or was cancelled while in flight — possibly after
 *     its effect committed): the step is asked again through `recall`, which repeats its call with the same idempotency
 *     key. The server replays the first result without a second effect, so the undo gets the real id (a payment, a
 *     reservation). If the first call never took effect, the recall performs it and the undo reverses it: either way
 *     nothing is left behind. The key also fences a call still in flight: whichever arrives first, the other replays.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  type RetryPolicy,
} from '@temporalio/workflow';
import { describeFailure as classifyFailure } from './failures.js';
import { orchestraMetrics } from './metrics.js';
import { awaitThen } from './one-promise.js';

/** One forward step of a saga. */
export interface SagaStep<T> {
  name: string;
  /** What a person sees while it runs, e.g. `charge $59.97 to cust-006` (default: the name). */
  title?: string;
  /** Does the step; must be idempotent (a retried or replayed attempt has no second effect). */
  execute(): Promise<T>;
  /**
   * Asks again what the step did without doing it twice: typically the same call with the same idempotency key.
   * Without it, an undo whose step ended with an unknown outcome fails (`OutcomeUnknown`) rather than guess.
   */
  recall?(): Promise<T>;
}

export interface FailureInfo {
  type: string;
  message: string;
}

export interface CompensationOutcome {
  name: string;
  step: string;
  status: 'compensated' | 'nothing_to_undo' | 'failed';
  note?: string;
  result?: unknown;
  error?: FailureInfo;
}

/**
 * Retries of one compensation: an undo must not give up at the first outage, but it must end, so a saga that cannot
 * be undone is reported instead of retrying forever (8 attempts over about 3 minutes).
 */
export const COMPENSATION_RETRY: RetryPolicy = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 8,
};

/** What an undo returns when its step left nothing behind (the store had nothing to release, refund or cancel). */
export class NothingToUndo {
  constructor(readonly note: string, readonly result?: unknown) {}
}
export function nothingToUndo(note: string, result?: unknown): NothingToUndo {
  return new NothingToUndo(note, result);
}

type StepState = 'not started' | 'running' | 'done' | 'rejected' | 'uncertain';

interface Registered {
  name: string;
  step: string;
  undo: () => Promise<unknown>;
}

export class Compensations {
  private readonly stack: Registered[] = [];
  /** Steps that took effect, in order. */
  readonly executed: string[] = [];
  /** Each executed step's result, by step name. */
  readonly results: Record<string, unknown> = {};
  /** The step that failed (or the cancellation that stopped the saga) and why. */
  failure?: { name: string; error: FailureInfo };
  /** Compensations run so far, in the order they ran. */
  readonly outcomes: CompensationOutcome[] = [];

  /** `onChange` hears where the saga is (a step starting, done or failed; an undo starting or done): publish it. */
  constructor(private readonly onChange: (now: string) => void = () => undefined) {}

  /** Registers an undo. It runs (in reverse order of registration) only if the saga compensates. */
  add(name: string, undo: () => Promise<unknown>, step = name): void {
    this.stack.push({ name, step, undo });
  }

  /**
   * Runs one step, with its undo registered first: a step that times out after taking effect is still undone. The
   * undo receives the step's result (recalled if the step's own call ended with an unknown outcome); it is not called
   * when the step certainly did nothing. Not `async`: one promise per step instead of two, settled in the same
   * microtask turn (./one-promise.ts).
   */
  run<T>(step: SagaStep<T>, undoName: string, undo: (result: T) => Promise<unknown>): Promise<T> {
    let state: StepState = 'not started';
    let result: T | undefined;
    let failure: unknown;
    this.add(undoName, async () => {
      switch (state) {
        case 'done':
          return undo(result as T);
        case 'not started':
          return nothingToUndo(`${step.name} never ran`);
        case 'rejected':
          return nothingToUndo(`${step.name} was rejected (${describeFailure(failure).type}): it took no effect`);
        default: {
          if (!step.recall) {
            throw ApplicationFailure.create({
              type: 'OutcomeUnknown',
              message: `${step.name} ended without an outcome (${describeFailure(failure).type}) and cannot be asked again: check it by hand`,
              nonRetryable: true,
            });
          }
          let recalled: T;
          try {
            recalled = await step.recall();
          } catch (err) {
            if (isRejection(err)) return nothingToUndo(`${step.name} had not taken effect (asked again: ${describeFailure(err).type})`);
            throw err;
          }
          return undo(recalled);
        }
      }
    }, step.name);

    try {
      if (CancellationScope.current().consideredCancelled) {
        // Cancelled before the step was scheduled: it never ran, so its undo has nothing to do.
        this.failure ??= { name: step.name, error: { type: 'Cancelled', message: `cancelled before ${step.name} started` } };
        throw new CancelledFailure(`cancelled before ${step.name} started`);
      }
      state = 'running';
      this.onChange(step.title ?? step.name);
    } catch (err) {
      return Promise.reject(err);
    }
    return awaitThen(() => step.execute(), (value) => {
      result = value;
      state = 'done';
      this.executed.push(step.name);
      this.results[step.name] = value;
      this.onChange(`${step.name} done`);
      return value;
    }, (err) => {
      state = isRejection(err) ? 'rejected' : 'uncertain';
      failure = err;
      this.failure ??= { name: step.name, error: describeFailure(err) };
      this.onChange(`${step.name} failed (${describeFailure(err).type})`);
      throw err;
    });
  }

  /**
   * Undoes every registered step in reverse order, inside a non-cancellable scope (a cancelled saga still
   * compensates). A failed undo is recorded and the rest still run. Returns the outcomes.
   */
  async compensate(error?: unknown): Promise<CompensationOutcome[]> {
    if (error !== undefined) this.failure ??= { name: 'saga', error: describeFailure(error) };
    return CancellationScope.nonCancellable(async () => {
      for (let next = this.stack.pop(); next; next = this.stack.pop()) {
        let outcome: CompensationOutcome;
        this.onChange(next.name);
        try {
          const done = await next.undo();
          outcome = done instanceof NothingToUndo
            ? { name: next.name, step: next.step, status: 'nothing_to_undo', note: done.note, ...(done.result === undefined ? {} : { result: done.result }) }
            : { name: next.name, step: next.step, status: 'compensated', ...(done === undefined ? {} : { result: done }) };
        } catch (err) {
          outcome = { name: next.name, step: next.step, status: 'failed', error: describeFailure(err) };
        }
        this.outcomes.push(outcome);
        orchestraMetrics.compensation(outcome.status);
        this.onChange(`${next.name}: ${outcome.status.replace(/_/g, ' ')}`);
      }
      return this.outcomes;
    });
  }

  /** Whether any compensation failed for good. */
  get failed(): boolean {
    return this.outcomes.some((outcome) => outcome.status === 'failed');
  }
}

/**
 * A rejected step took no effect: its failure is non-retryable (a business rule said no, or the call was refused
 * before it was sent). `UnsafeToRetry` is the exception: it says the effect may have happened.
 */
export function isRejection(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true && cause.type !== 'UnsafeToRetry';
}

/** The type and message of a step's or an undo's error (see ./failures.ts). */
export function describeFailure(err: unknown): FailureInfo {
  const { type, message } = classifyFailure(err);
  return { type, message };
}
