/**
 * Text analysis from workflow code: each analysis is an activity of src/activities/text.ts (AFINN sentiment, TextRank
 * keywords and summary, franc language identification), named in the Web UI by what it analyses.
 */
import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import type { TextActivities } from '../../activities/text.js';
import { recoveryTimeouts, TEXT_START_TO_CLOSE_TIMEOUT } from '../../shared/recovery.js';
import { queueFor } from './queues.js';
// Types only: src/text loads NLP models and runs in activities, never in workflow code.
import type { KeywordResult, LanguageResult, SentimentResult, SummaryResult, TextAnalysis } from '../../text/index.js';

const text = proxyActivities<TextActivities>({
  startToCloseTimeout: TEXT_START_TO_CLOSE_TIMEOUT,
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

type TextActivityProxies = ActivityInterfaceFor<TextActivities>;

/** A text activity whose attempts get a start-to-close timeout sized to the input (src/shared/recovery.ts). */
function sized<K extends keyof TextActivities>(name: K): TextActivityProxies[K] {
  const activity = text[name] as unknown as { executeWithOptions(options: ActivityOptions, args: unknown[]): Promise<unknown> };
  const call = (options: ActivityOptions, args: unknown[]) => activity.executeWithOptions({ ...recoveryTimeouts('text', args[0]), ...options }, args);
  return Object.assign((input: unknown) => call({}, [input]), { executeWithOptions: call }) as unknown as TextActivityProxies[K];
}

/**
 * The text activities (analyses, relevance, query expansion, feed parsing, the offline composer) as workflows call
 * them. Bad input (an empty text) fails as a non-retryable InvalidInput; anything else is a worker fault worth a retry.
 */
export const textActivities: TextActivityProxies = {
  analyzeSentiment: sized('analyzeSentiment'),
  extractKeywords: sized('extractKeywords'),
  summarize: sized('summarize'),
  detectLanguage: sized('detectLanguage'),
  analyzeText: sized('analyzeText'),
  rankByRelevance: sized('rankByRelevance'),
  expandQuery: sized('expandQuery'),
  composeDraft: sized('composeDraft'),
  parseFeed: sized('parseFeed'),
};


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
  input: string,
  options: Omit<ActivityOptions, 'summary'> & { summary?: string } = {},
): Promise<TextAnalysisResults[A]> {
  const call = { summary: describeAnalysis(analysis, input), taskQueue: queueFor('analysis'), ...options };
  switch (analysis) {
    case 'sentiment':
      return textActivities.analyzeSentiment.executeWithOptions(call, [{ text: input }]) as Promise<TextAnalysisResults[A]>;
    case 'keywords':
      return textActivities.extractKeywords.executeWithOptions(call, [{ text: input }]) as Promise<TextAnalysisResults[A]>;
    case 'summary':
      return textActivities.summarize.executeWithOptions(call, [{ text: input }]) as Promise<TextAnalysisResults[A]>;
    case 'language':
      return textActivities.detectLanguage.executeWithOptions(call, [{ text: input }]) as Promise<TextAnalysisResults[A]>;
    default:
      throw new TypeError(`unknown text analysis "${String(analysis)}"`);
  }
}
