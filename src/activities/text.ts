/**
 * Text-analysis activities: thin wrappers over the pure functions in `src/text/`. Inputs are validated first; an
 * empty text (or any other invalid field) fails the activity with a non-retryable `InvalidInput` naming the field,
 * because retrying cannot fix it. A malformed feed fails with `InvalidFeed`.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { validate } from '../shared/validation.js';
import { TEXT_ANALYSES } from '../text/analyses.js';
import type {
  ComposedDraft,
  KeywordResult,
  LanguageResult,
  ParsedFeed,
  QueryExpansion,
  RelevanceScore,
  SentimentResult,
  SummaryResult,
  TextAnalysisResult,
} from '../text/index.js';

let loading: Promise<typeof import('../text/index.js')> | undefined;
/**
 * The text functions, loaded on first use and shared by every activity: their language models and parsers (wink-nlp's
 * English model, franc's trigrams, sentiment's lexicon, marked, the XML parser: ~12 MiB of the main isolate's heap)
 * stay out of a worker that never analyses text.
 */
const textFunctions = () => (loading ??= import('../text/index.js'));

/** Longest text accepted (characters): far above any document here, well below Temporal's payload limit. */
export const MAX_TEXT_LENGTH = 500_000;

const Text = z
  .string({ error: 'must be a string' })
  .max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`)
  .refine((s) => s.trim().length > 0, 'must not be empty');
const PositiveInt = (max: number) => z.number().int().min(1).max(max);

export const SentimentInput = z.object({ text: Text });
export const KeywordsInput = z.object({ text: Text, limit: PositiveInt(100).optional() });
export const SummaryInput = z.object({ text: Text, sentences: PositiveInt(50).optional() });
export const LanguageInput = z.object({
  text: Text,
  minLength: z.number().int().min(1).max(1000).optional(),
  only: z.array(z.string().regex(/^[a-z]{3}$/, 'must be an ISO 639-3 code such as "eng"')).optional(),
});
export const AnalyzeTextInput = z.object({
  text: Text,
  analyses: z.array(z.enum(TEXT_ANALYSES)).min(1).optional(),
  keywordLimit: PositiveInt(100).optional(),
  summarySentences: PositiveInt(50).optional(),
});
export const RelevanceInput = z.object({
  query: Text,
  documents: z.array(z.object({ id: z.string().min(1), text: z.string().max(MAX_TEXT_LENGTH) })).max(10_000),
  k1: z.number().min(0).max(10).optional(),
  b: z.number().min(0).max(1).optional(),
});
export const ExpandQueryInput = z.object({
  query: Text,
  documents: z.array(z.string().max(MAX_TEXT_LENGTH)).max(1000),
  terms: PositiveInt(50).optional(),
  minDocumentFrequency: PositiveInt(1000).optional(),
});
export const ComposeInput = z.object({
  topic: Text,
  snippets: z
    .array(z.object({ source: z.string().min(1), text: z.string().max(MAX_TEXT_LENGTH), title: z.string().optional() }))
    .refine((list) => list.some((s) => s.text.trim().length > 0), 'must contain at least one non-empty snippet'),
  sections: PositiveInt(10).optional(),
  pointsPerSection: PositiveInt(10).optional(),
});
export const FeedInput = z.object({ xml: Text, source: z.string().min(1).optional() });

export type SentimentInput = z.input<typeof SentimentInput>;
export type KeywordsInput = z.input<typeof KeywordsInput>;
export type SummaryInput = z.input<typeof SummaryInput>;
export type LanguageInput = z.input<typeof LanguageInput>;
export type AnalyzeTextInput = z.input<typeof AnalyzeTextInput>;
export type RelevanceInput = z.input<typeof RelevanceInput>;
export type ExpandQueryInput = z.input<typeof ExpandQueryInput>;
export type ComposeInput = z.input<typeof ComposeInput>;
export type FeedInput = z.input<typeof FeedInput>;

function parse<S extends z.ZodType>(activity: string, schema: S, raw: unknown): z.output<S> {
  const parsed = validate(schema, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(`${activity}: invalid input: ${parsed.message}`, 'InvalidInput');
  return parsed.value;
}

export function createTextActivities() {
  return {
    /** AFINN lexicon sentiment: label, normalised score −1…1, comparative, the words that counted. */
    async analyzeSentiment(input: SentimentInput): Promise<SentimentResult> {
      const { text } = parse('analyzeSentiment', SentimentInput, input);
      return (await textFunctions()).analyzeSentiment(text);
    },

    /** TextRank keywords and key phrases, stop words removed, scores 0…1. */
    async extractKeywords(input: KeywordsInput): Promise<KeywordResult> {
      const { text, limit } = parse('extractKeywords', KeywordsInput, input);
      return (await textFunctions()).extractKeywords(text, { limit });
    },

    /** TextRank extractive summary: the most central sentences in original order. */
    async summarize(input: SummaryInput): Promise<SummaryResult> {
      const { text, sentences } = parse('summarize', SummaryInput, input);
      return (await textFunctions()).summarize(text, { sentences });
    },

    /** franc language identification: ISO 639-3 code, English name, confidence; `und` for too-short text. */
    async detectLanguage(input: LanguageInput): Promise<LanguageResult> {
      const { text, minLength, only } = parse('detectLanguage', LanguageInput, input);
      return (await textFunctions()).detectLanguage(text, { minLength, only });
    },

    /** All four analyses (or the chosen ones) over one text. */
    async analyzeText(input: AnalyzeTextInput): Promise<TextAnalysisResult> {
      const { text, analyses, keywordLimit, summarySentences } = parse('analyzeText', AnalyzeTextInput, input);
      return (await textFunctions()).analyzeText(text, { analyses, keywordLimit, summarySentences });
    },

    /** BM25 ranking of documents for a query, best first, with normalised score and query-term coverage. */
    async rankByRelevance(input: RelevanceInput): Promise<RelevanceScore[]> {
      const { query, documents, k1, b } = parse('rankByRelevance', RelevanceInput, input);
      return (await textFunctions()).rankByRelevance(query, documents, { k1, b });
    },

    /** Pseudo-relevance feedback: expansion terms for a query from its top documents (RM1). */
    async expandQuery(input: ExpandQueryInput): Promise<QueryExpansion> {
      const { query, documents, terms, minDocumentFrequency } = parse('expandQuery', ExpandQueryInput, input);
      return (await textFunctions()).expandQuery(query, documents, { terms, minDocumentFrequency });
    },

    /** Extractive outline + draft from research snippets (blog generation without a language model). */
    async composeDraft(input: ComposeInput): Promise<ComposedDraft> {
      const { topic, snippets, sections, pointsPerSection } = parse('composeDraft', ComposeInput, input);
      return (await textFunctions()).composeDraft(topic, snippets, { sections, pointsPerSection });
    },

    /** RSS 2.0 / RSS 1.0 / Atom XML → plain feed items. */
    async parseFeed(input: FeedInput): Promise<ParsedFeed> {
      const { xml, source } = parse('parseFeed', FeedInput, input);
      const { parseFeed, FeedParseError } = await textFunctions();
      try {
        return parseFeed(xml, { source });
      } catch (err) {
        if (err instanceof FeedParseError) throw ApplicationFailure.nonRetryable(`parseFeed: ${err.message}`, 'InvalidFeed');
        throw err;
      }
    },
  };
}

export type TextActivities = ReturnType<typeof createTextActivities>;
