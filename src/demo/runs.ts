import path from 'node:path';
import type { InputOf } from '../client/api.js';
import { prepareDefinitionRun } from '../client/definitions.js';
import { projectRoot } from '../runtime/paths.js';
import { catalog, type WorkflowType } from '../schemas/catalog.js';
import { DECIDE_UPDATE } from '../shared/approval.js';
import { SEND_UPDATE } from '../shared/state-machine.js';
import { deploymentPipeline } from '../state-machine/deployment-pipeline.js';
import { lifecycleIdOf, ORDER_EVENT_SIGNAL } from '../events/order-events.js';
import { POOL_ACQUIRE_UPDATE, POOL_RELEASE_UPDATE, POOL_RETIRE_UPDATE } from '../schemas/resource-pool.js';

/** One demo run: what `npm start` starts to show a pattern, with a readable id. */
export interface DemoRun<T extends WorkflowType = WorkflowType> {
  title: string;
  type: T;
  input: InputOf<T>;
  workflowId: string;
  /** Optional interaction while it runs (e.g. a person approving), given the run's workflow id. */
  interact?: (act: DemoActions) => Promise<void>;
  /** The run is meant to end cancelled (a recorded-only run that cancels itself). */
  endsCancelled?: boolean;
}

export interface DemoActions {
  workflowId: string;
  update(name: string, args?: unknown[]): Promise<unknown>;
  signal(name: string, args?: unknown[]): Promise<void>;
  cancel(): Promise<void>;
  waitForStep(predicate: (step: string) => boolean): Promise<void>;
}

function run<T extends WorkflowType>(r: DemoRun<T>): DemoRun {
  return r as unknown as DemoRun;
}

