/**
 * The conditional router's rules (seed 000, Pattern 2 "Conditional Workflow Routing"), as pure, deterministic code:
 * the workflow (route-request.ts) applies them, and tests check every rule without a server.
 *
 * Exactly the seed's rules, including its regex semantics: patterns run over the lower-cased request with no word
 * boundaries (so "data" also counts inside "database", "api" inside "rapid"), and a type's score is the number of
 * non-overlapping matches of all its patterns (Python's `len(re.findall(...))`, summed).
 */

import type { Priority, RequestType, UserType } from '../shared/routing.js';

export type { Priority, RequestType, UserType };

/** The types a pattern can score; `general_query` is what remains when none does. */
export type ScoredType = Exclude<RequestType, 'general_query'>;

/** The seed's `Priority` enum values: LOW = 1 … CRITICAL = 4. */
export const PRIORITY_LEVEL: Record<Priority, number> = { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

/** Per type, its patterns, in the seed's declaration order (which also breaks ties: the first declared wins). */
export const TYPE_PATTERNS: ReadonlyArray<readonly [ScoredType, readonly string[]]> = [
  ['customer_service', [
    'account|billing|payment|refund|cancel|subscription',
    'order|shipping|delivery|tracking|return',
    'login|password|access|locked',
  ]],
  ['technical_support', [
    'error|bug|crash|broken|not working|issue',
    'api|integration|connection|timeout',
    'performance|slow|loading|response',
  ]],
  ['sales_inquiry', [
    'price|cost|quote|demo|trial|purchase',
    'features|comparison|upgrade|plan',
    'contact sales|sales team|pricing',
  ]],
  ['data_analysis', [
    'report|analytics|data|statistics|metrics',
    'trend|analysis|forecast|prediction',
    'dashboard|visualization|chart',
  ]],
];

/** Urgency patterns and the priority each sets; the highest matching priority wins, LOW when none matches. */
export const URGENCY_PATTERNS: ReadonlyArray<readonly [string, Priority]> = [
  ['urgent|emergency|critical|asap|immediately', 'CRITICAL'],
  ['important|priority|soon|quickly', 'HIGH'],
  ['please|when possible|sometime', 'MEDIUM'],
];

/** Any match sends the request straight to escalation (the type's handler does not run). */
export const ESCALATION_TRIGGERS: readonly string[] = [
  'complaint|frustrated|angry|disappointed',
  'manager|supervisor|escalate',
  'unacceptable|terrible|worst',
];

/** The seed's priority processing: HIGH and CRITICAL are expedited with these response times. */
export const SLA: Partial<Record<Priority, { hours: number; text: string }>> = {
  HIGH: { hours: 4, text: '4 hours' },
  CRITICAL: { hours: 1, text: '1 hour' },
};

/** The handler node each route runs, named as in the seed's routing path. */
export const HANDLER_NODE: Record<RequestType, string> = {
  customer_service: 'customer_service',
  technical_support: 'technical_support',
  sales_inquiry: 'sales',
  data_analysis: 'data_analysis',
  general_query: 'general',
};

export interface Classification {
  type: RequestType;
  /** Matches per scored type (all zero → general_query). */
  scores: Record<ScoredType, number>;
  priority: Priority;
  /** Every urgency word found, pattern by pattern (the seed's `urgency_keywords`). */
  urgencyKeywords: string[];
  /** The escalation words found; non-empty means the request escalates at once. */
  escalationTriggers: string[];
}

function matches(pattern: string, text: string): string[] {
  return text.match(new RegExp(pattern, 'g')) ?? [];
}

/** The seed's `_classify_query`: type by match count, priority by urgency, escalation triggers. */
export function classify(request: string): Classification {
  const text = request.toLowerCase();

  const scores = {} as Record<ScoredType, number>;
  let type: RequestType = 'general_query';
  let best = 0;
  for (const [candidate, patterns] of TYPE_PATTERNS) {
    scores[candidate] = patterns.reduce((sum, pattern) => sum + matches(pattern, text).length, 0);
    if (scores[candidate] > best) { // strictly greater: on a tie the type declared first keeps it
      best = scores[candidate];
      type = candidate;
    }
  }

  let priority: Priority = 'LOW';
  for (const [pattern, level] of URGENCY_PATTERNS) {
    if (matches(pattern, text).length && PRIORITY_LEVEL[level] > PRIORITY_LEVEL[priority]) priority = level;
  }
  const urgencyKeywords = URGENCY_PATTERNS.flatMap(([pattern]) => matches(pattern, text));
  const escalationTriggers = ESCALATION_TRIGGERS.flatMap((pattern) => matches(pattern, text));

  return { type, scores, priority, urgencyKeywords, escalationTriggers };
}

/** The seed's priority processing: the SLA of an expedited request, or undefined for LOW and MEDIUM. */
export function slaFor(priority: Priority): { level: Priority; expedited: true; responseWithin: string; hours: number } | undefined {
  const sla = SLA[priority];
  return sla && { level: priority, expedited: true, responseWithin: sla.text, hours: sla.hours };
}

export type EscalationCause = 'trigger' | 'critical_priority' | 'premium_high_priority';

/**
 * The seed's `_check_escalation_needed`: a trigger word, CRITICAL priority, or a premium customer with HIGH priority.
 * Returns why (the first cause that holds, in the seed's order), or undefined when the request completes normally.
 */
export function escalationCause(c: Pick<Classification, 'priority' | 'escalationTriggers'>, customerTier?: string): EscalationCause | undefined {
  if (c.escalationTriggers.length) return 'trigger';
  if (c.priority === 'CRITICAL') return 'critical_priority';
  if (customerTier === 'premium' && c.priority === 'HIGH') return 'premium_high_priority';
  return undefined;
}

/** A reason a person reads on the escalation ticket. */
export function escalationReason(cause: EscalationCause, c: Pick<Classification, 'escalationTriggers'>): string {
  switch (cause) {
    case 'trigger':
      return `escalation trigger in the request: ${[...new Set(c.escalationTriggers)].join(', ')}`;
    case 'critical_priority':
      return 'priority CRITICAL';
    case 'premium_high_priority':
      return 'premium customer with priority HIGH';
  }
}

/** The seed's technical-severity rule. */
export function technicalSeverity(request: string, priority: Priority): 'critical' | 'high' | 'medium' {
  const text = request.toLowerCase();
  if (priority === 'CRITICAL') return 'critical';
  if (text.includes('error') || text.includes('crash')) return 'high';
  return 'medium';
}

/** The seed's sales lead-quality rule. */
export function leadQuality(request: string): 'hot' | 'warm' | 'cold' {
  const text = request.toLowerCase();
  if (['demo', 'trial', 'purchase', 'buy'].some((word) => text.includes(word))) return 'hot';
  if (['price', 'cost', 'quote'].some((word) => text.includes(word))) return 'warm';
  return 'cold';
}

// ---------------------------------------------------------------------------------------------------------------------
// Routing by user type (seed 001 §3): admin requests need approval; premium and standard are processed directly.
/**
 * The seed's `classify_user`: "admin"/"administrator" → admin, else "premium"/"pro" → premium, else standard. One
 * deliberate difference: whole words, not substrings — the seed's `"pro" in user_input` would also make every
 * "process", "problem" or "approve" a premium request.
 */
export function classifyUser(request: string): UserType {
  const text = request.toLowerCase();
  if (/\b(?:admin|administrator)\b/.test(text)) return 'admin';
  if (/\b(?:premium|pro)\b/.test(text)) return 'premium';
  return 'standard';
}

/** The seed's processing nodes: what each user type's request gets. */
export function processUserRequest(userType: UserType, request: string): string {
  switch (userType) {
    case 'admin':
      return `Admin processing: ${request} - Full access granted`;
    case 'premium':
      return `Premium processing: ${request} - Enhanced features available`;
    case 'standard':
      return `Standard processing: ${request} - Basic features available`;
  }
}
