/**
 * Every definition in examples/ is checked as the CLI checks it and run against the real MCP servers (store,
 * filesystem) on the time-skipping server; the saga example proves the store is restored after a failure and after a
 * cancellation.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { checkDefinitionFile, prepareDefinitionRun } from '../src/client/definitions.js';
import type { DefinitionRunResult } from '../src/schemas/definition-run.js';
import { OUTCOME, STATUS } from '../src/shared/search-attributes.js';
import { readStore, useTemporal, withWorker, type TemporalTestContext, type TestDeps } from './helpers/temporal.js';

const example = (name: string) => path.join('examples', `${name}.yaml`);

function runExample(t: TemporalTestContext, name: string, input: unknown): Promise<DefinitionRunResult> {
  const request = prepareDefinitionRun(example(name), input);
  return withWorker(t.env, t.deps, ({ orchestra, taskQueue }) => orchestra.execute('definitionRun', request, { taskQueue }));
}

/** What the saga may change, as the store holds it. */
function storeState(deps: TestDeps) {
  return readStore(deps, (db) => ({
    activeUsers: db.prepare(`SELECT user_key FROM users WHERE deleted_at IS NULL ORDER BY user_key`).all(),
    owed: db.prepare(`SELECT customer_id, SUM(amount - refunded) AS owed FROM payments GROUP BY customer_id HAVING owed > 0`).all(),
    stock: db.prepare(`SELECT sku, stock FROM products ORDER BY sku`).all(),
    held: db.prepare(`SELECT id FROM reservations WHERE status = 'reserved'`).all(),
    labels: db.prepare(`SELECT id FROM shipping_labels WHERE status = 'created'`).all(),
    confirmations: db.prepare(`SELECT id FROM notifications WHERE kind = 'message' AND status = 'sent'`).all(),
  }));
}

let orders = 0;
function order(overrides: Record<string, unknown> = {}) {
  orders += 1;
  return {
    orderId: `ord-def-${orders}`,
    customer: { id: 'cust-001', name: 'Acme Corporation', email: 'billing@acme.example' },
    items: [{ sku: 'WIDGET-001', quantity: 2 }, { sku: 'GADGET-002', quantity: 1 }],
    shippingAddress: { name: 'Acme Receiving', street: '1 Market Street', city: 'San Francisco', postalCode: '94105', country: 'US' },
    ...overrides,
  };
}

