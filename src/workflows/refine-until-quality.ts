/**
 * Search → evaluate → refine until the results are good enough (seed 001 §4), over the store's full-text search.
 *
 * ## The quality measure: aspect coverage@k
 *
 * The original query is the intent; its aspects are its distinct content words, matched by stem (wink-nlp tokens,
 * Porter2 stems: "retries" and "retry" are one aspect). A search's top-k results are judged on whether each aspect is
 * represented by a fair share of them:
 *
 *     quality = mean over aspects a of  min(1, n_a / ⌈k/2⌉)
 *
 * where n_a is the number of top-k results whose text (title, body and tags, fetched with `get_document`) mentions a.
 * It is 1 when every part of the request appears in at least half of the results, and it drops when one part crowds
 * out another (five documents about workflows and one about retries, for "workflow retries"). It is an aspect-recall
 * measure with a per-aspect quota, in the spirit of subtopic recall (Zhai, Cohen & Lafferty 2003) and intent-aware
 * α-nDCG (Clarke et al. 2008), using the intent's own words as its aspects. It never looks at the refined query, so a
 * refinement that drifts away from the intent scores lower, not higher.
 *
 * ## The refinement: pseudo-relevance feedback on the under-covered aspects
 *
 * From the best iteration so far, the aspects below their quota are the deficit. The retrieved documents that mention
 * a deficit aspect are the feedback set, and the RM1 relevance model (`expandQuery`) proposes terms that co-occur with
 * those aspects there ("backoff", "timeouts" for "retries"). The next query is the best query plus the top untried
 * terms. Refining from the best iteration (not the last) keeps a bad expansion from compounding; the results returned
 * are the best iteration's. The loop stops when the quality reaches the target (`quality_met`), after `maxIterations`
 * searches (`max_iterations`), or when no untried expansion term is left (`no_refinement`).
 *
 * Every `iterationsPerRun` iterations (or when Temporal suggests it) the workflow continues as new, carrying the
 * iteration history, the best result and the terms tried, so a long loop keeps a bounded history and the `progress`
 * query answers across runs.
 */
import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import {
  RefineUntilQualityInput,
  type RefinedResult,
  type RefineIteration,
  type RefineStopReason,
  type RefineUntilQualityParams,
  type RefineUntilQualityResult,
} from '../schemas/refine-until-quality.js';
import { parseInput } from './support/input.js';
import { textActivities as text } from './support/text-analysis.js';
import { ProgressReporter } from './support/progress.js';
import { store } from './support/tools.js';
import { businessFailure } from '../shared/business-failure.js';


export const QUALITY_MEASURE = 'aspect coverage@k: mean over the terms of the original query of min(1, n / ⌈k/2⌉), '
  + 'n = top-k results whose title, body or tags mention the term';

/** What one run hands the next when it continues as new: compact (ids and terms, no document texts). */
export interface RefineCarry {
  runs: number;
  aspects: string[];
  iterations: RefineIteration[];
  best?: BestSoFar;
  tried: string[];
  next: { query: string; addedTerms: string[] };
}

interface BestSoFar {
  iteration: number;
  query: string;
  quality: number;
  results: RefinedResult[];
  /** Every retrieved document (past top-k too) with the aspects it mentions: the feedback for the next refinement. */
  retrieved: Array<{ id: string; aspects: string[] }>;
}

interface SearchHit { id: string; title: string; snippet: string; rank: number; score: number }
interface StoredDocument { id: string; title: string; body: string; tags: string[] }

