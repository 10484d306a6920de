/**
 * Retry, then fall back (seed 001's error handling), in Temporal terms: the primary method is an activity whose retry
 * policy does the retrying with exponential backoff; when its retries are exhausted (or it fails non-retryably, e.g.
 * `LlmNotConfigured`), the workflow runs the fallback method instead and records why. Once the primary has failed,
 * later stages of the same run go straight to the fallback: retrying a dead endpoint for every article would only
 * multiply the wait. Cancellation is never a reason to fall back, and errors of the workflow's own code propagate.
 *
 *     const generation = new Fallback({ notConfigured: ['LlmNotConfigured'] });
 *     const outline = await generation.run('outline', () => llm.generateText(…), () => offline.composeDraft(…));
 *     outline.by        // 'primary' | 'fallback'
 *     generation.failure // { stage: 'outline', reason: 'retries_exhausted', errorType: 'LlmUnavailable', … }
 */
import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { describeFailure } from './failures.js';

export type FallbackReason = 'not_configured' | 'retries_exhausted' | 'failed';

/** Why the fallback took over: the stage where the primary failed and its last error. */
export interface FallbackRecord {
  stage: string;
  reason: FallbackReason;
  errorType: string;
  message: string;
}

export interface Ran<T> {
  value: T;
  by: 'primary' | 'fallback';
}

export interface FallbackOptions {
  /** Error types meaning the primary is not set up at all: no retries were made, the fallback is the plan. */
  notConfigured?: string[];
  /** False: use the fallback only (the caller chose it), recording no failure. Default true. */
  primaryEnabled?: boolean;
}

export class Fallback {
  private record?: FallbackRecord;
  private readonly notConfigured: ReadonlySet<string>;
  private readonly primaryEnabled: boolean;
  /** How many stages ran the primary and how many the fallback. */
  readonly counts = { primary: 0, fallback: 0 };

  constructor(options: FallbackOptions = {}) {
    this.notConfigured = new Set(options.notConfigured ?? []);
    this.primaryEnabled = options.primaryEnabled ?? true;
  }

  /** The failure that switched this run to the fallback, if any. */
  get failure(): FallbackRecord | undefined {
    return this.record;
  }

  /** True once the primary has failed: later stages use the fallback directly. */
  get primaryDown(): boolean {
    return this.record !== undefined;
  }

  /** Runs `primary`; if its activity fails for good, runs `fallback` and records why. */
  async run<T>(stage: string, primary: () => Promise<T>, fallback: () => Promise<T>): Promise<Ran<T>> {
    if (this.primaryEnabled && !this.record) {
      try {
        const value = await primary();
        this.counts.primary += 1;
        return { value, by: 'primary' };
      } catch (err) {
        if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
        this.record = { stage, ...this.classify(err) };
      }
    }
    const value = await fallback();
    this.counts.fallback += 1;
    return { value, by: 'fallback' };
  }

  /** 'primary', 'fallback' or 'mixed' (some stages each), for a result to state which method produced it. */
  get producedBy(): 'primary' | 'fallback' | 'mixed' {
    if (this.counts.fallback === 0) return 'primary';
    return this.counts.primary === 0 ? 'fallback' : 'mixed';
  }

  private classify(err: ActivityFailure): Omit<FallbackRecord, 'stage'> {
    const { kind, type, message } = describeFailure(err);
    const nonRetryable = err.cause instanceof ApplicationFailure && err.cause.nonRetryable;
    const reason: FallbackReason = this.notConfigured.has(type) ? 'not_configured'
      : kind === 'timed_out' || !nonRetryable ? 'retries_exhausted' : 'failed';
    return { reason, errorType: type, message };
  }
}

