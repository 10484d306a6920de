/**
 * The result budget that keeps a fan-out's aggregate under Temporal's payload limit (src/workflows/support/
 * result-budget.ts): sizes in UTF-8 bytes as the payload converter writes them, results kept in order, and a typed,
 * non-retryable failure naming the sizes when a result cannot fit at all.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { assertFits, jsonBytes, keepWithinBudget } from '../src/workflows/support/result-budget.js';

describe('result budget', () => {
  it('measures JSON in UTF-8 bytes, as Buffer.byteLength does', () => {
    for (const value of ['plain', 'café', '€ 5', 'emoji 😀', { nested: ['ü', 1, null] }, 'x'.repeat(10_000)]) {
      assert.equal(jsonBytes(value), Buffer.byteLength(JSON.stringify(value)), JSON.stringify(value).slice(0, 40));
    }
  });

  it('keeps results in the given order while they fit, omits the rest with their sizes, and keeps earlier omissions', () => {
    const results = { a: 'x'.repeat(40), b: 'y'.repeat(400), c: 'z'.repeat(40), d: 'w'.repeat(40) };
    const kept = keepWithinBudget(['a', 'b', 'c', 'd'], results, 100, [{ id: 'd', bytes: 9_999 }]);
    assert.deepEqual(Object.keys(kept.results), ['a', 'c']);
    assert.deepEqual(kept.omitted, [{ id: 'b', bytes: 402 }, { id: 'd', bytes: 9_999 }]);
    assert.deepEqual(keepWithinBudget(['a'], results, 0).omitted, [{ id: 'a', bytes: 42 }]);
  });

  it('refuses a result over the limit with a non-retryable AggregateTooLarge that names the sizes', () => {
    assert.doesNotThrow(() => assertFits('small', { ids: ['a'] }, 1_000, 'split it'));
    assert.throws(() => assertFits('the aggregate of 10000 branches', { ids: 'i'.repeat(2_000_000) }, 1_800_000, 'split it'), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'AggregateTooLarge');
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, /^the aggregate of 10000 branches takes 2\.00 MB, over the 1\.80 MB a workflow result may take .*: split it$/);
      return true;
    });
  });
});
