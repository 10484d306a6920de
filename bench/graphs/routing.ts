/**
 * The routing graph of seed 000 "Pattern 2: Conditional Workflow Routing", as pure functions shared by the LangGraph
 * baseline (bench/langgraph/routing.ts) and the Temporal one (bench/workflows.ts), so both make the same decisions.
 * Deterministic and free of Node APIs: the workflow bundle imports it.
 */

export type Route = 'customer_service' | 'technical_support' | 'sales_inquiry' | 'data_analysis' | 'general_query';
export type Priority = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

const ROUTE_PATTERNS: Array<[Route, RegExp[]]> = [
  ['customer_service', [/account|billing|payment|refund|cancel|subscription/g, /order|shipping|delivery|tracking|return/g, /login|password|access|locked/g]],
  ['technical_support', [/error|bug|crash|broken|not working|issue/g, /api|integration|connection|timeout/g, /performance|slow|loading|response/g]],
  ['sales_inquiry', [/price|cost|quote|demo|trial|purchase/g, /features|comparison|upgrade|plan/g, /contact sales|sales team|pricing/g]],
  ['data_analysis', [/report|analytics|data|statistics|metrics/g, /trend|analysis|forecast|prediction/g, /dashboard|visualization|chart/g]],
];
const URGENCY: Array<[RegExp, Priority]> = [
  [/urgent|emergency|critical|asap|immediately/, 'CRITICAL'],
  [/important|priority|soon|quickly/, 'HIGH'],
  [/please|when possible|sometime/, 'MEDIUM'],
];
const ESCALATION_TRIGGERS = [/complaint|frustrated|angry|disappointed/, /manager|supervisor|escalate/, /unacceptable|terrible|worst/];
const RANK: Record<Priority, number> = { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

export interface Classification {
  route: Route;
  priority: Priority;
  /** An escalation trigger word appeared in the query. */
  triggered: boolean;
  scores: Record<string, number>;
}

/** The classifier node: route by pattern score, priority by urgency words, escalation triggers. */
export function classify(query: string): Classification {
  const text = query.toLowerCase();
  const scores: Record<string, number> = {};
  let route: Route = 'general_query';
  let best = 0;
  for (const [name, patterns] of ROUTE_PATTERNS) {
    const score = patterns.reduce((sum, p) => sum + (text.match(p)?.length ?? 0), 0);
    scores[name] = score;
    if (score > best) {
      best = score;
      route = name;
    }
  }
  let priority: Priority = 'LOW';
  for (const [pattern, level] of URGENCY) if (pattern.test(text) && RANK[level] > RANK[priority]) priority = level;
  return { route, priority, triggered: ESCALATION_TRIGGERS.some((p) => p.test(text)), scores };
}

/** The priority node: expedite HIGH/CRITICAL with an SLA. */
export function prioritise(priority: Priority): { expedited: boolean; sla?: string } {
  if (priority === 'CRITICAL') return { expedited: true, sla: '1 hour' };
  if (priority === 'HIGH') return { expedited: true, sla: '4 hours' };
  return { expedited: false };
}

/** The escalation check after the priority node (the seed's rule, without a customer tier lookup). */
export function needsEscalation(c: Classification): boolean {
  return c.triggered || c.priority === 'CRITICAL';
}
