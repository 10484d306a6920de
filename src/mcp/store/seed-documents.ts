/** The knowledge base the store seeds for full-text search: short documents on six topics. */

export interface SeedDocument {
  title: string;
  body: string;
  tags: string[];
}

export const SEED_DOCUMENTS: readonly SeedDocument[] = [
  // Temporal and durable workflows
  {
    title: 'Durable execution with Temporal workflows',
    body: 'A Temporal workflow is ordinary code whose progress is recorded as an event history. If a worker crashes, another worker replays the history and the workflow continues from the last recorded step, so long-running business processes survive restarts without hand-written checkpointing.',
    tags: ['temporal', 'workflows', 'durability'],
  },
  {
    title: 'Activities, retries and timeouts',
    body: 'Side effects such as API calls and database writes run in activities. Each activity has a retry policy with exponential backoff and timeouts: start-to-close bounds one attempt, schedule-to-close bounds all attempts. Business errors should be marked non-retryable so they fail fast.',
    tags: ['temporal', 'activities', 'retries'],
  },
  {
    title: 'Workflow determinism and replay testing',
    body: 'Workflow code must be deterministic: no random numbers, no wall-clock time, no direct I/O. Temporal replays recorded histories against new code, and a replay test in CI catches a non-deterministic change before it reaches production.',
    tags: ['temporal', 'determinism', 'testing'],
  },
  {
    title: 'Signals, queries and updates',
    body: 'Clients talk to a running workflow through signals (fire-and-forget messages), queries (read-only views of state) and updates (validated, synchronous requests that may change state). A human approval step is naturally an update with a validator plus a timer for the deadline.',
    tags: ['temporal', 'signals', 'human-in-the-loop'],
  },
  {
    title: 'The saga pattern on Temporal',
    body: 'A saga books a compensation before each step: reserve inventory then register release, charge the payment then register a refund. When a later step fails, the compensations run in reverse order inside a non-cancellable scope, and idempotency keys make every retry safe.',
    tags: ['temporal', 'saga', 'compensation'],
  },
  {
    title: 'Continue-as-new for long-lived workflows',
    body: 'Event histories have size limits, so entity workflows and loops that run for months call continue-as-new, which closes the current run and starts a fresh one carrying the state forward. Iterate-until-quality loops use it to bound history growth.',
    tags: ['temporal', 'workflows', 'scalability'],
  },
  {
    title: 'Child workflows and fan-out',
    body: 'Parallel fan-out over a few hundred items fits in one workflow with bounded concurrency. Beyond roughly a thousand branches, split the work into child workflows so each history stays small, then aggregate the settled results with a tolerance rule.',
    tags: ['temporal', 'parallel', 'child-workflows'],
  },
  {
    title: 'Task queues and worker scaling',
    body: 'Workers poll task queues. Separate queues per capability let GPU-heavy or rate-limited work run on dedicated workers, and scaling out is simply starting more worker processes on the same queue. Task priority keys let urgent work jump ahead.',
    tags: ['temporal', 'workers', 'scaling'],
  },
  // Distributed systems
  {
    title: 'Idempotency keys in distributed APIs',
    body: 'Networks fail after a request has taken effect, so clients retry. An idempotency key lets the server recognise the retry: the first result is stored with the key and returned again, while reusing the key with different parameters is rejected as a client error.',
    tags: ['distributed-systems', 'idempotency', 'api-design'],
  },
  {
    title: 'Circuit breakers protect failing dependencies',
    body: 'A circuit breaker counts failures to a dependency. After a threshold it opens and fails calls immediately, then after a cool-down lets a few trial calls through in the half-open state. Sharing breaker state across workers stops a fleet from hammering a struggling service.',
    tags: ['distributed-systems', 'resilience', 'circuit-breaker'],
  },
  {
    title: 'Dead-letter queues and redrive',
    body: 'Items that keep failing after every retry go to a dead-letter queue with their last error, so the main flow keeps moving. Operators inspect the queue, fix the cause, and redrive the items as new runs; resolved items are closed with a note.',
    tags: ['distributed-systems', 'dead-letter-queue', 'operations'],
  },
  {
    title: 'Exactly-once is at-least-once plus idempotence',
    body: 'Message brokers deliver at least once. Consumers achieve effectively-once processing by deduplicating on a message id and writing the dedupe record in the same transaction as the effect. The outbox pattern applies the same idea on the producer side.',
    tags: ['distributed-systems', 'messaging', 'idempotency'],
  },
  {
    title: 'Event sourcing and projections',
    body: 'With event sourcing the append-only event log is the source of truth. Current state is a projection built by replaying events per aggregate in sequence order. Events carry unique ids so duplicates from retries are ignored, and new projections can be built from history at any time.',
    tags: ['distributed-systems', 'event-sourcing', 'architecture'],
  },
  {
    title: 'Backoff with jitter',
    body: 'Retrying immediately turns a brief outage into a thundering herd. Exponential backoff spaces retries out, and random jitter spreads clients so they do not retry in lockstep. Cap the delay and the number of attempts, and never retry validation errors.',
    tags: ['distributed-systems', 'retries', 'resilience'],
  },
  {
    title: 'Choreography versus orchestration',
    body: 'In choreography each service reacts to events from the others and no one owns the whole flow; in orchestration a coordinator calls each step. Orchestration makes long business processes visible and debuggable, while choreography keeps services loosely coupled.',
    tags: ['distributed-systems', 'architecture', 'events'],
  },
  // MCP and AI agents
  {
    title: 'What the Model Context Protocol standardises',
    body: 'The Model Context Protocol (MCP) defines how an AI host connects to servers that expose tools, resources and prompts. Messages are JSON-RPC over stdio or Streamable HTTP, and any MCP client can call any compliant server without custom glue code.',
    tags: ['mcp', 'ai-agents', 'protocol'],
  },
  {
    title: 'MCP tools and structured results',
    body: 'An MCP tool declares a JSON Schema for its input. A call returns content blocks and optionally structured content; business failures come back as results with isError set rather than protocol errors, so the model or client can react to them.',
    tags: ['mcp', 'tools', 'errors'],
  },
  {
    title: 'Progress notifications and cancellation in MCP',
    body: 'A client that passes a progress token receives notifications/progress messages while a slow tool runs. Either side can cancel an in-flight request with notifications/cancelled, and a well-behaved server stops the work when its abort signal fires.',
    tags: ['mcp', 'progress', 'cancellation'],
  },
  {
    title: 'Orchestrating AI agents with durable workflows',
    body: 'Agent loops call language models and tools many times and can run for hours. Running each model and tool call as an activity gives retries, timeouts and a full audit trail, and a crash in the middle of an agent plan no longer loses the work done so far.',
    tags: ['ai-agents', 'temporal', 'llm'],
  },
  {
    title: 'Routing requests to specialised agents',
    body: 'A router classifies each incoming request, for example as customer service, technical support, sales or data analysis, and hands it to a specialised handler. Urgency keywords raise the priority, and complaints or critical issues for premium customers are escalated to senior staff.',
    tags: ['ai-agents', 'routing', 'classification'],
  },
  {
    title: 'Quality loops for generated content',
    body: 'Generated drafts are scored against a rubric, and the agent revises until the score passes a threshold or an iteration limit is reached. Keeping the best draft so far guarantees a usable answer even when the loop stops early.',
    tags: ['ai-agents', 'quality', 'llm'],
  },
  {
    title: 'Dynamic agent generation from capabilities',
    body: 'A capability registry scores available agent templates against the skills a task needs. The orchestrator instantiates the best matches, runs them in parallel with resource limits, and merges their outputs weighted by quality.',
    tags: ['ai-agents', 'capabilities', 'orchestration'],
  },
  // Databases
  {
    title: 'SQLite write-ahead logging',
    body: 'In WAL mode SQLite appends changes to a separate log, so readers never block the single writer and the writer never blocks readers. Set a busy timeout so concurrent writers wait for the lock instead of failing with SQLITE_BUSY.',
    tags: ['databases', 'sqlite', 'concurrency'],
  },
  {
    title: 'Full-text search with FTS5 and BM25',
    body: 'SQLite FTS5 builds an inverted index over text columns. MATCH queries find documents containing the terms, and the bm25 ranking function orders them by relevance, weighting rare terms and short fields more heavily. Snippets highlight the matching words.',
    tags: ['databases', 'sqlite', 'search'],
  },
  {
    title: 'Preventing SQL injection',
    body: 'Never build SQL by concatenating user input. Use parameterised statements with placeholders, validate identifiers against an allowlist, and run analytics through a read-only connection so even a crafted query cannot modify data.',
    tags: ['databases', 'security', 'sql'],
  },
  {
    title: 'Transactions and isolation levels',
    body: 'A transaction groups writes so they commit or roll back together. Isolation levels decide which anomalies concurrent transactions can observe; serialisable isolation behaves as if transactions ran one at a time, at the cost of more conflicts and retries.',
    tags: ['databases', 'transactions', 'consistency'],
  },
  {
    title: 'Indexing for analytical queries',
    body: 'Aggregations over large tables benefit from indexes on the filter and grouping columns, such as order date and customer id. Views package common joins, like order history with customer names, so analysts query a stable shape.',
    tags: ['databases', 'analytics', 'performance'],
  },
  {
    title: 'Schema migrations without downtime',
    body: 'Apply schema changes as numbered, idempotent migrations recorded in the database. Add columns and tables before code uses them, backfill in batches, and only drop old structures once no running version reads them.',
    tags: ['databases', 'migrations', 'operations'],
  },
  // Customer support
  {
    title: 'How to request a refund',
    body: 'Customers can request a refund within 30 days of purchase from the billing page or by contacting support. Refunds go back to the original payment method and never exceed the amount charged; partial refunds are possible for multi-item orders.',
    tags: ['customer-support', 'billing', 'refunds'],
  },
  {
    title: 'Resetting a locked account',
    body: 'After five failed login attempts an account is locked for fifteen minutes. Users can reset their password from the sign-in page; support agents can unlock the account after verifying the email address on file.',
    tags: ['customer-support', 'accounts', 'login'],
  },
  {
    title: 'Tracking a shipment',
    body: 'Every order with physical items gets a shipping label and a tracking number once it leaves the warehouse. Delivery usually takes three to five business days; if tracking has not updated for a week, open a ticket so we can contact the carrier.',
    tags: ['customer-support', 'shipping', 'orders'],
  },
  {
    title: 'Escalation policy for support tickets',
    body: 'Critical tickets and high-priority tickets from premium customers are escalated to the senior support team, who respond within one hour. Complaints that mention a manager or describe the service as unacceptable are also escalated.',
    tags: ['customer-support', 'escalation', 'tickets'],
  },
  {
    title: 'Troubleshooting API timeouts',
    body: 'Intermittent API timeouts are usually caused by large payloads or network congestion. Check the status page, retry with exponential backoff, reduce page sizes, and include the request id when you contact technical support.',
    tags: ['customer-support', 'technical-support', 'api'],
  },
  {
    title: 'Changing your subscription plan',
    body: 'Upgrades take effect immediately and are prorated for the rest of the billing cycle. Downgrades apply at the next renewal. Cancelling a subscription keeps access until the end of the paid period.',
    tags: ['customer-support', 'billing', 'subscriptions'],
  },
  // Sales
  {
    title: 'Pricing tiers: standard and premium',
    body: 'The standard plan covers core features with business-hours support. The premium plan adds a higher credit limit, priority routing, a named account manager and one-hour response times for critical issues.',
    tags: ['sales', 'pricing', 'plans'],
  },
  {
    title: 'Requesting a product demo',
    body: 'Prospects can book a thirty-minute demo with the sales team. We tailor the demo to the use case, for example order processing or support automation, and follow up with a trial account and a pricing quote.',
    tags: ['sales', 'demo', 'trial'],
  },
  {
    title: 'Volume discounts and quotes',
    body: 'Orders above fifty units of hardware qualify for volume discounts. Sales prepares a written quote valid for thirty days; quotes above ten thousand dollars need approval from a sales manager before they are sent.',
    tags: ['sales', 'pricing', 'quotes'],
  },
  {
    title: 'Quarterly sales report highlights',
    body: 'Revenue grew quarter over quarter, driven by electronics and premium support plans. Premium customers placed fewer but larger orders, and the monitor and laptop dock were the top sellers by revenue despite limited stock.',
    tags: ['sales', 'analytics', 'reports'],
  },
  {
    title: 'Qualifying inbound leads',
    body: 'Leads that ask for a demo, a trial or a purchase are hot; questions about price or cost are warm; general interest is cold. Hot leads are routed to an account executive the same day.',
    tags: ['sales', 'leads', 'routing'],
  },
  {
    title: 'Upselling premium support',
    body: 'Customers with frequent technical tickets benefit most from the premium support plan. Account managers review ticket history each quarter and propose an upgrade when the projected savings exceed the plan price.',
    tags: ['sales', 'support', 'upsell'],
  },
];
