import { ActivityFailure, isCancellation, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { ToolActivities } from '../activities/mcp.js';
import { RouteRequestInput, type RouteRequestResult } from '../schemas/route-request.js';
import { ESCALATED, PRIORITY, ROUTE } from '../shared/search-attributes.js';
import { recoveryTimeouts } from '../shared/recovery.js';
import { NON_RETRYABLE_TOOL_ERRORS, retryPolicyFor, ROUTE_AROUND_OPEN_BREAKER } from '../shared/tool-retry.js';
import {
  classify,
  escalationCause,
  escalationReason,
  HANDLER_NODE,
  leadQuality,
  slaFor,
  technicalSeverity,
  type Classification,
  type RequestType,
} from '../routing/rules.js';
import { describeFailure } from './support/failures.js';
import { parseInput } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { stepKey, store } from './support/tools.js';

type Customer = NonNullable<RouteRequestResult['customer']>;
type HandlerResult = NonNullable<RouteRequestResult['handlerResult']>;
interface Handled { result: HandlerResult; customer?: Customer }

const files = proxyActivities<ToolActivities>({
  ...recoveryTimeouts('tool'),
  // The handlers have a fallback response: an open breaker takes it at once instead of waiting for the server.
  retry: { ...retryPolicyFor({ readOnlyHint: true }, false), nonRetryableErrorTypes: [...NON_RETRYABLE_TOOL_ERRORS, ...ROUTE_AROUND_OPEN_BREAKER] },
});

/**
 * Conditional routing with priority and escalation (seed 000, Pattern 2): classify the request by the seed's rules,
 * route it to its type's handler (each calls real tools), apply priority processing (HIGH and CRITICAL get an SLA),
 * and escalate to the senior support team — a ticket in the store — when a trigger word matched (straight away, no
 * handler), when the priority is CRITICAL, or when a premium customer's request is HIGH. A handler whose tools fail (an
 * unknown customer, the filesystem server down) does not sink the request: as in the seed, its result is the type's
 * fallback response with the error, and priority processing and escalation still run.
 */
export async function routeRequest(raw: RouteRequestInput): Promise<RouteRequestResult> {
  const input = parseInput(RouteRequestInput, raw);
  const progress = new ProgressReporter('routeRequest');
  const total = 4;

  // Classify.
  progress.update({ step: 'classifying', done: 0, total });
  const request = input.request ?? await readMessage(input.inboxFile!);
  const c = classify(request);
  const routingPath = ['classifier'];
  upsertSearchAttributes([{ key: ROUTE, value: c.type }, { key: PRIORITY, value: c.priority }, { key: ESCALATED, value: false }]);
  progress.update({ step: `classified as ${c.type}, priority ${c.priority}`, done: 1, details: { route: c.type, priority: c.priority } });

  // Handle, then prioritise — unless a trigger word sends the request straight to escalation (as in the seed).
  let handled: Handled | undefined;
  let sla: RouteRequestResult['sla'] = null;
  if (!c.escalationTriggers.length) {
    routingPath.push(HANDLER_NODE[c.type]);
    progress.update({ step: `handling as ${c.type}`, done: 1 });
    handled = await handle(request, c, input.customerId);
    if (handled.result.error) progress.update({ step: `handler failed (${handled.result.error.type}): fallback response`, done: 2 });

    routingPath.push('priority_processor');
    const expedited = slaFor(c.priority);
    sla = expedited ? { ...expedited, dueAt: new Date(Date.now() + expedited.hours * 3_600_000).toISOString() } : null;
    progress.update({ step: sla ? `expedited: ${sla.level}, respond within ${sla.responseWithin}` : `priority ${c.priority}: normal queue`, done: 3, details: { sla } });
  }

  // Escalate.
  let escalation: RouteRequestResult['escalation'] = null;
  const cause = escalationCause(c, handled?.customer?.tier);
  if (cause) {
    routingPath.push('escalation');
    const reason = escalationReason(cause, c);
    progress.update({ step: `escalating: ${reason}`, done: 3 });
    const ticket = await store<{ ticket_id: string; assignee: string }>('create_ticket', {
      subject: `[${c.priority}] ${c.type} request escalated`,
      body: `Reason: ${reason}\nRouting path: ${routingPath.join(' → ')}\n${ticketNotes(input.customerId, handled)}\n${request}`,
      priority: c.priority.toLowerCase(),
      escalated: true,
      category: c.type,
      // A customer the store does not know (the handler's lookup said so) is named in the body, not linked.
      ...(input.customerId && handled?.result.error?.type !== 'UnknownCustomer' ? { customer_id: input.customerId } : {}),
    }, { idempotencyKey: stepKey('escalate'), summary: `escalate ${c.priority} ${c.type} to senior support` });
    escalation = { ticketId: ticket.ticket_id, cause, reason, assignee: ticket.assignee };
    upsertSearchAttributes([{ key: ESCALATED, value: true }]);
  }

  progress.update({ step: `${escalation ? 'escalated' : 'handled'}: ${c.type}, ${c.priority}`, state: 'completed', outcome: escalation ? 'escalated' : 'handled', done: total, details: { escalated: !!escalation } });
  return {
    route: c.type,
    priority: c.priority,
    escalated: escalation !== null,
    routingPath,
    classification: { scores: c.scores, urgencyKeywords: c.urgencyKeywords, escalationTriggers: c.escalationTriggers },
    customer: handled?.customer ?? null,
    handlerResult: handled?.result ?? null,
    sla,
    escalation,
  };
}

/**
 * Runs the type's handler. When one of its tool calls fails for good (an activity failure: its retries are spent or the
 * error is a business one), the seed's fallback takes its place: a standard response that names the error. Cancellation
 * and errors of the workflow's own code still end the run.
 */
async function handle(request: string, c: Classification, customerId?: string): Promise<Handled> {
  try {
    return await handlers[c.type](request, c, customerId);
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
    const { type, message } = describeFailure(err);
    return { result: { type: c.type, action: 'Fallback response', fallback: FALLBACK_RESPONSE[c.type], error: { type, message } } };
  }
}

/** The customer and the handler's failure, if any, as lines of the escalation ticket. */
function ticketNotes(customerId: string | undefined, handled: Handled | undefined): string {
  const customer = customerId ? `Customer: ${customerId}${handled?.result.error?.type === 'UnknownCustomer' ? ' (not found in the store)' : ''}\n` : '';
  const error = handled?.result.error;
  return `${customer}${error ? `Handler failed (${error.type}): ${error.message}\n` : ''}`;
}

/** The seed's fallback response per route, used when the handler's tools fail. */
const FALLBACK_RESPONSE: Record<RequestType, string> = {
  customer_service: 'Standard customer service response',
  technical_support: 'Standard technical support response',
  sales_inquiry: 'Standard sales response',
  data_analysis: 'Standard analytics response',
  general_query: 'Standard general response',
};

async function readMessage(path: string): Promise<string> {
  // No fallback for the message itself: an open breaker delays this read until the filesystem server may be probed.
  return files.fsReadTextFile.executeWithOptions({ summary: `filesystem.read_text_file path=${path}`, retry: retryPolicyFor({ readOnlyHint: true }, false) }, [{ path }]);
}

// ---------------------------------------------------------------------------------------------------------------------
// The handlers: one per route, each doing its type's work through real tools.

const handlers: Record<RequestType, (request: string, c: Classification, customerId?: string) => Promise<Handled>> = {
  /** Looks the customer up in the store; the tier decides the premium-and-HIGH escalation rule. */
  async customer_service(_request, _c, customerId) {
    let customer: Customer | undefined;
    if (customerId) {
      const found = await store<{ customer: Customer }>('get_customer', { customer_id: customerId }, { readOnly: true, hasFallback: true });
      customer = { id: found.customer.id, name: found.customer.name, tier: found.customer.tier, region: found.customer.region };
    }
    return {
      customer,
      result: {
        type: 'customer_service',
        action: 'Account inquiry processed',
        customerTier: customer?.tier ?? null,
        recommendations: ['Verify account information', 'Check recent transaction history', 'Provide relevant documentation'],
      },
    };
  },

  /** Searches the service logs on the filesystem server for errors and for the request ids the message quotes. */
  async technical_support(request, c) {
    const logs = await files.fsSearchFiles.executeWithOptions({ summary: 'filesystem.search_files logs/*.log' }, [{ path: 'logs', pattern: '*.log' }]);
    const texts = await Promise.all(logs.map((path) =>
      files.fsReadTextFile.executeWithOptions({ summary: `filesystem.read_text_file path=logs/${baseName(path)}` }, [{ path }])));
    const requestIds = [...new Set(request.match(/\breq_[0-9a-f]{6,}\b/g) ?? [])];
    return {
      result: {
        type: 'technical_support',
        action: 'Technical analysis completed',
        severity: technicalSeverity(request, c.priority),
        requestIds,
        logs: logs.map((path, i) => scanLog(baseName(path), texts[i], requestIds)),
        nextSteps: ['Check system logs', 'Verify configuration settings', 'Test connectivity'],
      },
    };
  },

  /** Reads the product catalogue from the store for the quote. */
  async sales_inquiry(request) {
    const catalogue = await store<{ rows: Array<{ sku: string; name: string; category: string; price: number; in_stock: number }> }>('query', {
      sql: 'SELECT sku, name, category, price, in_stock FROM product_catalog ORDER BY category, price',
    }, { readOnly: true, hasFallback: true, summary: 'store.query product_catalog' });
    return {
      result: {
        type: 'sales_inquiry',
        action: 'Sales information provided',
        leadQuality: leadQuality(request),
        products: catalogue.rows.map((p) => ({ sku: p.sku, name: p.name, category: p.category, priceCents: p.price, inStock: p.in_stock === 1 })),
        recommendations: ['Provide product comparison', 'Schedule demo if interested', 'Send pricing information'],
      },
    };
  },

  /** Queries the store's monthly figures and reports the trend. */
  async data_analysis() {
    const monthly = await store<{ rows: Array<{ month: string; orders: number; revenue: number }> }>('query', {
      sql: 'SELECT month, SUM(orders) AS orders, SUM(revenue) AS revenue FROM historical_data GROUP BY month ORDER BY month',
    }, { readOnly: true, hasFallback: true, summary: 'store.query historical_data by month' });
    return { result: { type: 'data_analysis', action: 'Data analysis completed', monthly: monthly.rows, insights: trendInsights(monthly.rows) } };
  },

  async general_query() {
    return { result: { type: 'general_query', action: 'General information provided', response: 'Comprehensive general response based on available data' } };
  },
};

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

const LOG_LINE = /^(\S+)\s+(INFO|WARN|ERROR)\s/;

/** One log's findings: its error count and time window, the first errors, and every line quoting a request id. */
function scanLog(file: string, text: string, requestIds: string[]) {
  const lines = text.split('\n').filter(Boolean);
  const errors = lines.filter((line) => LOG_LINE.exec(line)?.[2] === 'ERROR');
  return {
    file,
    lines: lines.length,
    errors: errors.length,
    firstErrorAt: errors.length ? LOG_LINE.exec(errors[0])![1] : null,
    lastErrorAt: errors.length ? LOG_LINE.exec(errors[errors.length - 1])![1] : null,
    sampleErrors: errors.slice(0, 3),
    requestTrail: requestIds.length ? lines.filter((line) => requestIds.some((id) => line.includes(id))) : [],
  };
}

/** Plain facts from the monthly figures: the span, the change in revenue, the best month. */
function trendInsights(rows: Array<{ month: string; revenue: number }>): string[] {
  if (!rows.length) return ['No completed orders to analyse'];
  const first = rows[0];
  const last = rows[rows.length - 1];
  const best = rows.reduce((a, b) => (b.revenue > a.revenue ? b : a));
  const change = first.revenue ? Math.round(((last.revenue - first.revenue) / first.revenue) * 100) : 0;
  return [
    `${rows.length} months of completed orders, ${first.month} to ${last.month}`,
    `Revenue ${change >= 0 ? 'up' : 'down'} ${Math.abs(change)}% from ${first.month} to ${last.month}`,
    `Best month: ${best.month} (${(best.revenue / 100).toFixed(2)} in revenue)`,
  ];
}