export async function refineUntilQuality(raw: RefineUntilQualityInput, carried?: RefineCarry): Promise<RefineUntilQualityResult> {
  const input = parseInput(RefineUntilQualityInput, raw);
  const progress = new ProgressReporter('refineUntilQuality');
  const state: RefineCarry = carried ?? {
    runs: 1,
    aspects: await aspectsOf(input.query),
    iterations: [],
    tried: [],
    next: { query: input.query, addedTerms: [] },
  };
  const documents = new DocumentCache();
  const report = (step: string, extra: Record<string, unknown> = {}) => progress.update({
    step,
    done: state.iterations.length,
    total: input.maxIterations,
    details: {
      query: input.query,
      targetQuality: input.targetQuality,
      run: state.runs,
      bestQuality: state.best?.quality ?? null,
      bestQuery: state.best?.query ?? null,
      iterations: state.iterations.map(({ iteration, query, quality }) => ({ iteration, query, quality })),
      ...extra,
    },
  });
  report(carried ? `resumed in run ${state.runs} after iteration ${state.iterations.length}` : `searching for "${input.query}"`);

  let iterationsThisRun = 0;
  for (;;) {
    if (iterationsThisRun >= input.iterationsPerRun || workflowInfo().continueAsNewSuggested) {
      report(`continuing as new after iteration ${state.iterations.length}`);
      return continueAsNew<typeof refineUntilQuality>(raw, { ...state, runs: state.runs + 1 });
    }
    iterationsThisRun += 1;

    // Search.
    const iteration = state.iterations.length + 1;
    const { query, addedTerms } = state.next;
    report(`iteration ${iteration}/${input.maxIterations}: searching "${query}"`);
    const hits = await search(query, input);

    // Evaluate against the original intent.
    const retrieved = await documents.aspectsMentioned(hits.map((h) => h.id), input.query, state.aspects);
    const top = hits.slice(0, input.topK);
    const counts = Object.fromEntries(state.aspects.map((a) => [a, top.filter((h) => retrieved.get(h.id)!.includes(a)).length]));
    const quality = aspectCoverage(counts, input.topK);
    state.iterations.push({ iteration, query, quality, aspects: counts, topIds: top.map((h) => h.id), addedTerms });
    if (!state.best || quality > state.best.quality) {
      state.best = {
        iteration,
        query,
        quality,
        results: top.map((h) => ({ id: h.id, title: h.title, rank: h.rank, score: h.score, matchedTerms: retrieved.get(h.id)!, snippet: h.snippet })),
        retrieved: hits.map((h) => ({ id: h.id, aspects: retrieved.get(h.id)! })),
      };
    }
    report(`iteration ${iteration}/${input.maxIterations}: quality ${quality} (target ${input.targetQuality})`, { aspects: counts });

    // Stop, or refine from the best iteration so far.
    let stopReason: RefineStopReason | undefined;
    if (state.best.quality >= input.targetQuality) stopReason = 'quality_met';
    else if (iteration >= input.maxIterations) stopReason = 'max_iterations';
    else {
      const refined = await refine(state.best, state, input, documents);
      if (refined.length === 0) stopReason = 'no_refinement';
      else {
        state.tried.push(...refined.map((t) => t.toLowerCase()));
        state.next = { query: `${state.best.query} ${refined.join(' ')}`, addedTerms: refined };
      }
    }
    if (stopReason) {
      const best = state.best;
      progress.update({
        step: `${stopReason.replace('_', ' ')}: quality ${best.quality} after ${iteration} iteration${iteration === 1 ? '' : 's'}`,
        state: 'completed',
        outcome: stopReason,
      });
      return {
        query: input.query,
        finalQuery: best.query,
        stopReason,
        quality: best.quality,
        targetQuality: input.targetQuality,
        bestIteration: best.iteration,
        iterations: state.iterations,
        results: best.results,
        runs: state.runs,
        qualityMeasure: QUALITY_MEASURE,
      };
    }
  }
}

/** quality = mean over aspects of min(1, n_a / ⌈k/2⌉), rounded to 3 places. */
function aspectCoverage(counts: Record<string, number>, k: number): number {
  const quota = Math.ceil(k / 2);
  const values = Object.values(counts);
  if (values.length === 0) return 0;
  const mean = values.reduce((sum, n) => sum + Math.min(1, n / quota), 0) / values.length;
  return Math.round(mean * 1000) / 1000;
}

