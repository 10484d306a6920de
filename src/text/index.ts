/**
 * Text analysis as plain functions, importable without Temporal (activities wrap them in `src/activities/text.ts`).
 * Not for workflow code: they load an NLP model and belong in activities.
 */
import { analyzeSentiment, type SentimentResult } from './sentiment.js';
import { extractKeywords, type KeywordResult } from './keywords.js';
import { summarize, type SummaryResult } from './summarize.js';
import { detectLanguage, type LanguageResult } from './language.js';
import { TEXT_ANALYSES, type TextAnalysis } from './analyses.js';

export * from './sentiment.js';
export * from './keywords.js';
export * from './summarize.js';
export * from './language.js';
export * from './relevance.js';
export * from './compose.js';
export * from './feeds.js';

export { TEXT_ANALYSES, type TextAnalysis } from './analyses.js';

export interface TextAnalysisResult {
  sentiment?: SentimentResult;
  keywords?: KeywordResult;
  summary?: SummaryResult;
  language?: LanguageResult;
}

export interface AnalyzeTextOptions {
  /** Which analyses to run; default all four. */
  analyses?: readonly TextAnalysis[];
  keywordLimit?: number;
  summarySentences?: number;
}

/** Runs the requested analyses over one text. */
export function analyzeText(text: string, { analyses = TEXT_ANALYSES, keywordLimit, summarySentences }: AnalyzeTextOptions = {}): TextAnalysisResult {
  const wanted = new Set(analyses);
  const result: TextAnalysisResult = {};
  if (wanted.has('sentiment')) result.sentiment = analyzeSentiment(text);
  if (wanted.has('keywords')) result.keywords = extractKeywords(text, { limit: keywordLimit });
  if (wanted.has('summary')) result.summary = summarize(text, { sentences: summarySentences });
  if (wanted.has('language')) result.language = detectLanguage(text);
  return result;
}
