/**
 * Lexicon-based sentiment with the `sentiment` package: AFINN-165 word valences (−5…+5) plus emoji valences, with
 * negation handling ("not happy" counts as negative).
 *
 * - `afinnScore` is the sum of the valences of the matched words.
 * - `comparative` is that sum divided by the number of tokens (so long, mostly factual text is not dominated by a
 *   single charged word).
 * - `score` squashes the comparative into −1…1 the way VADER normalises its compound score:
 *   `score = c / √(c² + 0.25)` (c = 1, i.e. one "great" per three words, gives ≈ 0.89; c = 0.05 gives ≈ 0.1).
 * - `label`: `positive` when `score ≥ 0.1`, `negative` when `score ≤ −0.1`, otherwise `neutral`. The threshold
 *   corresponds to |comparative| ≥ ≈ 0.05: one AFINN point per twenty tokens.
 */
import Sentiment from 'sentiment';
import { round } from './graph.js';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

export interface SentimentResult {
  label: SentimentLabel;
  /** Normalised −1…1 (see module doc). */
  score: number;
  /** AFINN sum per token. */
  comparative: number;
  /** Sum of the AFINN valences of the matched words (negated words count with the opposite sign). */
  afinnScore: number;
  /** Distinct words that counted positively / negatively, in order of appearance. */
  positiveWords: string[];
  negativeWords: string[];
  tokenCount: number;
}

/** Score threshold for a polar label, and the squashing constant (see module doc). */
export const SENTIMENT_THRESHOLD = 0.1;
const SQUASH_ALPHA = 0.25;

let analyser: Sentiment | undefined;

export function analyzeSentiment(text: string): SentimentResult {
  analyser ??= new Sentiment();
  const result = analyser.analyze(text);
  const comparative = Number.isFinite(result.comparative) ? result.comparative : 0;
  const score = comparative / Math.sqrt(comparative * comparative + SQUASH_ALPHA);
  const label: SentimentLabel = score >= SENTIMENT_THRESHOLD ? 'positive' : score <= -SENTIMENT_THRESHOLD ? 'negative' : 'neutral';
  // The package lists words in reverse order of appearance; report them as read.
  const unique = (words: string[]) => [...new Set([...words].reverse())];
  return {
    label,
    score: round(score),
    comparative: round(comparative),
    afinnScore: result.score,
    positiveWords: unique(result.positive),
    negativeWords: unique(result.negative),
    tokenCount: result.tokens.length,
  };
}
