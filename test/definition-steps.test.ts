/**
 * The interpreter, step type by step type, on the time-skipping server with the real MCP servers (store, filesystem)
 * and the real text activities. Each definition is written inline, as a person would write the YAML.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { DefinitionRunResult } from '../src/schemas/definition-run.js';
import { readStore, useTemporal, withWorker, type TemporalTestContext } from './helpers/temporal.js';

let runs = 0;
function run(t: TemporalTestContext, definition: Record<string, unknown>, input: unknown = {}, workflowId?: string): Promise<DefinitionRunResult> {
  runs += 1;
  return withWorker(t.env, t.deps, ({ orchestra, taskQueue }) =>
    orchestra.execute('definitionRun', { definition: { orchestra: 1, name: `test-${runs}`, ...definition }, input }, { taskQueue, ...(workflowId ? { workflowId } : {}) }));
}

async function failure(result: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await result;
  } catch (err) {
    assert.ok(err instanceof WorkflowFailedError, String(err));
    assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
    return err.cause;
  }
  assert.fail('the run completed');
}

describe('definition steps', () => {
  const t = useTemporal('time-skipping');

  it('calls a registered activity and an MCP tool, and maps inputs and outputs', async () => {
    const result = await run(t, {
      steps: {
        mood: { call: 'analyzeSentiment', input: { text: '${ input.review }' }, output: '${ result.label }' },
        customer: { call: 'store.query', readOnly: true, input: { sql: 'SELECT name FROM user_data WHERE customer_id = ?', params: ['${ input.customer }'] }, output: '${ result.rows[0].name }' },
        note: { set: '${ steps.customer } feels ${ steps.mood }', dependsOn: ['mood', 'customer'] },
      },
      output: '${ steps.note }',
    }, { review: 'A wonderful, delightful product. I love it.', customer: 'cust-001' });
    assert.equal(result.output, 'Acme Corporation feels positive');
    assert.equal(result.steps['steps.note'].status, 'completed');
  });

  it('routes with a switch: the chosen step runs, the others are skipped, and the step after them runs', async () => {
    const result = await run(t, {
      steps: {
        route: { switch: { cases: [{ when: 'input.kind = "billing"', then: 'billing' }, { when: 'input.kind = "tech"', then: 'tech' }], default: 'general' } },
        billing: { set: 'billing desk' },
        tech: { set: 'tech desk' },
        general: { set: 'front desk' },
        reply: { set: 'handled by ${ $join([steps.billing, steps.tech, steps.general], "") }', dependsOn: ['billing', 'tech', 'general'] },
      },
      output: '${ steps.reply }',
    }, { kind: 'tech' });
    assert.equal(result.output, 'handled by tech desk');
    assert.deepEqual(['billing', 'tech', 'general'].map((id) => result.steps[`steps.${id}`].status), ['skipped', 'completed', 'skipped']);
  });

  it('skips a step whose condition is false; the steps after it still run', async () => {
    const result = await run(t, {
      steps: {
        premium: { if: 'input.tier = "premium"', set: 'gold' },
        perks: { set: '${ $exists(steps.premium) ? steps.premium : "standard" } perks', dependsOn: ['premium'] },
      },
    }, { tier: 'standard' });
    assert.equal(result.steps['steps.premium'].status, 'skipped');
    assert.deepEqual(result.output, { perks: 'standard perks' });
  });

  it('joins parallel branches by quorum: two of three suffice when one fails', async () => {
    const result = await run(t, {
      steps: {
        gather: {
          parallel: {
            join: { quorum: 2 },
            onDecided: 'keep',
            branches: {
              users: { call: 'store.query', readOnly: true, input: { sql: 'SELECT COUNT(*) AS n FROM user_data' }, output: '${ result.rows[0].n }' },
              words: { call: 'extractKeywords', input: { text: 'Durable workflows make retries and timeouts boring.' }, output: '${ $count(result.keywords) > 0 }' },
              weather: { call: 'weather.today', input: { city: 'Paris' } },
            },
          },
        },
      },
    });
    const gathered = (result.output as { gather: Record<string, unknown> }).gather;
    assert.deepEqual(Object.keys(gathered).sort(), ['users', 'words']);
    assert.equal(result.steps['steps.gather.branches.weather'].status, 'failed');
    assert.equal(result.steps['steps.gather.branches.weather'].error?.type, 'ToolNotFound');
  });

  it('fails a join whose tolerated failure percentage is exceeded', async () => {
    const failed = await failure(run(t, {
      steps: {
        gather: {
          parallel: {
            join: { toleratedFailurePercentage: 25 },
            branches: {
              a: { set: 1 },
              b: { fail: { type: 'Broken', message: 'b broke' } },
              c: { set: 3 },
            },
          },
        },
      },
    }));
    assert.equal(failed.type, 'JoinFailed');
    assert.match(failed.message, /steps\.gather: 0 of 3 completed|failed: b/);
  });

  it('decides an "any" join at the first completion and cancels the branches still running', async () => {
    const result = await run(t, {
      steps: {
        race: { parallel: { join: 'any', branches: { slow: { wait: '1 day' }, fast: { set: 'first' } } } },
      },
    });
    assert.deepEqual(result.output, { race: { fast: 'first' } });
    assert.equal(result.steps['steps.race.branches.slow'].status, 'failed');
    assert.equal(result.steps['steps.race.branches.slow'].error?.type, 'Cancelled');
  });

  it('maps over a list with bounded concurrency and a tolerated failure percentage', async () => {
    const result = await run(t, {
      steps: {
        each: {
          map: {
            items: 'input.texts',
            maxConcurrency: 2,
            join: { toleratedFailurePercentage: 50 },
            step: { call: 'detectLanguage', input: { text: '${ item }', only: ['eng', 'deu', 'fra'] }, output: '${ result.code }' },
          },
        },
      },
    }, { texts: ['The quick brown fox jumps over the lazy dog while the farmer watches.', '   ', 'Der schnelle braune Fuchs springt über den faulen Hund, während der Bauer zusieht.'] });
    assert.deepEqual((result.output as { each: unknown[] }).each, ['eng', null, 'deu']);
    assert.equal(result.steps['steps.each.map[1]'].error?.type, 'InvalidInput');
  });

  /** The child workflows a run started. */
  async function children(t: TemporalTestContext, workflowId: string): Promise<Array<{ id: string; type: string }>> {
    const history = await t.env.client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).flatMap((e) => {
      const started = e.childWorkflowExecutionStartedEventAttributes;
      return started ? [{ id: started.workflowExecution?.workflowId ?? '', type: started.workflowType?.name ?? '' }] : [];
    });
  }

  /** 30 items, 4 failing (3, 7, 17, 27): 20% of the first partition of 10, 10% of the others, 13% of the whole. */
  const thirty = Array.from({ length: 30 }, (_, i) => ([3, 7, 17, 27].includes(i) ? 'bad' : i));
  const doubleOrFail = { set: '${ item = "bad" ? $error("item " & index & " is bad") : item * 2 }' };

  it('maps a large list in child partitions: outputs complete and in order, the join judged on the combined counts (15%: met, though 20% of one partition failed)', async () => {
    const workflowId = `map-partitions-${Date.now()}`;
    const result = await run(t, { steps: { each: { map: {
      items: 'input.list', partitionSize: 10, maxConcurrency: 4, join: { toleratedFailurePercentage: 15 }, step: doubleOrFail,
    } } } }, { list: thirty }, workflowId);
    assert.deepEqual((result.output as { each: unknown[] }).each, thirty.map((v) => (v === 'bad' ? null : (v as number) * 2)));
    assert.deepEqual(result.items, { 'steps.each': { completed: 26, failed: 4 } });
    assert.ok(!Object.keys(result.steps).some((path) => path.includes('.map[')), 'the run lists no item one by one');
    const started = await children(t, workflowId);
    assert.deepEqual(started.map((c) => c.type), ['definitionMap', 'definitionMap', 'definitionMap']);
    assert.deepEqual(started.map((c) => c.id).sort(), [1, 2, 3].map((i) => `${workflowId}--each-part-${i}-of-3`));
  });

  it('fails a partitioned map whose failures together exceed the tolerated percentage', async () => {
    const err = await failure(run(t, { steps: { each: { map: {
      items: 'input.list', partitionSize: 10, join: { toleratedFailurePercentage: 10 }, onDecided: 'keep', step: doubleOrFail,
    } } } }, { list: thirty }));
    assert.equal(err.type, 'JoinFailed');
    assert.match(err.message, /^steps.each: 26 of 30 completed, 27 needed \(failed: 3, 7, 17, 27\)/);
  });

  it('cancels the partitions not yet started once a partitioned map\'s join is decided', async () => {
    const workflowId = `map-decided-${Date.now()}`;
    const result = await run(t, { steps: { each: { map: {
      items: 'input.list', partitionSize: 10, maxConcurrency: 1, join: { quorum: 5 }, step: doubleOrFail,
    } } } }, { list: thirty }, workflowId);
    const each = (result.output as { each: unknown[] }).each;
    assert.deepEqual(each.slice(0, 10), thirty.slice(0, 10).map((v) => (v === 'bad' ? null : (v as number) * 2)));
    assert.deepEqual(each.slice(10), Array(20).fill(null));
    assert.deepEqual(result.items, { 'steps.each': { completed: 8, failed: 2, skipped: 20 } });
    assert.equal((await children(t, workflowId)).length, 1);
  });

  it('partitions a map past the default size (1,000 items), keeping the progress details bounded', async () => {
    const workflowId = `map-default-${Date.now()}`;
    const list = Array.from({ length: 1001 }, (_, i) => i);
    const result = await run(t, { maxParallel: 50, steps: { each: { map: { items: 'input.list', step: { set: '${ item + 1 }' } } } } }, { list }, workflowId);
    assert.deepEqual((result.output as { each: unknown[] }).each, list.map((i) => i + 1));
    assert.deepEqual(result.items, { 'steps.each': { completed: 1001 } });
    assert.equal((await children(t, workflowId)).length, 2);
  });

  it('shows the first 20 items of an inline map one by one and counts the rest', async () => {
    const result = await run(t, { steps: { each: { map: { items: 'input.list', step: doubleOrFail, join: 'any', onDecided: 'keep' } } } }, { list: thirty });
    assert.equal(result.steps['steps.each.map[7]'].status, 'failed');
    assert.equal(result.steps['steps.each.map[19]'].status, 'completed');
    assert.equal(result.steps['steps.each.map[20]'], undefined);
    assert.deepEqual(result.items, { 'steps.each': { completed: 9, failed: 1 } });
  });

  it('loops until its condition holds, with the iteration and the previous outputs in scope', async () => {
    const result = await run(t, {
      steps: {
        count: {
          loop: {
            steps: { next: { set: '${ ($exists(previous.next) ? previous.next : 0) + input.step }' } },
            until: 'steps.next >= 10',
            maxIterations: 20,
          },
        },
      },
    }, { step: 3 });
    assert.deepEqual(result.output, { count: { iterations: 4, done: true, steps: { next: 12 } } });
  });

  it('stops a loop at its iteration limit', async () => {
    const result = await run(t, { steps: { spin: { loop: { steps: { tick: { set: '${ iteration }' } }, until: 'false', maxIterations: 3 } } } });
    assert.deepEqual(result.output, { spin: { iterations: 3, done: false, steps: { tick: 2 } } });
  });

  it('waits for a duration and until a time on durable timers', async () => {
    const result = await run(t, {
      steps: {
        nap: { wait: '2 hours' },
        later: { wait: { until: '$fromMillis($toMillis($now()) + 86400000)' }, dependsOn: ['nap'] },
      },
    });
    assert.deepEqual((result.output as { nap: unknown }).nap, { waited: '2 hours' });
    assert.equal(result.steps['steps.later'].status, 'completed');
  });

  it('fails a step that outlives its timeout, and runs its catch step instead', async () => {
    const result = await run(t, {
      steps: {
        slow: { wait: '1 day', timeout: '1 hour', catch: { set: 'fallback after ${ error.type }' } },
      },
    });
    assert.deepEqual(result.output, { slow: 'fallback after Timeout' });
    assert.deepEqual(result.steps['steps.slow'].caught?.type, 'Timeout');
  });

  it('lets dependents run after a failure with continueOnFailure', async () => {
    const result = await run(t, {
      steps: {
        flaky: { fail: { type: 'Flaky', message: 'no luck' }, continueOnFailure: true },
        after: { set: 'ran anyway; flaky gave ${ $exists(steps.flaky) ? "output" : "nothing" }', dependsOn: ['flaky'] },
      },
    });
    assert.equal(result.steps['steps.flaky'].status, 'failed');
    assert.equal((result.output as { after: string }).after, 'ran anyway; flaky gave nothing');
  });

  it('fails the run with the failing step\'s type and path, and runs onFailure', async () => {
    const failed = await failure(run(t, {
      steps: {
        check: { fail: { type: 'OrderRejected', message: 'order ${ input.id } is over the limit' } },
      },
      onFailure: { call: 'fsWriteFile', input: { path: 'logs/failed-${ input.id }.txt', content: '${ error.step }: ${ error.message }' } },
    }, { id: 'ord-9' }));
    assert.equal(failed.type, 'OrderRejected');
    assert.match(failed.message, /^steps\.check: order ord-9 is over the limit/);
    const fs = await import('node:fs/promises');
    assert.equal(await fs.readFile(`${t.deps.home}/files/logs/failed-ord-9.txt`, 'utf8'), 'steps.check: order ord-9 is over the limit');
  });

  it('rejects an invalid definition before any step, naming the path', async () => {
    const failed = await failure(run(t, { steps: { charge: { call: 'store.charge_payment', retry: { maximumAttempts: 0 } }, ship: { set: 1, dependsOn: ['chrge'] } } }));
    assert.equal(failed.type, 'InvalidDefinition');
    assert.equal(failed.nonRetryable, true);
    assert.match(failed.message, /steps\.charge\.retry\.maximumAttempts: /);
  });

  it('asks for approval and continues with the decision', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const started = await orchestra.start('definitionRun', {
        definition: { orchestra: 1, name: 'approve-me', steps: { ok: { approval: { subject: 'ship ${ input.id }?' } }, ship: { set: 'shipped by ${ steps.ok.approver }', dependsOn: ['ok'] } } },
        input: { id: 'ord-7' },
      }, { taskQueue });
      const handle = orchestra.handle(started.workflowId);
      for (let i = 0; ; i++) {
        const progress = await orchestra.progress(started.workflowId).catch(() => undefined);
        if (progress?.details?.pendingApproval) break;
        assert.ok(i < 200, 'no approval was asked');
        await new Promise((r) => setTimeout(r, 100));
      }
      await handle.executeUpdate('decide', { args: [{ decision: 'approve', approver: 'Grace Hopper' }] });
      const result = await handle.result() as DefinitionRunResult;
      assert.deepEqual((result.output as { ship: string }).ship, 'shipped by Grace Hopper');
    });
  });

  it('fails an approval that times out, as ApprovalTimedOut', async () => {
    const failed = await failure(run(t, { steps: { ok: { approval: { subject: 'anyone?', timeout: '1 hour' } } } }));
    assert.equal(failed.type, 'ApprovalTimedOut');
  });

  it('starts child workflows: another definition and a registered workflow', async () => {
    const result = await withWorker(t.env, t.deps, ({ orchestra, taskQueue }) => orchestra.execute('definitionRun', {
      definition: {
        orchestra: 1, name: 'parent',
        steps: {
          double: { workflow: { definition: 'doubler', input: { n: '${ input.n }' } } },
          tools: { workflow: { type: 'callTools', input: { calls: [{ server: 'store', tool: 'list_customers', args: {} }] } }, output: '${ $count(result.outcomes) }' },
        },
      },
      input: { n: 21 },
      definitions: { doubler: { orchestra: 1, name: 'doubler', steps: { twice: { set: '${ input.n * 2 }' } }, output: '${ steps.twice }' } },
    }, { taskQueue }));
    assert.deepEqual(result.output, { double: 42, tools: 1 });
  });

  it('continues a long loop as new every iterationsPerRun iterations, carrying its state', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const started = await orchestra.start('definitionRun', {
        definition: { orchestra: 1, name: 'long-loop', steps: { spin: { loop: {
          steps: { total: { set: '${ ($exists(previous.total) ? previous.total : 0) + iteration }' } },
          until: 'iteration = 24', maxIterations: 100, iterationsPerRun: 10,
        } } } },
      }, { taskQueue });
      const result = await orchestra.handle(started.workflowId).result() as DefinitionRunResult;
      assert.deepEqual(result.output, { spin: { iterations: 25, done: true, steps: { total: 300 } } });
      const history = await orchestra.handle(started.workflowId).fetchHistory();
      const child = history.events?.find((e) => e.childWorkflowExecutionStartedEventAttributes)?.childWorkflowExecutionStartedEventAttributes;
      assert.ok(child?.workflowExecution?.workflowId && child.workflowExecution.runId);
      const firstRun = await orchestra.client.workflow.getHandle(child.workflowExecution.workflowId, child.workflowExecution.runId).fetchHistory();
      assert.ok(firstRun.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes, 'the first run of the loop continued as new');
    });
  });
});


