/**
 * The promise-light wrappers of workflow code resume their callers in the microtask turn the `async` code they replace
 * did: steps that settle in one workflow activation must still resume, and schedule what comes next, in the same order
 * (or a replay sees other commands). Counted in plain V8, which runs the workflow sandbox's microtasks the same way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { instrument } from '@temporalio/interceptors-opentelemetry/lib/instrumentation.js';
import { RESULT_TURNS } from '../src/observability/workflow-interceptors.js';
import { awaitThen, laterBy } from '../src/workflows/support/one-promise.js';

type Outcome = 'fulfil' | 'reject' | 'throw';

/** The microtask turn (counted from the source's settling) in which a caller awaiting `wrap(source)` resumes, and what it got. */
async function resumeTurn(outcome: Outcome, wrap: (source: () => Promise<number>) => Promise<unknown>): Promise<{ turn: number; got: unknown }> {
  let settle!: () => void;
  const pending = new Promise<number>((resolve, reject) => {
    settle = () => (outcome === 'reject' ? reject(new Error('rejected')) : resolve(42));
  });
  const source = () => {
    if (outcome === 'throw') throw new Error('thrown');
    return pending;
  };
  let turn = 0;
  let counting = true;
  const count = () => {
    if (!counting) return;
    turn += 1;
    queueMicrotask(count);
  };
  const wrapped = wrap(source);
  const caller = wrapped.then((value) => ({ turn, got: value }), (err: Error) => ({ turn, got: `error: ${err.message}` }));
  settle();
  queueMicrotask(count);
  const seen = await caller;
  counting = false;
  return seen;
}

const outcomes: Outcome[] = ['fulfil', 'reject', 'throw'];
const double = (value: number) => value * 2;
const recover = (err: unknown) => `recovered from ${(err as Error).message}`;

describe('awaitThen', () => {
  for (const outcome of outcomes) {
    it(`resumes its caller when the async function it replaces did, with what it got (${outcome})`, async () => {
      const asyncWay = await resumeTurn(outcome, async (source) => double(await source()));
      const oneWay = await resumeTurn(outcome, (source) => awaitThen(source, double));
      assert.deepEqual(oneWay, asyncWay);
    });

    it(`resumes its caller when the async try/catch it replaces did, with what it got (${outcome})`, async () => {
      const asyncWay = await resumeTurn(outcome, async (source) => {
        try {
          return double(await source());
        } catch (err) {
          return recover(err);
        }
      });
      const oneWay = await resumeTurn(outcome, (source) => awaitThen<number, number | string>(source, double, recover));
      assert.deepEqual(oneWay, asyncWay);
    });
  }

  it('creates one promise where async/await creates two', async () => {
    const { createHook } = (await import('node:v8')).promiseHooks;
    let created = 0;
    const stop = createHook({ init: () => void (created += 1) });
    const source = Promise.resolve(1);
    created = 0;
    void (async () => double(await source))();
    const asyncWay = created;
    created = 0;
    void awaitThen(() => source, double);
    const oneWay = created;
    stop();
    assert.equal(asyncWay, 2);
    assert.equal(oneWay, 1);
  });
});

describe("the run's span (workflow interceptors)", () => {
  // The SDK's OpenTelemetryInboundInterceptor.execute is `return await instrument({ … fn: () => next(input), context })`.
  const tracer = trace.getTracer('turns');
  for (const withParent of [false, true]) {
    for (const outcome of ['fulfil', 'reject'] as const) {
      it(`hands the run's result on in the SDK's turn (${outcome}, ${withParent ? 'with' : 'without'} a parent span)`, async () => {
        const sdkWay = await resumeTurn(outcome, async (source) =>
          await instrument({ tracer, spanName: 'RunWorkflow:x', fn: source, ...(withParent ? { context: ROOT_CONTEXT } : {}) }));
        const oneWay = await resumeTurn(outcome, (source) =>
          laterBy(source().then((value) => value, (err: unknown) => {
            throw err;
          }), RESULT_TURNS + (withParent ? 1 : 0)));
        assert.deepEqual(oneWay, sdkWay);
      });
    }
  }
});
