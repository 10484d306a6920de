/**
 * Seed 000 "Pattern 2: Conditional Workflow Routing" in LangGraph JS: classifier → (escalation | type handler →
 * priority_processor → escalation?). Decisions come from bench/graphs/routing.ts and the handler/escalation work from
 * src/text/, exactly what the Temporal version (bench/workflows.ts `routingGraph`) runs.
 */
import { Annotation, END, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';
import { analyzeText, summarize } from '../../src/text/index.js';
import { classify, needsEscalation, prioritise, type Classification, type Route } from '../graphs/routing.js';

const RoutingState = Annotation.Root({
  query: Annotation<string>,
  classification: Annotation<Classification | undefined>,
  routing_path: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  primary_result: Annotation<unknown>,
  priority_processing: Annotation<unknown>,
  escalation_result: Annotation<unknown>,
});
type RoutingState = typeof RoutingState.State;

const HANDLERS: Route[] = ['customer_service', 'technical_support', 'sales_inquiry', 'data_analysis', 'general_query'];

export function routingGraph(checkpointer?: BaseCheckpointSaver) {
  const handle = (route: Route) => (s: RoutingState) => ({
    routing_path: [route],
    primary_result: { type: route, analysis: analyzeText(s.query, { analyses: ['sentiment', 'keywords'] }) },
  });
  const graph = new StateGraph(RoutingState)
    .addNode('classifier', (s: RoutingState) => ({ classification: classify(s.query), routing_path: ['classifier'] }))
    .addNode('customer_service', handle('customer_service'))
    .addNode('technical_support', handle('technical_support'))
    .addNode('sales_inquiry', handle('sales_inquiry'))
    .addNode('data_analysis', handle('data_analysis'))
    .addNode('general_query', handle('general_query'))
    .addNode('priority_processor', (s: RoutingState) => ({
      routing_path: ['priority_processor'],
      priority_processing: prioritise(s.classification!.priority),
    }))
    .addNode('escalation', (s: RoutingState) => ({
      routing_path: ['escalation'],
      escalation_result: { escalated: true, note: summarize(s.query, { sentences: 1 }) },
    }))
    .addEdge(START, 'classifier')
    .addConditionalEdges('classifier', (s: RoutingState) => (s.classification!.triggered ? 'escalation' : s.classification!.route),
      ['escalation', ...HANDLERS])
    .addConditionalEdges('priority_processor', (s: RoutingState) => (needsEscalation(s.classification!) ? 'escalation' : END),
      ['escalation', END])
    .addEdge('escalation', END);
  for (const route of HANDLERS) graph.addEdge(route, 'priority_processor');
  return graph.compile({ checkpointer });
}
