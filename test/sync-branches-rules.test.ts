/**
 * syncBranches' rules without a server (src/sync-branches/): the batch analyser's mode choice, routing by source type
 * and priority, the sync point's policy, the merge arithmetic against seed 003's formula, the quality validator and its
 * revision bound, record validation, and the input schema's field-level errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError, validateInput } from '../src/client/api.js';
import { allocateBranches, analyseBatch, laneOf, rebalance, type BatchItem } from '../src/sync-branches/batch.js';
import { branchWeight, mergeScore } from '../src/sync-branches/merge.js';
import { recordsOfRows, recordsOfText, transformRecord, validateRecords } from '../src/sync-branches/records.js';
import { syncDecision, type SyncPolicy } from '../src/sync-branches/sync-point.js';
import { QUALITY_DEFAULTS, validateQuality } from '../src/sync-branches/validator.js';

const item = (id: string, over: Partial<BatchItem> = {}): BatchItem => ({ id, sourceType: 'batch', kind: 'ingestion', priority: 'normal', size: 100, ...over });
const close = (actual: number, expected: number, what = '') => assert.ok(Math.abs(actual - expected) < 1e-9, `${what} ${actual} ≈ ${expected}`);

describe('syncBranches: batch analysis and routing', () => {
  it('chooses parallel for a complex batch with capacity, sequential when mostly dependent, adaptive otherwise', () => {
    const big = ['streaming', 'batch', 'realtime'].flatMap((sourceType, t) =>
      [0, 1, 2, 3].map((i) => item(`i${t}${i}`, { sourceType: sourceType as BatchItem['sourceType'], size: 200 })));
    const parallel = analyseBatch(big, { capacity: 1, maxBranches: 5 });
    // 12 items (≥ 10), 2,400 records (≥ 1,000), 3 of 3 source types: 0.4 + 0.4 + 0.2 = 1 > 0.8
    assert.deepEqual([parallel.mode, parallel.maxBranches, parallel.complexityScore], ['parallel', 5, 1]);
    assert.equal(analyseBatch(big, { capacity: 1, maxBranches: 4 }).maxBranches, 4);
    // The seed's cluster_cpu > 0.7 is required as well: at 0.7 the batch is adaptive.
    assert.deepEqual([analyseBatch(big, { capacity: 0.7, maxBranches: 5 }).mode, analyseBatch(big, { capacity: 0.7, maxBranches: 5 }).maxBranches], ['adaptive', 3]);

    // 4 items of 100 records, 2 source types: 0.4 × 0.4 + 0.4 × 0.4 + 0.2 × 2/3 = 0.4533…
    const small = [item('a', { sourceType: 'streaming' }), item('b'), item('c', { kind: 'aggregation' }), item('d', { kind: 'aggregation' })];
    const adaptive = analyseBatch(small, { capacity: 1, maxBranches: 5 });
    assert.deepEqual([adaptive.mode, adaptive.maxBranches, adaptive.complexityScore, adaptive.dataDependencyScore], ['adaptive', 3, 0.453, 0.5]);
    // 3 of 4 aggregations: dependency 0.75 > 0.6 → one branch at a time.
    const dependent = analyseBatch([...small.slice(1), item('e', { kind: 'aggregation' })], { capacity: 1, maxBranches: 5 });
    assert.deepEqual([dependent.mode, dependent.maxBranches, dependent.dataDependencyScore], ['sequential', 1, 0.75]);
  });

  it('routes ingestion by source type and aggregation by priority, one branch per lane in the seed\'s order', () => {
    assert.equal(laneOf(item('s', { sourceType: 'streaming' })), 'alpha');
    assert.equal(laneOf(item('b', { sourceType: 'batch' })), 'beta');
    assert.equal(laneOf(item('r', { sourceType: 'realtime' })), 'gamma');
    assert.equal(laneOf(item('h', { kind: 'aggregation', priority: 'high', sourceType: 'streaming' })), 'primary');
    assert.equal(laneOf(item('n', { kind: 'aggregation', priority: 'low' })), 'secondary');
    const plans = allocateBranches([
      item('agg', { kind: 'aggregation' }), item('b1'), item('s1', { sourceType: 'streaming' }), item('b2', { priority: 'high' }),
    ], 'rev1-');
    assert.deepEqual(plans.map((p) => [p.id, p.lane, p.items.map((i) => i.id)]), [
      ['rev1-alpha', 'alpha', ['s1']], ['rev1-beta', 'beta', ['b2', 'b1']], ['rev1-secondary', 'secondary', ['agg']],
    ]);
  });

  it('rebalances the unfinished items largest first onto the least-loaded of up to maxBranches branches', () => {
    const plans = rebalance([item('a', { size: 10 }), item('b', { size: 50 }), item('c', { size: 30 }), item('d', { size: 25 })], 2, 'rb1-');
    assert.deepEqual(plans.map((p) => [p.id, p.lane, p.items.map((i) => i.id)]), [['rb1-b1', 'rebalanced', ['b', 'a']], ['rb1-b2', 'rebalanced', ['c', 'd']]]);
    assert.deepEqual(rebalance([item('x')], 3, 'rb2-').map((p) => p.id), ['rb2-b1']);
  });
});

describe('syncBranches: the sync point policy', () => {
  const policy: SyncPolicy = { mergeRatio: 0.75, graceMs: 60_000, timeoutMs: 300_000 };
  const at = (finished: number, now: number, thresholdReachedAt?: number) =>
    syncDecision({ required: 4, finished, startedAt: 0, now, thresholdReachedAt }, policy);

  it('merges at once when every branch is done', () => {
    assert.deepEqual(at(4, 10), { progress: 1, status: 'completed', action: 'proceed_to_data_merge' });
    assert.deepEqual(at(4, 999_999), { progress: 1, status: 'completed', action: 'proceed_to_data_merge' });
  });
  it('at 75% or more, waits out the grace period from when it got there, then merges', () => {
    assert.deepEqual(at(3, 10_000), { progress: 0.75, status: 'waiting_final', action: 'continue_waiting', wakeAt: 70_000 });
    assert.deepEqual(at(3, 69_999, 10_000), { progress: 0.75, status: 'waiting_final', action: 'continue_waiting', wakeAt: 70_000 });
    assert.deepEqual(at(3, 70_000, 10_000), { progress: 0.75, status: 'waiting_final', action: 'conditional_proceed' });
    // The grace period cannot outlast the overall timeout: at the timeout it merges what is done.
    assert.deepEqual(at(3, 280_000, 280_000).wakeAt, 300_000);
    assert.equal(at(3, 300_000, 280_000).action, 'conditional_proceed');
  });
  it('below 75%, keeps waiting until the overall timeout, then recovers by rebalancing', () => {
    assert.deepEqual(at(2, 10_000), { progress: 0.5, status: 'waiting', action: 'continue_waiting', wakeAt: 300_000 });
    assert.deepEqual(at(0, 299_999).action, 'continue_waiting');
    assert.deepEqual(at(2, 300_000), { progress: 0.5, status: 'timed_out', action: 'timeout_recovery' });
  });
});

describe('syncBranches: the quality-weighted merge (0.7 × quality + 0.3 × 1 / (1 + seconds / 60))', () => {
  it('weights each branch by quality and speed, and attributes the merge by weight', () => {
    // a: 0.9 in 30 s → time factor 1 / 1.5, weight 0.63 + 0.2 = 0.83; b: 0.6 in 120 s → 1/3, weight 0.42 + 0.1 = 0.52.
    const merged = mergeScore([{ branch: 'a', quality: 0.9, seconds: 30 }, { branch: 'b', quality: 0.6, seconds: 120 }]);
    close(merged.branches[0].timeFactor, 1 / 1.5, 'a time factor');
    close(merged.branches[0].weight, 0.83, 'a weight');
    close(merged.branches[1].weight, 0.52, 'b weight');
    close(merged.totalWeight, 1.35, 'total');
    close(merged.qualityScore, (0.9 * 0.83 + 0.6 * 0.52) / 1.35, 'quality');
    close(merged.branches[0].share, 0.83 / 1.35, 'a share');
    close(merged.branches[1].share, 0.52 / 1.35, 'b share');
  });
  it('uses the seed\'s 0.5 for a branch without a quality, and scores an empty merge 0', () => {
    close(mergeScore([{ branch: 'x', seconds: 0 }]).branches[0].weight, 0.35 + 0.3);
    assert.deepEqual(mergeScore([]), { qualityScore: 0, totalWeight: 0, branches: [] });
    close(branchWeight(1, 0).weight, 1);
  });
});

describe('syncBranches: the quality validator', () => {
  const policy = { ...QUALITY_DEFAULTS };
  const items = [{ id: 'good', quality: 0.95 }, { id: 'poor', quality: 0.6 }, { id: 'empty' }];
  it('approves at 0.8 and above', () => {
    assert.equal(validateQuality({ qualityScore: 0.8, records: 10, items, revisions: 0 }, policy).verdict, 'quality_approved');
  });
  it('sends the items below the bar back through the branches while revisions remain, then fails as QualityNotMet', () => {
    const first = validateQuality({ qualityScore: 0.7, records: 10, items, revisions: 0 }, policy);
    assert.deepEqual([first.verdict, first.revise], ['needs_revision', ['poor']]);
    assert.equal(validateQuality({ qualityScore: 0.7, records: 10, items, revisions: 1 }, policy).verdict, 'needs_revision');
    const bound = validateQuality({ qualityScore: 0.7, records: 10, items, revisions: 2 }, policy);
    assert.deepEqual([bound.verdict, bound.failure], ['critical_failure', 'QualityNotMet']);
    assert.match(bound.reason, /after 2 revisions \(the most allowed\)/);
  });
  it('fails critically below 0.5 or with nothing merged, without revising', () => {
    const poor = validateQuality({ qualityScore: 0.49, records: 10, items, revisions: 0 }, policy);
    assert.deepEqual([poor.verdict, poor.failure, poor.revise], ['critical_failure', 'QualityCritical', []]);
    assert.equal(validateQuality({ qualityScore: 0, records: 0, items: [], revisions: 0 }, policy).failure, 'QualityCritical');
  });
});

describe('syncBranches: records (ingest → validate → transform)', () => {
  it('reads log lines, checks them, and normalises them; a line that does not parse scores 0', () => {
    const raw = recordsOfText([
      '2024-06-11T13:48:26.265Z INFO  api-gateway [req_4bba] POST /v1/payments status=201 duration_ms=486',
      '2024-06-11T13:50:00.000Z NOTICE api-gateway something odd',
      'garbage',
      '',
      '{"orderId":"o-1","totalCents":"1200"}',
    ].join('\n'));
    assert.deepEqual(raw.map((r) => r.format), ['log', 'log', 'log', 'json']);
    const checked = validateRecords(raw, [{ field: 'totalCents', min: 0 }]);
    // log checks (4) + the rule's (missing, min) on each record
    assert.deepEqual(checked.map((c) => c.quality), [4 / 5, 3 / 5, 0, 1]);
    assert.deepEqual(checked[1].problems, ['level: not one of DEBUG, INFO, WARN, ERROR', 'totalCents: missing']);
    assert.deepEqual(transformRecord(raw[0].fields), {
      at: '2024-06-11T13:48:26.265Z', level: 'INFO', service: 'api-gateway', message: '[req_4bba] POST /v1/payments status=201 duration_ms=486',
      status: 201, duration_ms: 486,
    });
    assert.deepEqual(transformRecord(raw[3].fields), { order_id: 'o-1', total_cents: 1200 });
  });
  it('scores a store row by its non-null columns and the item\'s rules', () => {
    const [row] = validateRecords(recordsOfRows({ rows: [{ id: 'o-1', status: 'refunded', total: null }] }), [{ field: 'status', oneOf: ['completed'] }]);
    assert.equal(row.quality, 3 / 5);
    assert.deepEqual(row.problems, ['total: null', 'status: not one of completed']);
  });
});

describe('syncBranches: input', () => {
  it('names each bad field before anything starts', () => {
    assert.throws(() => validateInput('syncBranches', {
      items: [
        { id: 'a', from: 'file', path: 'logs/x.log', sourceType: 'streaming' },
        { id: 'a', from: 'store', sql: 'SELECT 1', sourceType: 'nightly' },
        { id: 'c', from: 'ftp', sourceType: 'batch' },
      ],
      sync: { mergeRatio: 1.5, gracePeriod: 'soon' },
      quality: { approveAt: 0.6, criticalBelow: 0.7 },
    }), (err: unknown) => {
      assert.ok(err instanceof InvalidInputError);
      assert.match(err.issues, /items\[1\]\.sourceType: must be one of streaming, batch, realtime/);
      assert.match(err.issues, /items\[2\]\.from: must be "store" \(with sql\) or "file" \(with path\)/);
      assert.match(err.issues, /sync\.mergeRatio: /);
      assert.match(err.issues, /sync\.gracePeriod: must be a positive duration/);
      assert.match(err.issues, /quality\.criticalBelow: must not exceed approveAt/);
      return true;
    });
    assert.throws(() => validateInput('syncBranches', {
      items: [{ id: 'a', from: 'file', path: 'x', sourceType: 'batch' }, { id: 'a', from: 'file', path: 'y', sourceType: 'batch' }],
    }), /items\[1\]\.id: "a" is used by an earlier item/);
  });
});
