import type { z } from 'zod';
import { CallToolsInput, CallToolsResult } from './call-tools.js';
import { AccessRequestInput, AccessRequestResult } from './access-request.js';
import { ApprovalDecision } from './approval.js';
import { OrderSagaInput, OrderSagaResult } from './order-saga.js';
import { ParallelAggregateInput, ParallelAggregateResult, StopRequest } from './parallel-aggregate.js';
import { RefineUntilQualityInput, RefineUntilQualityResult } from './refine-until-quality.js';
import { BlogDraftInput, BlogDraftResult } from './blog-draft.js';
import { DefinitionRunInput, DefinitionRunResult, definitionSummary } from './definition-run.js';
import { NewsDigestInput, NewsDigestResult } from './news-digest.js';
import { ReminderInput, ReminderResult, SnoozeRequest } from './reminder.js';
import { oneLine, RouteRequestInput, RouteRequestResult } from './route-request.js';
import { MachineEventInput, StateMachineInput, StateMachineResult } from './state-machine.js';
import { deploymentPipeline } from '../state-machine/deployment-pipeline.js';
import { OrderLifecycleInput, OrderLifecycleView } from './order-lifecycle.js';
import { lifecycleIdOf } from '../events/order-events.js';
import { serviceWorkflowId } from '../events/choreography.js';
import { ReactOrchestratorInput, ReactOrchestratorResult } from './react-orchestrator.js';
import { AgentTeamInput, AgentTeamResult } from './agent-team.js';
import { AcquireRequest, poolWorkflowId, ReleaseRequest, ResourcePoolInput, ResourcePoolResult } from './resource-pool.js';
import { SyncBranchesInput, SyncBranchesResult } from './sync-branches.js';
import { PRIORITY_KEY } from '../shared/priority.js';
import { classify } from '../routing/rules.js';

/** What a person can send a running workflow: an update (validated, answered) or a signal (fire-and-forget). */
export interface Interaction {
  kind: 'update' | 'signal';
  description: string;
  schema?: z.core.$ZodType;
}

/** A workflow type as the client sees it: how to describe, validate, name and summarise a run. */
export interface WorkflowSpec<I extends z.core.$ZodType = z.core.$ZodType, O extends z.core.$ZodType = z.core.$ZodType> {
  description: string;
  input: I;
  output: O;
  /** A readable workflow id for a run: unique per start (`unique` is a fresh suffix), or the business key when `oneRunPerId`. */
  workflowId(input: z.output<I>, unique: string): string;
  /**
   * The workflow id names one business transaction (e.g. `order-saga-<orderId>`): starting it again returns the existing
   * run, running or closed, instead of starting a second one (the client's `start` applies this).
   */
  oneRunPerId?: true;
  /** The one-line static summary shown in the Web UI. */
  summary(input: z.output<I>): string;
  /** An input that runs as written against the demo setup (`orchestra describe <type>` prints it). */
  example: z.input<I>;
  interactions?: Record<string, Interaction>;
  /** Queries beyond `progress`, which every workflow answers. */
  queries?: Record<string, string>;
  /** The run's Temporal priority key from its input (lower first; see src/shared/priority.ts); undefined: default. */
  priorityKey?(input: z.output<I>): number | undefined;
}

function spec<I extends z.core.$ZodType, O extends z.core.$ZodType>(s: WorkflowSpec<I, O>): WorkflowSpec<I, O> {
  return s;
}

/** The order the order saga's and the choreography's examples place (each under its own order id). */
const SAMPLE_ORDER = {
  customer: { id: 'cust-001', name: 'Acme Corporation', email: 'billing@acme.example' },
  items: [{ sku: 'WIDGET-001', quantity: 2 }, { sku: 'CABLE-004', quantity: 3 }],
  shippingAddress: { name: 'Acme Receiving', street: '1 Market Street', city: 'San Francisco', postalCode: '94105', country: 'US' },
};

