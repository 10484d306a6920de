import { z } from 'zod';
import { PRIORITIES, REQUEST_TYPES } from '../shared/routing.js';

export const CustomerId = z.string().regex(/^cust-\d{3,6}$/, 'must be a customer id such as "cust-001"');

/** A file in the filesystem server's sandbox, relative (e.g. `inbox/billing-complaint.txt`). */
export const SandboxPath = z.string()
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[\w. /-]{1,200}$/, 'must be a relative path inside the files sandbox, e.g. "inbox/billing-complaint.txt"');

export const RouteRequestInput = z.object({
  /** The request text (a message, a question, an e-mail). Give this or `inboxFile`. */
  request: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters').optional(),
  /** A message file in the sandbox to read through the filesystem MCP server instead of `request`. */
  inboxFile: SandboxPath.optional(),
  /** The customer who sent it (seed customers: cust-001 … cust-012). Customer service looks up the tier. */
  customerId: CustomerId.optional(),
}).check((ctx) => {
  const { request, inboxFile } = ctx.value;
  if ((request === undefined) === (inboxFile === undefined)) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      path: ['request'],
      message: request === undefined ? 'give the request text, or an inboxFile to read it from' : 'give either request or inboxFile, not both',
    });
  }
});
export type RouteRequestInput = z.input<typeof RouteRequestInput>;

const Customer = z.object({ id: z.string(), name: z.string(), tier: z.string(), region: z.string() });

export const RouteRequestResult = z.object({
  /** The classified type: customer_service, technical_support, sales_inquiry, data_analysis or general_query. */
  route: z.enum(REQUEST_TYPES),
  priority: z.enum(PRIORITIES),
  escalated: z.boolean(),
  /** The nodes that ran, as in the seed: classifier, the handler, priority_processor, escalation. */
  routingPath: z.array(z.string()),
  classification: z.object({
    scores: z.record(z.string(), z.number()),
    urgencyKeywords: z.array(z.string()),
    escalationTriggers: z.array(z.string()),
  }),
  /** The customer as the customer-service handler found them (its tier feeds the escalation rule). */
  customer: Customer.nullable(),
  /**
   * What the type's handler produced (null when a trigger sent the request straight to escalation). When its tools
   * failed: `action` "Fallback response", the seed's standard `fallback` text, and the `error` (type and message).
   */
  handlerResult: z.looseObject({
    type: z.enum(REQUEST_TYPES),
    action: z.string(),
    fallback: z.string().optional(),
    error: z.object({ type: z.string(), message: z.string() }).optional(),
  }).nullable(),
  /** Priority processing: HIGH and CRITICAL are expedited (4 h / 1 h); null otherwise. */
  sla: z.object({
    level: z.enum(PRIORITIES),
    expedited: z.literal(true),
    responseWithin: z.string(),
    hours: z.number(),
    dueAt: z.string(),
  }).nullable(),
  /** The escalation ticket opened in the store for the senior support team. */
  escalation: z.object({
    ticketId: z.string(),
    cause: z.enum(['trigger', 'critical_priority', 'premium_high_priority']),
    reason: z.string(),
    assignee: z.string(),
  }).nullable(),
});
export type RouteRequestResult = z.infer<typeof RouteRequestResult>;

/** A text on one line, cut to `max` characters (for Web UI summaries). */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