describe('definition examples', () => {
  const t = useTemporal('time-skipping');

  it('every example passes the static checks', () => {
    const files = fs.readdirSync('examples').filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 7);
    for (const file of files) checkDefinitionFile(path.join('examples', file));
  });

  it('order-saga: completes the five steps against the store', async () => {
    const result = await runExample(t, 'order-saga', order());
    const output = result.output as { payment: string; label: string; amount: number };
    assert.match(output.payment, /^pay-/);
    assert.match(output.label, /^lbl-|^label-|\w+/);
    assert.ok(output.amount > 0);
    assert.equal(result.steps['steps.create_shipping_label'].status, 'completed');
  });

  it('order-saga: a rejected shipping label undoes every earlier step, restoring the store', async () => {
    await t.deps.mcp.callTool('store', { name: 'list_customers', arguments: {} });
    const before = storeState(t.deps);
    const bad = order({ shippingAddress: { name: 'Acme', street: '1 Market Street', city: 'San Francisco', postalCode: 'nowhere', country: 'US' } });
    await assert.rejects(runExample(t, 'order-saga', bad), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, 'InvalidAddress');
      assert.match(err.cause.message, /^steps\.create_shipping_label: .*; 5 steps undone/);
      const details = err.cause.details?.[0] as { steps: Record<string, { status: string }> };
      assert.equal(details.steps['steps.charge_payment'].status, 'compensated');
      assert.equal(details.steps['steps.update_inventory.map[1]'].status, 'compensated');
      return true;
    });
    assert.deepEqual(storeState(t.deps), before);
  });

  it('a cancelled run compensates what it did and ends as cancelled', async () => {
    await t.deps.mcp.callTool('store', { name: 'list_customers', arguments: {} });
    const before = storeState(t.deps);
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const started = await orchestra.start('definitionRun', {
        definition: {
          orchestra: 1, name: 'charge-then-wait',
          steps: {
            charge: { call: 'store.charge_payment', input: { customer_id: 'cust-002', amount: 1500 }, compensate: { call: 'store.refund_payment', input: { payment_id: '${ result.payment_id }' } } },
            hold: { wait: '30 days', dependsOn: ['charge'] },
          },
        },
      }, { taskQueue });
      for (let i = 0; ; i++) {
        const progress = await orchestra.progress(started.workflowId).catch(() => undefined);
        if ((progress?.details?.steps as Record<string, { status: string }> | undefined)?.['steps.hold']?.status === 'running') break;
        assert.ok(i < 300, 'the run never reached its wait');
        await new Promise((r) => setTimeout(r, 100));
      }
      await orchestra.cancel(started.workflowId);
      await assert.rejects(orchestra.handle(started.workflowId).result(), (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure);
        return true;
      });
      const progress = await orchestra.progress(started.workflowId);
      assert.equal((progress.details?.steps as Record<string, { status: string }>)['steps.charge'].status, 'compensated');
      // What the Web UI and `orchestra list --outcome` filter by.
      const described = await orchestra.describe(started.workflowId);
      assert.equal(described.typedSearchAttributes.get(OUTCOME), 'cancelled');
      assert.equal(described.typedSearchAttributes.get(STATUS), 'failed');
    });
    assert.deepEqual(storeState(t.deps), before);
  });

  it('parallel-gathering: gathers from the store and the filesystem, then aggregates', async () => {
    const result = await runExample(t, 'parallel-gathering', { query: 'refund' });
    const output = result.output as { sources: string[]; customers: number; files: number };
    assert.deepEqual([...output.sources].sort(), ['files', 'historical_data', 'metadata', 'user_data']);
    assert.equal(output.customers, 5);
    assert.ok(output.files >= 1);
  });

  it('routing: an urgent billing request goes to billing and is escalated with a ticket', async () => {
    const result = await runExample(t, 'routing', { request: 'URGENT: I was charged twice, please refund', customerId: 'cust-001' });
    const output = result.output as { type: string; handled: string; ticket?: string };
    assert.equal(output.type, 'billing');
    assert.match(output.handled, /^billing: Acme Corporation/);
    assert.ok(output.ticket);
    assert.equal(result.steps['steps.technical'].status, 'skipped');
  });

  it('routing: a plain sales question is handled without escalation', async () => {
    const result = await runExample(t, 'routing', { request: 'Can I get a quote for 20 licences?' });
    assert.equal((result.output as { type: string }).type, 'sales');
    assert.equal(result.steps['steps.escalate'].status, 'skipped');
  });

  it('sequential-pipeline: summarises, extracts keywords, judges the tone and writes a report', async () => {
    const result = await runExample(t, 'sequential-pipeline', { document: 'documents/refund-policy.md' });
    const output = result.output as { report: string; keywords: string[] };
    assert.equal(output.report, 'documents/refund-policy.report.md');
    assert.ok(output.keywords.length > 0);
    const written = fs.readFileSync(path.join(t.deps.home, 'files', output.report), 'utf8');
    assert.match(written, /^# documents\/refund-policy\.md/);
    assert.match(written, /\*\*Tone:\*\* \w+/);
  });

  it('iterate-until-quality: searches and refines until the coverage target or the limit', async () => {
    const result = await runExample(t, 'iterate-until-quality', { query: 'workflow retries', target: 0.5 });
    const output = result.output as { iterations: number; quality: number; reachedTarget: boolean };
    assert.ok(output.iterations >= 1 && output.iterations <= 5);
    assert.equal(output.reachedTarget, output.quality >= 0.5);
  });

  it('enterprise-workflow: a small request is checked in parallel, processed without approval and notified', async () => {
    const result = await runExample(t, 'enterprise-workflow', { customerId: 'cust-001', amount: 500, purpose: 'A great new laptop for the team' });
    const output = result.output as { approvedBy: string; checks: Record<string, unknown> };
    assert.equal(output.approvedBy, 'auto');
    assert.equal(output.checks.credit, true);
    assert.equal(result.steps['steps.approve'].status, 'skipped');
    assert.equal(result.steps['steps.notify'].status, 'completed');
  });

  it('data-pipeline: runs the DAG, saving to the event log and the cache side by side', async () => {
    const result = await runExample(t, 'data-pipeline', {});
    const output = result.output as { categories: Record<string, { products: number }>; event: number };
    assert.ok(Object.keys(output.categories).length >= 1);
    assert.ok(output.event >= 1);
    const cached = JSON.parse(fs.readFileSync(path.join(t.deps.home, 'files', 'documents/category-totals.json'), 'utf8')) as object;
    assert.deepEqual(cached, output.categories);
  });
});