/** Every workflow type the `orchestra` client can start, by workflow type name. */
export const catalog = {
  callTools: spec({
    description: 'Calls MCP tools of any configured server as durable activities, one after another.',
    input: CallToolsInput,
    output: CallToolsResult,
    example: { calls: [{ server: 'filesystem', tool: 'list_directory', args: { path: 'logs' } }] },
    workflowId: (input, unique) => `call-tools-${input.calls[0].server}-${input.calls[0].tool.replace(/[^A-Za-z0-9_-]/g, '')}-${unique}`,
    summary: (input) => `${input.calls.length} MCP tool call${input.calls.length === 1 ? '' : 's'}: ${
      [...new Set(input.calls.map((c) => `${c.server}.${c.tool}`))].slice(0, 3).join(', ')}`,
  }),
  reminder: spec({
    description: 'Durable reminder: waits (a day by default) on a timer that survives restarts, then delivers once.',
    input: ReminderInput,
    output: ReminderResult,
    example: { recipient: 'ada@example.com', message: 'Stand-up', delay: '10s' },
    workflowId: (input, unique) => `reminder-${input.recipient.split('@')[0].replace(/[^A-Za-z0-9]/g, '')}-${unique}`,
    summary: (input) => `Remind ${input.recipient} in ${input.delay}`,
    interactions: {
      snooze: { kind: 'update', description: 'Postpone delivery by a duration', schema: SnoozeRequest },
      sendNow: { kind: 'update', description: 'Deliver now instead of waiting' },
    },
  }),
  routeRequest: spec({
    description: 'Conditional routing (seed 000 Pattern 2): classify a request, run its handler with real tools, ' +
      'expedite HIGH/CRITICAL (SLA 4 h / 1 h), escalate to senior support with a ticket.',
    input: RouteRequestInput,
    output: RouteRequestResult,
    example: { request: 'Important: billing charged twice', customerId: 'cust-001' },
    workflowId: (input, unique) => `route-request-${
      input.inboxFile ? input.inboxFile.split('/').pop()!.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]/g, '') : input.customerId ?? 'text'}-${unique}`,
    summary: (input) => `Route ${input.inboxFile ?? JSON.stringify(oneLine(input.request ?? '', 60))}${input.customerId ? ` from ${input.customerId}` : ''}`,
    // The workflow's own classifier, applied before the start: CRITICAL runs go ahead of LOW ones on a busy queue. (A
    // request read from an inbox file is classified only once read: default priority.)
    priorityKey: (input) => (input.request ? PRIORITY_KEY[classify(input.request).priority] : undefined),
  }),
  accessRequest: spec({
    description: 'Routing by user type with human approval (seed 001 §3): admin requests wait for a decision ' +
      '(24 h by default); premium and standard requests are processed directly.',
    input: AccessRequestInput,
    output: AccessRequestResult,
    example: { request: 'Admin access to the payouts dashboard', requester: 'ada@example.com' },
    workflowId: (input, unique) => `access-request-${(input.requester ?? 'anonymous').split('@')[0].replace(/[^A-Za-z0-9_-]/g, '') || 'user'}-${unique}`,
    summary: (input) => `Access request${input.requester ? ` from ${input.requester}` : ''}: ${oneLine(input.request, 60)}`,
    interactions: {
      decide: {
        kind: 'update',
        description: 'Decide the pending admin request: {"decision":"approved"|"denied","approver":…} (or orchestra approve <id> --by <name> [--deny])',
        schema: ApprovalDecision,
      },
    },
    queries: { approval: 'The approval gate: the pending request, or the recorded decision, or when it timed out' },
  }),
  orderSaga: spec({
    description: 'Order saga: create account → charge → confirm → reserve stock → shipping label; on failure or cancellation '
      + 'each step is undone in reverse (delete account, refund, cancellation notice, restore stock, cancel label).',
    input: OrderSagaInput,
    output: OrderSagaResult,
    example: { ...SAMPLE_ORDER, orderId: 'ord-1001' },
    // One saga per order id: the same order submitted twice (a double click, a retried request) is the same run.
    workflowId: (input) => `order-saga-${input.orderId}`,
    oneRunPerId: true,
    summary: (input) => `Order ${input.orderId} for ${input.customer.name} (${input.customer.id}): `
      + `${input.items.map((item) => `${item.quantity} × ${item.sku}`).join(', ')} to ${input.shippingAddress.city}, ${input.shippingAddress.country.toUpperCase()}`,
  }),
  parallelAggregate: spec({
    description: 'Parallel fan-out with aggregation: MCP tool calls and text analyses run concurrently (bounded), each with '
      + 'its own timeout and retries; the aggregate reports completed / failed / timed-out / cancelled branches against a '
      + 'tolerance (default half must complete). Past 1,000 branches it splits into child workflows.',
    input: ParallelAggregateInput,
    output: ParallelAggregateResult,
    example: {
      title: 'customers and refunds',
      maxConcurrency: 4,
      branches: [
        { kind: 'tool', id: 'user_data', server: 'store', tool: 'query', args: { sql: 'SELECT * FROM user_data LIMIT 5' } },
        { kind: 'text', id: 'mood', analysis: 'sentiment', text: 'A great, quick setup.' },
      ],
    },
    workflowId: (input, unique) => `parallel-aggregate-${
      (input.title ?? 'branches').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'branches'}-${unique}`,
    summary: (input) => `${input.title ? `${input.title}: ` : ''}${input.branches.length} branch${input.branches.length === 1 ? '' : 'es'}, `
      + `${input.maxConcurrency} at a time, ${input.minSuccesses !== undefined ? `${input.minSuccesses} must complete`
        : `${Math.round((input.minSuccessRatio ?? 0.5) * 100)}% must complete`}`,
    interactions: {
      stop: { kind: 'update', description: 'Cancel the branches still waiting or running and aggregate what has finished', schema: StopRequest },
    },
  }),
  refineUntilQuality: spec({
    description: 'Search → evaluate → refine: searches the store\'s documents, judges the top results by aspect coverage of '
      + 'the original query, expands the query by pseudo-relevance feedback on the under-covered aspects, and repeats until '
      + 'the quality reaches the target or the iteration limit (continue-as-new keeps long loops bounded).',
    input: RefineUntilQualityInput,
    output: RefineUntilQualityResult,
    example: { query: 'workflow retries' },
    workflowId: (input, unique) => `refine-${slugOf(input.query)}-${unique}`,
    summary: (input) => `Refine "${input.query}" until quality ≥ ${input.targetQuality} (at most ${input.maxIterations} searches)`,
  }),
  blogDraft: spec({
    description: 'Blog generation pipeline: research (store search) → outline → draft → review. A language model writes when '
      + 'one is configured (ORCHESTRA_LLM_*); otherwise, or when its retries run out, the offline extractive composer does, '
      + 'and the result says which.',
    input: BlogDraftInput,
    output: BlogDraftResult,
    example: { topic: 'Durable workflows with retries and timeouts' },
    workflowId: (input, unique) => `blog-draft-${slugOf(input.topic)}-${unique}`,
    summary: (input) => `Blog post on "${input.topic}"${input.audience ? ` for ${input.audience}` : ''}`
      + ` (${input.sections} sections, ${input.generator === 'offline' ? 'offline composer' : 'LLM if configured'})`,
  }),
  newsDigest: spec({
    description: 'News aggregation pipeline: reads RSS/Atom feeds through the filesystem MCP server, keeps the articles '
      + 'relevant to the interests, categorises them (technology, business, research, general), summarises each (LLM if '
      + 'configured, retrying then falling back to TextRank) and writes a Markdown newsletter back to the sandbox.',
    input: NewsDigestInput,
    output: NewsDigestResult,
    example: { interests: ['AI', 'machine learning'] },
    workflowId: (input, unique) => `news-digest-${slugOf(input.title)}-${unique}`,
    summary: (input) => `${input.title}: ${input.feeds ? `${input.feeds.length} feeds` : 'every feed in feeds/'}, `
      + `interests ${input.interests.join(', ')}`,
  }),
  definitionRun: spec({
    description: 'Declarative workflow engine: runs a definition file (YAML/JSON, `orchestra: 1`) as one durable workflow — '
      + 'a DAG of calls (MCP tools, registered activities), switches, parallel and map joins, loops, waits, approvals and child '
      + 'workflows, with retries, timeouts, fallbacks and saga compensation. `orchestra run FILE` starts it.',
    input: DefinitionRunInput,
    output: DefinitionRunResult,
    example: {
      definition: {
        orchestra: 1,
        name: 'greeting',
        steps: {
          greet: { set: 'Hello, ${ input.name }!' },
          tone: { dependsOn: ['greet'], call: 'analyzeSentiment', input: { text: '${ steps.greet }' }, output: '${ result.label }' },
        },
        output: { greeting: '${ steps.greet }', tone: '${ steps.tone }' },
      },
      input: { name: 'Ada' },
    },
    workflowId: (input, unique) => `definition-${slugOf(typeof input.definition.name === 'string' ? input.definition.name : 'run')}-${unique}`,
    summary: (input) => definitionSummary(input.definition),
    interactions: {
      decide: { kind: 'update', description: 'Decide the approval step the run is waiting for (orchestra approve <id> …)', schema: ApprovalDecision },
    },
  }),
  stateMachine: spec({
    description: 'State machine driven by events (seed 004 Pattern 2): a checked definition of states and transitions (event, '
      + 'pure guard, MCP tool action, wildcard sources, terminal states, timeouts, approval states); events arrive as the '
      + '`send` update (orchestra send <id> <event>), which rejects what the current state cannot take.',
    input: StateMachineInput,
    output: StateMachineResult,
    example: { definition: deploymentPipeline },
    workflowId: (input, unique) => `state-machine-${input.definition.name}-${unique}`,
    summary: (input) => `${input.definition.name}: ${Object.keys(input.definition.states).length} states from ${input.definition.initial}`
      + `${input.definition.description ? ` — ${oneLine(input.definition.description, 60)}` : ''}`,
    interactions: {
      send: { kind: 'update', description: 'Send an event: {"event":…,"data"?:{…},"sender"?:…} (or orchestra send <id> <event> [--data <json>])', schema: MachineEventInput },
      decide: { kind: 'update', description: 'Decide the approval an approval state waits for (orchestra approve <id> …)', schema: ApprovalDecision },
    },
    queries: { machine: 'The current state, the events it accepts, the context and the state history (state, event, time, sender)' },
  }),
  orderChoreography: spec({
    description: 'The order saga as a choreography (seed 004 Pattern 4): the order, payment, inventory and shipping services are '
      + 'workflows of their own that react to events and publish the next; a failing service undoes its work and publishes a '
      + 'compensating event for the services before it. Same steps, undos and end state as orderSaga.',
    input: OrderSagaInput,
    output: OrderSagaResult,
    example: { ...SAMPLE_ORDER, orderId: 'ord-1101' },
    workflowId: (input) => serviceWorkflowId('order', input.orderId),
    oneRunPerId: true,
    summary: (input) => `Order ${input.orderId} (choreography) for ${input.customer.name}: `
      + `${input.items.map((item) => `${item.quantity} × ${item.sku}`).join(', ')}`,
  }),
  orderLifecycle: spec({
    description: 'Event-driven order lifecycle with event sourcing (seed 004 Pattern 3): one run per order, fed by signal-with-start '
      + '(orchestra events publish); order.created → payment.processed → shipping.scheduled → order.completed, each event '
      + 'processed once, logged in the store at its version, handled by a store call that publishes the next; a failed '
      + 'handler is dead-lettered and publishes handler.error. orchestra events replay rebuilds the order from the log.',
    input: OrderLifecycleInput,
    output: OrderLifecycleView,
    example: { orderId: 'ord-2001' },
    workflowId: (input) => lifecycleIdOf(input.orderId),
    oneRunPerId: true,
    summary: (input) => `Order ${input.orderId}: lifecycle driven by its events`,
    interactions: {
      orderEvent: { kind: 'signal', description: 'An order event {"id","orderId","type","data"} (or orchestra events publish <orderId> <type> --data …)' },
    },
    queries: { order: 'The order as its events left it (state, version), the event ids seen, the events waiting, duplicates dropped' },
  }),
  reactOrchestrator: spec({
    description: 'Orchestrator over MCP tools (seed 002): analyses the goal\'s complexity and runs it direct (one call), as ReAct '
      + '(reason → act → observe, up to an iteration limit) or fanned out to dynamic agents. A language model reasons when one '
      + 'is configured (tool calling), else the offline planner (BM25 over tool descriptions); destructive tools need approval.',
    input: ReactOrchestratorInput,
    output: ReactOrchestratorResult,
    example: { goal: 'Find the document about "refund policy" and read it' },
    workflowId: (input, unique) => `react-${slugOf(input.goal)}-${unique}`,
    summary: (input) => `${input.strategy === 'auto' ? 'Orchestrate' : input.strategy}: ${oneLine(input.goal, 80)}`
      + ` (${input.reasoner === 'offline' ? 'offline planner' : 'LLM if configured'}, at most ${input.maxIterations} steps)`,
    interactions: {
      decide: { kind: 'update', description: 'Approve or deny the destructive tool call the run is waiting on (orchestra approve <id> …)', schema: ApprovalDecision },
    },
    queries: { approval: 'The pending destructive call\'s approval, or its decision' },
  }),
  agentTeam: spec({
    description: 'Dynamic agents (seed 003 Part 2): requirements from tasks or a data batch queue (a coordinator above two), '
      + 'agent types scored 0.4 capability match + 0.4 success rate + 0.2 resource efficiency, each agent a child workflow '
      + 'with its specialisation doing real tool calls, drawing units from a resource-pool entity workflow.',
    input: AgentTeamInput,
    output: AgentTeamResult,
    example: {
      batches: [
        { type: 'streaming', complexity: 'high', source: 'user_data', size: 20 },
        { type: 'validation', source: 'customer_summary', quality: 0.9 },
        { type: 'transformation', source: 'historical_data', output_format: 'csv' },
      ],
    },
    workflowId: (_input, unique) => `agent-team-${unique}`,
    summary: (input) => `Agent team: ${input.tasks.length + input.batches.length} pieces of work, pool ${input.pool}`,
  }),
  resourcePool: spec({
    description: 'The agents\' resource pool, a long-lived entity: acquire / release updates (queued when full), success '
      + 'rates per agent type, continue-as-new as its history grows. Agent teams start it on first use.',
    input: ResourcePoolInput,
    output: ResourcePoolResult,
    example: { name: 'agents', capacity: 4 },
    workflowId: (input) => poolWorkflowId(input.name),
    oneRunPerId: true,
    summary: (input) => `Resource pool "${input.name}": ${input.capacity} units for agents`,
    interactions: {
      acquire: { kind: 'update', description: 'Take units: {"requestId","holder","units","agentType"?}; answers when granted', schema: AcquireRequest },
      release: { kind: 'update', description: 'Give units back (or withdraw a queued request): {"requestId","outcome"?:{"agentType","succeeded"}}', schema: ReleaseRequest },
      retire: { kind: 'update', description: 'Take no new requests; end once every grant is back, answering the success rates' },
    },
    queries: { pool: 'Capacity, grants, queue and success rates per agent type' },
  }),
  syncBranches: spec({
    description: 'Sync-point branches (seed 003 Part 1): analyse the batch (parallel / sequential / adaptive), route items to '
      + 'branch child workflows by source type and priority (ingest → validate → transform via MCP tools), merge at the sync '
      + 'point (all done, or ≥ 75% after a grace period; rebalance on timeout), weight by quality and speed, validate '
      + '(approve / revise / fail). Optional human gates before the sync point and the validator.',
    input: SyncBranchesInput,
    output: SyncBranchesResult,
    example: {
      title: 'logs and orders',
      items: [
        { id: 'gateway', from: 'file', path: 'logs/api-gateway.log', sourceType: 'streaming' },
        { id: 'payments', from: 'file', path: 'logs/payments-service.log', sourceType: 'realtime' },
        { id: 'orders', from: 'store', sql: 'SELECT order_id, customer_id, status, total FROM order_history ORDER BY order_id', sourceType: 'batch' },
        { id: 'revenue', from: 'store', sql: 'SELECT month, category, revenue FROM historical_data', sourceType: 'batch', kind: 'aggregation', priority: 'high' },
      ],
      maxRecords: 50,
    },
    workflowId: (input, unique) => `sync-branches-${slugOf(input.title ?? 'batch')}-${unique}`,
    summary: (input) => `${input.title ? `${input.title}: ` : ''}${input.items.length} item${input.items.length === 1 ? '' : 's'} `
      + `(${[...new Set(input.items.map((i) => i.sourceType))].join(', ')}), merge at ${Math.round(input.sync.mergeRatio * 100)}%`
      + `${input.gates.beforeSync || input.gates.beforeValidator ? ', human gates' : ''}`,
    interactions: {
      decide: {
        kind: 'update',
        description: 'Decide the pending gate (before the sync point or the validator): {"decision":"approved"|"denied","approver":…} (or orchestra approve <id> --by <name> [--deny])',
        schema: ApprovalDecision,
      },
    },
    queries: { approval: 'The current gate: the pending request, or the recorded decision' },
  }),
} satisfies Record<string, WorkflowSpec>;

export type WorkflowType = keyof typeof catalog;

/** A workflow-id fragment from free text: lower case, dashes, at most 40 characters. */
function slugOf(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40).replace(/-$/, '') || 'run';
}

export function isWorkflowType(name: string): name is WorkflowType {
  return Object.hasOwn(catalog, name);
}