/** The demo: one or more runs per pattern. `stamp` keeps ids unique across restarts of a persisted server. */
export function demoRuns(stamp: string): DemoRun[] {
  return [
    run({
      title: 'MCP tools as durable activities (filesystem + store)',
      type: 'callTools',
      workflowId: `demo-call-tools-${stamp}`,
      input: {
        calls: [
          { server: 'filesystem', tool: 'search_files', args: { path: '.', pattern: '**/*payment*' } },
          { server: 'filesystem', tool: 'read_text_file', args: { path: 'documents/refund-policy.md', head: 12 } },
          { server: 'store', tool: 'get_customer', args: { customer_id: 'cust-001' } },
          { server: 'store', tool: 'query', args: { sql: 'SELECT tier, COUNT(*) AS customers FROM customer_summary GROUP BY tier ORDER BY tier' } },
        ],
      },
    }),
    run({
      // Seed 001 §4: "workflow" crowds out "retries" in the first results; feedback on retries fixes it in one refinement.
      title: 'Search → evaluate → refine until quality (target met)',
      type: 'refineUntilQuality',
      workflowId: `demo-refine-until-quality-${stamp}`,
      input: { query: 'workflow retries' },
    }),
    run({
      // A stricter target than this corpus allows: five searches over three runs (continue-as-new every two).
      title: 'Search → evaluate → refine with continue-as-new (iteration limit)',
      type: 'refineUntilQuality',
      workflowId: `demo-refine-until-quality-limit-${stamp}`,
      input: { query: 'workflow failures', targetQuality: 0.9, maxIterations: 5, iterationsPerRun: 2 },
    }),
    run({
      title: 'News digest: feeds → relevant → categorised → summarised → newsletter',
      type: 'newsDigest',
      workflowId: `demo-news-digest-${stamp}`,
      input: { title: 'AI News Digest' },
    }),
    run({
      // Written by the language model when ORCHESTRA_LLM_* is set, else (or when it fails) by the offline composer.
      title: 'Blog draft: research → outline → draft → review',
      type: 'blogDraft',
      workflowId: `demo-blog-draft-${stamp}`,
      input: { topic: 'Durable workflows with retries and timeouts', audience: 'backend engineers' },
    }),
    run({
      // Seed 002's orchestrator: the offline planner (or the configured model) searches, then reads what it found.
      title: 'ReAct over MCP tools: search the knowledge base, then read the best hit',
      type: 'reactOrchestrator',
      workflowId: `demo-react-search-read-${stamp}`,
      input: { goal: 'Find the document about "refund policy" and read it' },
    }),
    run({
      // A destructive tool (delete_user) waits for a person; here the demo approves it.
      title: 'ReAct: a destructive tool call, approved by a person first',
      type: 'reactOrchestrator',
      workflowId: `demo-react-destructive-${stamp}`,
      input: { goal: 'Delete the user account', context: { user_key: `demo-${stamp}` }, servers: ['store'] },
      interact: async (act) => {
        await act.waitForStep((step) => step.startsWith('waiting for approval'));
        await act.update(DECIDE_UPDATE, [{ decision: 'approved', approver: 'Grace Hopper', comment: 'a demo account' }]);
      },
    }),
    run({
      // Seed 003 Part 2: three batches → three specialists and a coordinator, drawing on a resource pool of their own
      // (a pool runs on the task queue of the worker that started it: one per demo, whatever queue the demo uses).
      title: 'Dynamic agents: scored, specialised, pooled (ingest, validate, transform as CSV, coordinate)',
      type: 'agentTeam',
      workflowId: `demo-agent-team-${stamp}`,
      input: {
        pool: `demo-agents-${stamp}`,
        batches: [
          { type: 'streaming', complexity: 'high', source: 'user_data', size: 20 },
          { type: 'validation', source: 'customer_summary', quality: 0.9 },
          { type: 'transformation', source: 'historical_data', output_format: 'csv' },
        ],
      },
    }),
    run({
      // The agents' resource pool on its own: grants and releases counted in the success rates, continue-as-new past 40
      // events (the state carried), then retired (a pool otherwise runs for as long as agents use it).
      title: 'Resource pool entity: acquire / release, continue-as-new, retire',
      type: 'resourcePool',
      workflowId: `demo-resource-pool-${stamp}`,
      input: { name: `demo-${stamp}`, capacity: 2, continueAsNewAfterEvents: 40 },
      interact: async (act) => {
        for (let i = 1; i <= 8; i += 1) {
          await act.update(POOL_ACQUIRE_UPDATE, [{ requestId: `r${i}`, holder: 'demo', units: 1, agentType: 'data_ingestion_specialist' }]);
          await act.update(POOL_RELEASE_UPDATE, [{ requestId: `r${i}`, outcome: { agentType: 'data_ingestion_specialist', succeeded: i % 4 !== 0 } }]);
        }
        await act.update(POOL_RETIRE_UPDATE);
      },
    }),
    run({
      title: 'Durable reminder (timer + update)',
      type: 'reminder',
      workflowId: `demo-reminder-${stamp}`,
      input: { recipient: 'ada@example.com', message: 'Review the quarterly report', delay: '1 day' },
      // A person decides not to wait a day: the `sendNow` update ends the durable timer.
      interact: async (act) => {
        await act.waitForStep((step) => step.startsWith('waiting'));
        await act.update('sendNow');
      },
    }),
    run({
      title: 'Order saga that completes (premium customer, items in stock)',
      type: 'orderSaga',
      workflowId: `demo-order-saga-completes-${stamp}`,
      input: {
        orderId: `ord-demo-${stamp}-1`,
        customer: { id: 'cust-001', name: 'Acme Corporation', email: 'billing@acme.example' },
        items: [{ sku: 'WIDGET-001', quantity: 2 }, { sku: 'CABLE-004', quantity: 3 }],
        shippingAddress: { name: 'Acme Receiving', street: '1 Market Street', city: 'San Francisco', postalCode: '94105', country: 'US' },
      },
    }),
    run({
      // Charged, confirmed and one item reserved before the webcam turns out to be out of stock: four undos run.
      title: 'Order saga that compensates (CAM-009 out of stock after the charge)',
      type: 'orderSaga',
      workflowId: `demo-order-saga-compensates-${stamp}`,
      input: {
        orderId: `ord-demo-${stamp}-2`,
        customer: { id: 'cust-006', name: 'Wayne Analytics', email: 'purchasing@wayne.example' },
        items: [{ sku: 'KEYB-006', quantity: 1 }, { sku: 'CAM-009', quantity: 1 }],
        shippingAddress: { name: 'Wayne Analytics', street: '1007 Mountain Drive', city: 'Gotham', postalCode: '10001', country: 'US' },
      },
    }),
    run({
      // Seed 000's query fanned out to real MCP tools (file search per term, the three store queries) plus seed 001's
      // four text analyses. There is no weather server: that branch fails and the aggregate is partial, not lost.
      title: 'Parallel fan-out: weather, files, store data and text analyses, aggregated',
      type: 'parallelAggregate',
      workflowId: `demo-parallel-aggregate-${stamp}`,
      input: {
        title: 'London weather and what we hold on payments, refunds and invoices',
        maxConcurrency: 4,
        branches: [
          { kind: 'tool', id: 'weather_London', server: 'weather', tool: 'get_current_weather', args: { city: 'London' } },
          ...['payments', 'refund', 'invoices'].map((term) => ({
            kind: 'tool' as const, id: `files_for_${term}`, server: 'filesystem', tool: 'search_files',
            args: { path: '.', pattern: `**/*${term}*` }, readOnly: true, timeout: '10s',
          })),
          ...Object.entries({
            user_data: 'SELECT customer_id, name, tier, region FROM user_data ORDER BY customer_id LIMIT 5',
            historical_data: 'SELECT month, category, orders, revenue FROM historical_data ORDER BY month DESC, revenue DESC LIMIT 6',
            metadata: 'SELECT dataset, kind, row_count FROM metadata',
          }).map(([id, sql]) => ({ kind: 'tool' as const, id, server: 'store', tool: 'query', args: { sql }, timeout: '15s' })),
          ...(['sentiment', 'keywords', 'summary', 'language'] as const).map((analysis) => ({
            kind: 'text' as const, id: analysis, analysis,
            text: 'This is a great example of parallel processing in action. Four analyses run at the same time on the '
              + 'same text, and each one finishes at its own pace. The results are combined into one report '
              + 'as soon as every branch has finished, each branch with its own timing and result.',
          })),
        ],
      },
    }),
    // Conditional routing (seed 000 Pattern 2): one run per inbox message, each classified by the seed's rules.
    ...([
      ['billing-complaint', 'Routing: billing complaint from a premium customer → customer service', 'cust-001'],
      ['urgent-outage-report', 'Routing: urgent outage → technical support, CRITICAL, escalated', undefined],
      ['sales-inquiry', 'Routing: pricing inquiry → sales', undefined],
      ['data-analysis-request', 'Routing: report request → data analysis', undefined],
      ['refund-demand-legal', 'Routing: refund demand threatening legal action → straight to escalation', 'cust-005'],
    ] as const).map(([file, title, customerId]) => run({
      title,
      type: 'routeRequest',
      workflowId: `demo-route-${file}-${stamp}`,
      input: { inboxFile: `inbox/${file}.txt`, ...(customerId ? { customerId } : {}) },
    })),
    run({
      // Seed 001 §3 with the approval gate: an admin request waits for a person; here the demo approves it.
      title: 'Human approval: admin access request, approved by a person',
      type: 'accessRequest',
      workflowId: `demo-access-admin-${stamp}`,
      input: { request: 'Admin access to the payouts dashboard for the Q3 audit', requester: 'ada@example.com' },
      interact: async (act) => {
        await act.waitForStep((step) => step.startsWith('waiting for approval'));
        await act.update(DECIDE_UPDATE, [{ decision: 'approved', approver: 'Grace Hopper', comment: 'audit access until the end of Q3' }]);
      },
    }),
    run({
      title: 'Routing by user type: a standard user, processed without approval',
      type: 'accessRequest',
      workflowId: `demo-access-standard-${stamp}`,
      input: { request: 'Please reset my password', requester: 'sam@example.com' },
    }),
    run({
      // Seed 003 Part 1: log files and store queries routed to branch child workflows, merged at the sync point by
      // quality and speed, validated, and written to sync/ in the sandbox.
      title: 'Sync-point branches: logs and orders, quality-weighted merge',
      type: 'syncBranches',
      workflowId: `demo-sync-branches-${stamp}`,
      input: catalog.syncBranches.example, // its example: two log files and two store queries
    }),
    run({
      // Seed 002's enterprise workflow as a definition file: parallel checks, an approval above 1,000, then processing.
      title: 'Declarative definition: enterprise workflow (examples/enterprise-workflow.yaml), approved by a person',
      type: 'definitionRun',
      workflowId: `demo-definition-enterprise-${stamp}`,
      input: prepareDefinitionRun(path.join(projectRoot, 'examples/enterprise-workflow.yaml'),
        { customerId: 'cust-001', amount: 2500, purpose: 'Two monitors for the new data team' }),
      interact: async (act) => {
        await act.waitForStep((step) => step.startsWith('waiting for approval'));
        await act.update(DECIDE_UPDATE, [{ decision: 'approve', approver: 'Grace Hopper', comment: 'within budget' }]);
      },
    }),
    run({
      // Seed 004 Pattern 2: the deployment pipeline, driven by events (the send update) and a person's approval.
      title: 'State machine: deployment pipeline, build → test → approval → deploy → verify',
      type: 'stateMachine',
      workflowId: `demo-state-machine-${stamp}`,
      input: { definition: deploymentPipeline },
      interact: async (act) => {
        const send = (event: string, data: object = {}) => act.update(SEND_UPDATE, [{ event, data, sender: 'demo' }]);
        for (const [event, data] of [['start'], ['build_complete'], ['tests_passed', { coverage: 91 }]] as const) await send(event, data);
        await act.waitForStep((step) => step.startsWith('waiting for approval'));
        await act.update(DECIDE_UPDATE, [{ decision: 'approved', approver: 'Grace Hopper' }]);
        await send('deployed');
        await send('verified');
      },
    }),
    run({
      // Seed 004 Pattern 4, choreographed: the services react to events; a bad postal code makes shipping fail, and each
      // service before it undoes its own work on the compensating events.
      title: 'Choreography saga: order, payment, inventory and shipping services; shipping fails, each service compensates',
      type: 'orderChoreography',
      workflowId: `order-choreography-ord-ch-${stamp}`,
      input: {
        orderId: `ord-ch-${stamp}`,
        customer: { id: 'cust-002', name: 'Globex Industries', email: 'accounts@globex.example' },
        items: [{ sku: 'WIDGET-001', quantity: 1 }],
        shippingAddress: { name: 'Globex Receiving', street: '5 Harbour Road', city: 'Springfield', postalCode: 'NOPE', country: 'US' },
      },
    }),
    run({
      // Seed 004 Pattern 3: an order driven by its events; the first one published twice is processed once.
      title: 'Event-driven order lifecycle with event sourcing (order.created → … → order.completed)',
      type: 'orderLifecycle',
      workflowId: lifecycleIdOf(`ord-events-${stamp}`),
      input: { orderId: `ord-events-${stamp}` },
      interact: async (act) => {
        const orderId = `ord-events-${stamp}`;
        const created = {
          id: `${orderId}>order.created`, orderId, type: 'order.created',
          data: {
            customer: { id: 'cust-002', name: 'Globex Industries', email: 'accounts@globex.example' }, amount: 12_900,
            shippingAddress: { name: 'Globex Receiving', street: '5 Harbour Road', city: 'London', postalCode: 'SW1A 1AA', country: 'GB' },
          },
        };
        await act.signal(ORDER_EVENT_SIGNAL, [created]);
        await act.signal(ORDER_EVENT_SIGNAL, [created]);
      },
    }),
    run({
      title: 'Declarative definition: DAG data pipeline (examples/data-pipeline.yaml)',
      type: 'definitionRun',
      workflowId: `demo-definition-data-pipeline-${stamp}`,
      input: prepareDefinitionRun(path.join(projectRoot, 'examples/data-pipeline.yaml'), {}),
    }),
  ];
}

