/**
 * routeRequest end to end: a real dev server (routing has no timers; its visibility store answers the Web UI's
 * filters), a real worker, the real filesystem and store MCP servers. Every rule itself is in routing-rules.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError, validateInput } from '../src/client/api.js';
import type { RouteRequestResult } from '../src/schemas/route-request.js';
import { ESCALATED, PRIORITY, ROUTE } from '../src/shared/search-attributes.js';
import { eventually } from './helpers/eventually.js';
import { readStore, rejectsAsInvalidInput, useTemporal, withWorker } from './helpers/temporal.js';

interface TicketRow { id: string; priority: string; assignee: string; customer_id: string | null; category: string; escalated: number; body: string }

describe('routeRequest (local dev server, real MCP servers)', () => {
  const t = useTemporal('local');

  const ticket = (id: string) => readStore(t.deps, (db) => db.prepare(
    'SELECT id, priority, assignee, customer_id, category, escalated, body FROM tickets WHERE id = ?').get(id) as TicketRow | undefined);
  const ticketCount = () => readStore(t.deps, (db) => (db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n);

  it('rejects bad input with field-level errors before anything starts', () => {
    const issues = (input: unknown) => {
      try {
        validateInput('routeRequest', input);
      } catch (err) {
        assert.ok(err instanceof InvalidInputError);
        return err.issues;
      }
      assert.fail('accepted');
    };
    assert.match(issues({ request: '  ', customerId: 'acme' }), /request: must not be empty.*customerId: must be a customer id such as "cust-001"/);
    assert.match(issues({}), /request: give the request text, or an inboxFile to read it from/);
    assert.match(issues({ request: 'hi', inboxFile: 'inbox/a.txt' }), /request: give either request or inboxFile, not both/);
    assert.match(issues({ inboxFile: '../store.db' }), /inboxFile: must be a relative path inside the files sandbox/);
    assert.match(issues({ inboxFile: '/etc/passwd' }), /inboxFile: must be a relative path/);
  });

  it('escalates a premium customer\'s HIGH request after customer service finds the tier; a standard customer\'s is only expedited', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const request = 'Important: our billing shows the subscription charged twice.';
      const [premium, standard] = await Promise.all([
        orchestra.execute('routeRequest', { request, customerId: 'cust-001' }, { taskQueue }),
        orchestra.execute('routeRequest', { request, customerId: 'cust-003' }, { taskQueue }),
      ]);
      for (const r of [premium, standard]) {
        assert.equal(r.route, 'customer_service');
        assert.equal(r.priority, 'HIGH');
        assert.equal(r.sla?.responseWithin, '4 hours');
        assert.equal(r.handlerResult?.action, 'Account inquiry processed');
      }
      assert.deepEqual(premium.customer, { id: 'cust-001', name: 'Acme Corporation', tier: 'premium', region: 'NA' });
      assert.deepEqual(premium.routingPath, ['classifier', 'customer_service', 'priority_processor', 'escalation']);
      assert.equal(premium.escalated, true);
      assert.equal(premium.escalation?.cause, 'premium_high_priority');
      assert.equal(premium.escalation?.assignee, 'senior-support');
      const row = ticket(premium.escalation!.ticketId);
      assert.deepEqual({ ...row, body: undefined }, {
        id: premium.escalation!.ticketId, priority: 'high', assignee: 'senior-support', customer_id: 'cust-001',
        category: 'customer_service', escalated: 1, body: undefined,
      });
      assert.match(row!.body, /Reason: premium customer with priority HIGH/);

      assert.equal(standard.customer?.tier, 'standard');
      assert.deepEqual(standard.routingPath, ['classifier', 'customer_service', 'priority_processor']);
      assert.equal(standard.escalated, false);
      assert.equal(standard.escalation, null);
    });
  });

  it('handles the urgent outage report as technical support: reads the logs, finds its request ids, escalates CRITICAL', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('routeRequest', { inboxFile: 'inbox/urgent-outage-report.txt' }, { taskQueue });
      assert.match(run.workflowId, /^route-request-urgent-outage-report-/);
      const r = await orchestra.result(run.workflowId) as RouteRequestResult;
      assert.equal(r.route, 'technical_support');
      assert.equal(r.priority, 'CRITICAL');
      assert.deepEqual(r.routingPath, ['classifier', 'technical_support', 'priority_processor', 'escalation']);
      assert.equal(r.sla?.responseWithin, '1 hour');
      const handled = r.handlerResult as unknown as {
        severity: string; requestIds: string[]; logs: Array<{ file: string; errors: number; requestTrail: string[] }>;
      };
      assert.equal(handled.severity, 'critical');
      assert.deepEqual(handled.requestIds, ['req_fa8973381f', 'req_33931da53f']);
      assert.deepEqual(handled.logs.map((l) => l.file).sort(), ['api-gateway.log', 'auth-service.log', 'payments-service.log', 'worker.log']);
      const gateway = handled.logs.find((l) => l.file === 'api-gateway.log')!;
      assert.equal(gateway.errors, 49);
      assert.equal(gateway.requestTrail.length, 2);
      assert.match(gateway.requestTrail[0], /\[req_fa8973381f\] POST \/v1\/payments status=504 upstream timeout/);
      const payments = handled.logs.find((l) => l.file === 'payments-service.log')!;
      assert.ok(payments.requestTrail.some((line) => /connection pool exhausted/.test(line)));

      assert.equal(r.escalation?.cause, 'critical_priority');
      assert.equal(ticket(r.escalation!.ticketId)?.priority, 'critical');

      // What the Web UI filters by: "all escalated CRITICAL requests".
      const description = await orchestra.describe(run.workflowId);
      assert.equal(description.typedSearchAttributes.get(ROUTE), 'technical_support');
      assert.equal(description.typedSearchAttributes.get(PRIORITY), 'CRITICAL');
      assert.equal(description.typedSearchAttributes.get(ESCALATED), true);
      await eventually(async () => (await orchestra.list('OrchestraEscalated = true AND OrchestraPriority = "CRITICAL"'))
        .some((w) => w.workflowId === run.workflowId), { what: 'the run to be listed as escalated and CRITICAL' });
    });
  });

  it('sends a request with an escalation trigger straight to escalation: no handler, no priority processing', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const r = await orchestra.execute('routeRequest', { inboxFile: 'inbox/refund-demand-legal.txt', customerId: 'cust-005' }, { taskQueue });
      assert.equal(r.route, 'customer_service');
      assert.equal(r.priority, 'MEDIUM');
      assert.deepEqual(r.routingPath, ['classifier', 'escalation']);
      assert.equal(r.handlerResult, null);
      assert.equal(r.customer, null);
      assert.equal(r.sla, null);
      assert.equal(r.escalation?.cause, 'trigger');
      assert.equal(r.escalation?.reason, 'escalation trigger in the request: manager, unacceptable');
      const row = ticket(r.escalation!.ticketId);
      assert.equal(row?.assignee, 'senior-support');
      assert.equal(row?.customer_id, 'cust-005');
      assert.equal(row?.priority, 'medium');
    });
  });

  it('answers sales from the product catalogue, data analysis from monthly figures, and a general question without escalating', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const before = ticketCount();
      const [sales, data, general] = await Promise.all([
        orchestra.execute('routeRequest', { inboxFile: 'inbox/sales-inquiry.txt' }, { taskQueue }),
        orchestra.execute('routeRequest', { inboxFile: 'inbox/data-analysis-request.txt' }, { taskQueue }),
        orchestra.execute('routeRequest', { request: 'Do you have an office in Lisbon?' }, { taskQueue }),
      ]);
      assert.deepEqual(sales.routingPath, ['classifier', 'sales', 'priority_processor']);
      const quote = sales.handlerResult as unknown as { leadQuality: string; products: Array<{ sku: string; inStock: boolean }> };
      assert.equal(quote.leadQuality, 'hot');
      assert.equal(quote.products.length, 10);
      assert.equal(quote.products.find((p) => p.sku === 'CAM-009')?.inStock, false);

      assert.deepEqual(data.routingPath, ['classifier', 'data_analysis', 'priority_processor']);
      const analysis = data.handlerResult as unknown as { monthly: Array<{ month: string }>; insights: string[] };
      assert.deepEqual(analysis.monthly.map((m) => m.month), ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']);
      assert.match(analysis.insights[0], /6 months of completed orders, 2025-01 to 2025-06/);

      assert.equal(general.route, 'general_query');
      assert.equal(general.priority, 'LOW');
      assert.deepEqual(general.routingPath, ['classifier', 'general', 'priority_processor']);
      for (const r of [sales, data, general]) {
        assert.equal(r.escalated, false);
        assert.equal(r.sla, null);
      }
      assert.equal(ticketCount(), before, 'no ticket was opened');
    });
  });

  it('still prioritises and escalates a CRITICAL request when its handler fails: the fallback result names the error', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      // cust-999 is no customer of the store: the customer-service handler's lookup fails with UnknownCustomer.
      const r = await orchestra.execute('routeRequest', { request: 'URGENT: my account is locked and billing is due today', customerId: 'cust-999' }, { taskQueue });
      assert.equal(r.route, 'customer_service');
      assert.equal(r.priority, 'CRITICAL');
      assert.deepEqual(r.routingPath, ['classifier', 'customer_service', 'priority_processor', 'escalation']);
      assert.equal(r.customer, null);
      assert.equal(r.handlerResult?.action, 'Fallback response');
      assert.equal(r.handlerResult?.fallback, 'Standard customer service response');
      assert.equal(r.handlerResult?.error?.type, 'UnknownCustomer');
      assert.match(r.handlerResult!.error!.message, /cust-999/);
      assert.equal(r.sla?.responseWithin, '1 hour');
      assert.equal(r.escalated, true);
      assert.equal(r.escalation?.cause, 'critical_priority');
      const row = ticket(r.escalation!.ticketId);
      assert.equal(row?.priority, 'critical');
      assert.equal(row?.customer_id, null, 'an unknown customer is named in the ticket, not linked');
      assert.match(row!.body, /Customer: cust-999 \(not found in the store\)/);
      assert.match(row!.body, /Handler failed \(UnknownCustomer\)/);
    });
  });

  it('fails with the workflow\'s own field-level InvalidInput, without running anything', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const handle = await orchestra.client.workflow.start('routeRequest', { taskQueue, workflowId: `route-bad-${Math.random()}`, args: [{ request: 'x', customerId: 'nobody' }] });
      await rejectsAsInvalidInput(handle.result(), /customerId: must be a customer id/);
      const events = (await handle.fetchHistory()).events ?? [];
      assert.equal(events.filter((e) => e.activityTaskScheduledEventAttributes).length, 0, 'nothing ran');
    });
  });
});

describe('routeRequest (time-skipping server)', () => {
  const t = useTemporal('time-skipping');

  it('routes, prioritises and escalates the same way under time skipping', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const r = await orchestra.execute('routeRequest', { inboxFile: 'inbox/urgent-outage-report.txt' }, { taskQueue });
      assert.equal(r.route, 'technical_support');
      assert.equal(r.priority, 'CRITICAL');
      assert.deepEqual(r.routingPath, ['classifier', 'technical_support', 'priority_processor', 'escalation']);
      assert.equal(r.escalation?.cause, 'critical_priority');
      const row = readStore(t.deps, (db) => db.prepare('SELECT priority, assignee FROM tickets WHERE id = ?').get(r.escalation!.ticketId));
      assert.deepEqual(row, { priority: 'critical', assignee: 'senior-support' });
    });
  });
});