/** The intent's aspects: its distinct content words as rankByRelevance matches them (by stem). */
async function aspectsOf(query: string): Promise<string[]> {
  const [self] = await text.rankByRelevance({ query, documents: [{ id: 'query', text: query }] });
  if (!self || self.matchedTerms.length === 0) {
    // Only stop words ("the", "and"): nothing to judge results against. Told apart by the NLP tokenizer, so here.
    throw businessFailure({
      type: 'InvalidInput',
      message: 'query: must contain a content word (not only stop words such as "the" or "and")',
    });
  }
  return self.matchedTerms;
}

async function search(query: string, input: RefineUntilQualityParams): Promise<SearchHit[]> {
  const found = await store<{ results: SearchHit[] }>('search_documents',
    { query, limit: input.searchLimit, ...(input.tag ? { tag: input.tag } : {}) },
    { readOnly: true, summary: `store.search_documents "${query.slice(0, 80)}"` });
  return found.results;
}

/** Expansion terms for the aspects the best iteration under-covers, learned from the documents that mention them. */
async function refine(best: BestSoFar, state: RefineCarry, input: RefineUntilQualityParams, documents: DocumentCache): Promise<string[]> {
  const quota = Math.ceil(input.topK / 2);
  const bestCounts = state.iterations.find((i) => i.iteration === best.iteration)!.aspects;
  const deficit = state.aspects.filter((a) => (bestCounts[a] ?? 0) < quota);
  let feedback = best.retrieved.filter((d) => d.aspects.some((a) => deficit.includes(a)));
  let about = deficit.join(' ');
  if (feedback.length === 0) {
    // No retrieved document mentions what is missing: learn from everything retrieved, weighted by the whole intent.
    feedback = best.retrieved;
    about = input.query;
  }
  if (feedback.length === 0) return [];
  const texts = await documents.texts(feedback.map((d) => d.id));
  const expansion = await text.expandQuery.executeWithOptions(
    { startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 }, summary: `expand "${about}" from ${texts.length} documents` },
    [{ query: about, documents: texts, terms: 25 }],
  );
  const inQuery = new Set(best.query.toLowerCase().split(/\s+/));
  return expansion.terms
    .map((t) => t.term)
    .filter((term) => !inQuery.has(term.toLowerCase()) && !state.tried.includes(term.toLowerCase()))
    .slice(0, input.termsPerIteration);
}

/** Documents fetched with `get_document`, once per run; which aspects of the intent each mentions. */
class DocumentCache {
  private readonly byId = new Map<string, string>();
  private readonly aspectsById = new Map<string, string[]>();

  async texts(ids: string[]): Promise<string[]> {
    const missing = ids.filter((id) => !this.byId.has(id));
    const fetched = await Promise.all(missing.map((id) => store<{ document: StoredDocument }>('get_document', { id }, { readOnly: true })));
    for (const { document: d } of fetched) this.byId.set(d.id, `${d.title}\n\n${d.body}\n\n${d.tags.join(', ')}`);
    return ids.map((id) => this.byId.get(id)!);
  }

  async aspectsMentioned(ids: string[], intent: string, aspects: string[]): Promise<Map<string, string[]>> {
    const missing = ids.filter((id) => !this.aspectsById.has(id));
    if (missing.length > 0) {
      const texts = await this.texts(missing);
      const scored = await text.rankByRelevance.executeWithOptions(
        { startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 }, summary: `judge ${missing.length} documents against "${intent.slice(0, 60)}"` },
        [{ query: intent, documents: missing.map((id, i) => ({ id, text: texts[i] })) }],
      );
      for (const s of scored) this.aspectsById.set(s.id, aspects.filter((a) => s.matchedTerms.includes(a)));
    }
    return new Map(ids.map((id) => [id, this.aspectsById.get(id)!]));
  }
}