/**
 * Runs only the history recorder makes (scripts/record-histories.ts), so the replay test also protects paths the demo
 * does not take: a saga cancelled mid-way, an approval that times out, a fan-out split into child partitions that
 * report their progress and are stopped once the outcome is decided. (Continue-as-new: the demo's
 * refine-until-quality-limit run.)
 */
export function recordedOnlyRuns(stamp: string): DemoRun[] {
  const moods = ['a good day', 'a bad day', 'a calm day', 'a great day'];
  return [
    run({
      // Cancelled once it starts reserving stock: the undos run in reverse, then the run ends cancelled.
      title: 'Order saga cancelled mid-way (compensated, ends cancelled)',
      type: 'orderSaga',
      workflowId: `demo-order-saga-cancelled-${stamp}`,
      endsCancelled: true,
      input: {
        orderId: `ord-demo-${stamp}-3`,
        customer: { id: 'cust-002', name: 'Globex Industries', email: 'accounts@globex.example' },
        items: ['WIDGET-001', 'CABLE-004', 'MOUSE-007', 'SENSOR-003', 'GADGET-002', 'KEYB-006'].map((sku) => ({ sku, quantity: 1 })),
        shippingAddress: { name: 'Globex Receiving', street: '350 Fifth Avenue', city: 'New York', postalCode: '10118', country: 'US' },
      },
      interact: async (act) => {
        await act.waitForStep((step) => step.startsWith('reserve'));
        await act.cancel();
      },
    }),
    run({
      title: 'Human approval: nobody decides, the request times out and is escalated',
      type: 'accessRequest',
      workflowId: `demo-access-timeout-${stamp}`,
      input: { request: 'Admin access to the billing exports', requester: 'eve@example.com', approvalTimeout: '3s', onTimeout: 'escalate' },
    }),
    run({
      title: 'Parallel fan-out over child partitions, stopped once the tolerance is met',
      type: 'parallelAggregate',
      workflowId: `demo-parallel-aggregate-partitioned-${stamp}`,
      input: {
        title: 'moods of 1,001 short notes',
        branches: Array.from({ length: 1001 }, (_, i) => ({ kind: 'text' as const, id: `n${i + 1}`, analysis: 'sentiment' as const, text: moods[i % moods.length] })),
        maxConcurrency: 20,
        minSuccesses: 600,
        cancelWhenDecided: true,
        resultBudgetBytes: 0, // the results are left out (listed in omittedResults): a smaller history to keep
      },
    }),
  ];
}

