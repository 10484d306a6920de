/**
 * The bench-only workflows written with Orchestra's helpers (see bench/workflows.ts, which loads this module when a run
 * of one of them starts). Deterministic code only (bundled into the workflow sandbox).
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { z } from 'zod/mini';
import '../src/shared/zod-mini.js'; // English messages, as classic zod gives
import type { TextActivities } from '../src/activities/text.js';
import { parseInput } from '../src/workflows/support/input.js';
import { ProgressReporter } from '../src/workflows/support/progress.js';
import { classify, needsEscalation, prioritise } from './graphs/routing.js';

const text = proxyActivities<TextActivities>({ startToCloseTimeout: '1 minute' });
const localText = proxyLocalActivities<TextActivities>({ startToCloseTimeout: '1 minute' });

// ---------------------------------------------------------------------------------------------------------------------
// Latency: three sequential activities

/** In zod/mini, like the product workflows' inputs (src/shared/zod-mini.ts says why). */
export const PipelineInput = z.object({ text: z.string().check(z.trim(), z.minLength(1, 'must not be empty')) });
export type PipelineInput = z.input<typeof PipelineInput>;
export interface PipelineResult {
  language: string;
  sentiment: string;
  keywords: string[];
}

/** Detect language → sentiment → keywords, the way an Orchestra workflow is written. */
export function sequentialPipeline(raw: PipelineInput): Promise<PipelineResult> {
  return pipeline(raw, text);
}

/**
 * The Orchestra version with the three steps as local activities: they run in the worker that runs the workflow, inside
 * its workflow task, with no activity task round trip through the server (fit for short, cheap steps like these).
 */
export function sequentialPipelineLocal(raw: PipelineInput): Promise<PipelineResult> {
  return pipeline(raw, localText);
}

async function pipeline(raw: PipelineInput, steps: Pick<TextActivities, 'detectLanguage' | 'analyzeSentiment' | 'extractKeywords'>): Promise<PipelineResult> {
  const input = parseInput(PipelineInput, raw);
  const progress = new ProgressReporter('sequentialPipeline');
  progress.update({ step: 'detect language', done: 0, total: 3 });
  const language = await steps.detectLanguage({ text: input.text });
  progress.update({ step: 'analyse sentiment', done: 1 });
  const sentiment = await steps.analyzeSentiment({ text: input.text });
  progress.update({ step: 'extract keywords', done: 2 });
  const keywords = await steps.extractKeywords({ text: input.text, limit: 5 });
  progress.update({ step: 'done', state: 'completed', done: 3 });
  return { language: language.code, sentiment: sentiment.label, keywords: keywords.keywords.map((k) => k.term) };
}

// ---------------------------------------------------------------------------------------------------------------------
// The LangGraph baselines' graphs, as Temporal workflows (same text functions, through the text activities)

/** Seed 001 §2: sentiment, keywords, summary and language in parallel, joined into one result. */
export async function textAnalysisGraph(input: { text: string }) {
  const [sentiment, keywords, summary, language] = await Promise.all([
    text.analyzeSentiment({ text: input.text }),
    text.extractKeywords({ text: input.text }),
    text.summarize({ text: input.text }),
    text.detectLanguage({ text: input.text }),
  ]);
  return { sentiment, keywords, summary, language };
}

/** Seed 000 Pattern 2: classify → route → handler → priority → escalate (classification and priority in the workflow). */
export async function routingGraph(input: { query: string }) {
  const path: string[] = ['classifier'];
  const c = classify(input.query);
  let primary: unknown;
  if (!c.triggered) {
    path.push(c.route);
    primary = await text.analyzeText({ text: input.query, analyses: ['sentiment', 'keywords'] });
    path.push('priority_processor');
  }
  const priority = prioritise(c.priority);
  let escalation: unknown;
  if (needsEscalation(c)) {
    path.push('escalation');
    escalation = await text.summarize({ text: input.query, sentences: 1 });
  }
  return { route: c.route, priority: c.priority, path, primary, priorityProcessing: priority, escalation };
}
