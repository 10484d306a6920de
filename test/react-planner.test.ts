import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillArguments } from '../src/react/arguments.js';
import { analyseTask, splitSubtasks } from '../src/react/complexity.js';
import { coveringTool, nextStep, type PlannerState } from '../src/react/planner.js';
import { isDestructive, toolDocument, type ToolOption } from '../src/react/tools.js';
import { rankByRelevance } from '../src/text/index.js';

const tool = (server: string, name: string, description: string, properties: Record<string, object>, required: string[] = [],
  annotations: ToolOption['annotations'] = { readOnlyHint: true }): ToolOption =>
  ({ server, name, description, inputSchema: { type: 'object', properties, required }, annotations });

const search = tool('store', 'search_documents', 'Full-text search over the knowledge base.', { query: { type: 'string' }, limit: { type: 'number' } }, ['query']);
const getDocument = tool('store', 'get_document', 'Read a document by id.', { id: { type: 'string' } }, ['id']);
const getCustomer = tool('store', 'get_customer', 'Look up a customer by id.', { customer_id: { type: 'string' } }, ['customer_id']);
const deleteUser = tool('store', 'delete_user', 'Delete a user account.', { idempotency_key: { type: 'string' }, user_key: { type: 'string' } },
  ['idempotency_key', 'user_key'], { readOnlyHint: false, destructiveHint: true, idempotentHint: true });
const tools = [search, getDocument, getCustomer, deleteUser];

/** The planner's state for a goal, with relevance by BM25 over the tools' documents (as the workflow's activity computes it). */
function stateFor(goal: string, extra: Partial<PlannerState> = {}): PlannerState {
  const relevance = rankByRelevance(goal, tools.map((t) => ({ id: `${t.server}.${t.name}`, text: toolDocument(t) })));
  return { goal, context: {}, tools, relevance, steps: [], observations: [], ...extra };
}

describe('offline planner: choosing the next tool call', () => {
  it('chains tools on observations: search first (the read needs an id), then read the hit, then stop once covered', () => {
    const goal = 'Search the knowledge base for "refund policy" and read the document';
    const first = nextStep(stateFor(goal));
    assert.equal(first.kind, 'act');
    assert.equal(first.kind === 'act' && first.tool.name, 'search_documents');
    assert.deepEqual(first.kind === 'act' && first.args, { query: 'refund policy' });
    const searched = { steps: [{ tool: 'store.search_documents', args: { query: 'refund policy' }, outcome: 'ok' as const }],
      observations: [{ results: [{ id: 'doc-029', title: 'How to request a refund' }, { id: 'doc-001' }] }] };
    const second = nextStep(stateFor(goal, searched));
    assert.equal(second.kind === 'act' && second.tool.name, 'get_document');
    assert.deepEqual(second.kind === 'act' && second.args, { id: 'doc-029' });
    const read = nextStep(stateFor(goal, {
      steps: [...searched.steps, { tool: 'store.get_document', args: { id: 'doc-029' }, outcome: 'ok' }],
      observations: [...searched.observations, { document: { id: 'doc-029' } }],
    }));
    assert.equal(read.kind, 'finish');
    assert.equal(read.kind === 'finish' && read.reason, 'goal_covered');
  });

  it('fills identifiers from the goal by their prefix and from the context first', () => {
    assert.deepEqual(fillArguments(getCustomer, 'Look up customer cust-003', {}, []), { ok: true, args: { customer_id: 'cust-003' } });
    assert.deepEqual(fillArguments(getCustomer, 'Look up customer cust-003', { customer_id: 'cust-009' }, []), { ok: true, args: { customer_id: 'cust-009' } });
    assert.deepEqual(fillArguments(getDocument, 'Read doc-017 please', {}, []), { ok: true, args: { id: 'doc-017' } });
    // A token whose prefix names something else does not fill it; the engine's idempotency key is never filled.
    assert.deepEqual(fillArguments(getCustomer, 'Read doc-017', {}, []), { ok: false, missing: ['customer_id'] });
    assert.deepEqual(fillArguments(deleteUser, 'Delete the account', { user_key: 'ada' }, []), { ok: true, args: { user_key: 'ada' } });
  });

  it('never repeats a call with the same arguments, skips a tool a person refused, and stops after repeated failures', () => {
    const goal = 'Look up customer cust-003';
    const failedOnce = nextStep(stateFor(goal, { steps: [{ tool: 'store.get_customer', args: { customer_id: 'cust-003' }, outcome: 'failed' }] }));
    assert.equal(failedOnce.kind, 'finish');
    assert.equal(failedOnce.kind === 'finish' && failedOnce.reason, 'nothing_left');
    const refused = nextStep(stateFor('Delete the user account', { context: { user_key: 'ada' }, steps: [{ tool: 'store.delete_user', args: { user_key: 'ada' }, outcome: 'refused' }] }));
    assert.equal(refused.kind === 'finish' && refused.reason, 'nothing_left');
    const failures = nextStep(stateFor('Search "refunds" and read the document', { steps: [
      { tool: 'store.search_documents', args: { query: 'x' }, outcome: 'failed' },
      { tool: 'store.search_documents', args: { query: 'y' }, outcome: 'failed' },
    ] }));
    assert.equal(failures.kind === 'finish' && failures.reason, 'repeated_failures');
    const unrelated = nextStep(stateFor('zebra migration patterns'));
    assert.equal(unrelated.kind === 'finish' && unrelated.reason, 'no_relevant_tool');
  });

  it('treats a tool as destructive unless it says it is read-only or not destructive (the MCP defaults)', () => {
    assert.equal(isDestructive(undefined), true);
    assert.equal(isDestructive({ readOnlyHint: true }), false);
    assert.equal(isDestructive({ readOnlyHint: false, destructiveHint: false }), false);
    assert.equal(isDestructive({ readOnlyHint: false, destructiveHint: true, idempotentHint: true }), true);
  });
});

describe('complexity analysis: direct, react or agents', () => {
  it('splits a goal into subtasks at sentence ends, "then", and a comma or "and" before a capability word', () => {
    assert.deepEqual(splitSubtasks('Load user_data, validate it and then write it as CSV'), ['Load user_data', 'validate it', 'write it as CSV']);
    assert.deepEqual(splitSubtasks('Find refunds and payments. Summarise them'), ['Find refunds and payments', 'Summarise them']);
  });

  it('chooses agents for several subtasks asking for different capabilities, direct when one tool covers one subtask, else react', () => {
    const agents = analyseTask('Load user_data, validate it and then write it as CSV', 5);
    assert.equal(agents.strategy, 'agents');
    assert.deepEqual(agents.capabilities, ['data_ingestion', 'data_validation', 'data_transformation']);
    assert.equal(agents.complexityScore, 1);
    const goal = 'Look up customer cust-003';
    const state = stateFor(goal);
    assert.equal(coveringTool(state), 'store.get_customer');
    const direct = analyseTask(goal, 3, coveringTool(state));
    assert.equal(direct.strategy, 'direct');
    // 0.4 × 0 (one subtask) + 0.4 × 0 (one capability) + 0.2 × (3 − 1) / 4
    assert.equal(direct.complexityScore, 0.1);
    const react = analyseTask('Find the document about refunds and read it', 4);
    assert.equal(react.strategy, 'react');
    assert.equal(react.subtasks.length, 2);
    // 0.4 × (2 − 1) / 2 + 0.4 × 0 + 0.2 × (4 − 1) / 4, rounded to hundredths
    assert.equal(react.complexityScore, 0.35);
  });
});
