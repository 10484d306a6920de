/**
 * Text analysis from workflow code: each analysis is an activity of src/activities/text.ts (AFINN sentiment, TextRank
 * keywords and summary, franc language identification), named in the Web UI by what it analyses.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { TextActivities } from '../../activities/text.js';
import { queueFor } from './queues.js';
// Types only: src/text loads NLP models and runs in activities, never in workflow code.
import type { KeywordResult, LanguageResult, SentimentResult, SummaryResult, TextAnalysis } from '../../text/index.js';

/**
 * The text activities (analyses, relevance, query expansion, feed parsing, the offline composer) as workflows call
 * them. Bad input (an empty text) fails as a non-retryable InvalidInput; anything else is a worker fault worth a retry.
 */
export const textActivities = proxyActivities<TextActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});


export type { TextAnalysis };

export interface TextAnalysisResults {
  sentiment: SentimentResult;
  keywords: KeywordResult;
  summary: SummaryResult;
  language: LanguageResult;
}

const PREVIEW = 40;

/** `sentiment of "This is a great example of parallel proc…"`. */
export function describeAnalysis(analysis: TextAnalysis, text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `${analysis} of ${JSON.stringify(flat.length > PREVIEW ? `${flat.slice(0, PREVIEW - 1)}…` : flat)}`;
}

/** Runs one analysis over a text as an activity; `options` override timeouts and retry for this call. */
export function analyzeText<A extends TextAnalysis>(
  analysis: A,
  text: string,
  options: Omit<ActivityOptions, 'summary'> & { summary?: string } = {},
): Promise<TextAnalysisResults[A]> {
  const call = { summary: describeAnalysis(analysis, text), taskQueue: queueFor('analysis'), ...options };
  switch (analysis) {
    case 'sentiment':
      return textActivities.analyzeSentiment.executeWithOptions(call, [{ text }]) as Promise<TextAnalysisResults[A]>;
    case 'keywords':
      return textActivities.extractKeywords.executeWithOptions(call, [{ text }]) as Promise<TextAnalysisResults[A]>;
    case 'summary':
      return textActivities.summarize.executeWithOptions(call, [{ text }]) as Promise<TextAnalysisResults[A]>;
    case 'language':
      return textActivities.detectLanguage.executeWithOptions(call, [{ text }]) as Promise<TextAnalysisResults[A]>;
    default:
      throw new TypeError(`unknown text analysis "${String(analysis)}"`);
  }
}
