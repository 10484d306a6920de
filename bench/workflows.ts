/**
 * The bench worker's workflows: every Orchestra workflow, plus the benchmark-only ones (never product workflows):
 *
 * - `sequentialPipeline`: three text activities one after another, written with Orchestra's helpers (parseInput,
 *   ProgressReporter; its raw twin `sequentialPipelineRaw` is in bench/raw-workflows.ts); `sequentialPipelineLocal` the same steps as
 *   local activities (an investigation: what the latency goal costs with remote activities).
 * - `textAnalysisGraph`, `routingGraph`: the two LangGraph baseline graphs as Temporal workflows.
 *
 * The raw twin's workflows are not here: they run on the twin's own worker, from its own bundle (bench/raw-workflows.ts).
 * Like src/workflows/index.ts, the bench-only workflows (bench/orchestra-workflows.ts) load when a run of theirs starts,
 * so an Orchestra run in this bundle evaluates what the product bundle would, and no more.
 *
 * Deterministic code only (this file is bundled into the workflow sandbox).
 */
export * from '../src/workflows/index.js';

export const sequentialPipeline: typeof import('./orchestra-workflows.js').sequentialPipeline = async (...args) => (await import(/* webpackMode: "eager" */ './orchestra-workflows.js')).sequentialPipeline(...args);
export const sequentialPipelineLocal: typeof import('./orchestra-workflows.js').sequentialPipelineLocal = async (...args) => (await import(/* webpackMode: "eager" */ './orchestra-workflows.js')).sequentialPipelineLocal(...args);
export const textAnalysisGraph: typeof import('./orchestra-workflows.js').textAnalysisGraph = async (...args) => (await import(/* webpackMode: "eager" */ './orchestra-workflows.js')).textAnalysisGraph(...args);
export const routingGraph: typeof import('./orchestra-workflows.js').routingGraph = async (...args) => (await import(/* webpackMode: "eager" */ './orchestra-workflows.js')).routingGraph(...args);