describe('definition steps against store faults', () => {
  const t = useTemporal('time-skipping', { STORE_FAULTS: JSON.stringify({ charge_payment: { fail: 2 }, create_ticket: { failAfterEffect: 1 } }) });

  it('retries a step by its retry policy, and a retried write takes effect once (idempotency key from run + step)', async () => {
    const result = await run(t, {
      steps: {
        charge: { call: 'store.charge_payment', input: { customer_id: 'cust-003', amount: 1234 }, retry: { maximumAttempts: 3, initialInterval: '1s' } },
        ticket: { call: 'store.create_ticket', dependsOn: ['charge'], input: { subject: 'paid ${ steps.charge.payment_id }', body: 'x', priority: 'low' } },
      },
    });
    const output = result.output as { charge: { payment_id: string }; ticket: { ticket_id: string } };
    const rows = readStore(t.deps, (db) => ({
      payments: db.prepare('SELECT id FROM payments WHERE customer_id = ? AND amount = 1234').all('cust-003'),
      tickets: db.prepare('SELECT id FROM tickets WHERE subject = ?').all(`paid ${output.charge.payment_id}`),
      faults: db.prepare('SELECT tool, COUNT(*) AS n FROM fault_log GROUP BY tool ORDER BY tool').all(),
    }));
    assert.equal(rows.payments.length, 1);
    assert.equal(rows.tickets.length, 1, 'the ticket whose first reply was lost was created once');
    assert.deepEqual(rows.faults, [{ tool: 'charge_payment', n: 2 }, { tool: 'create_ticket', n: 1 }]);
  });
});
