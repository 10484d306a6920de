import { z } from 'zod';

/** Why the loop stopped. */
export const REFINE_STOP_REASONS = ['quality_met', 'max_iterations', 'no_refinement'] as const;
export type RefineStopReason = (typeof REFINE_STOP_REASONS)[number];

export const RefineUntilQualityInput = z.object({
  /** The original intent: what the person is looking for. Quality is always judged against it. */
  query: z
    .string({ error: 'must be a string' })
    .trim()
    .min(3, 'must be at least 3 characters')
    .max(500, 'must be at most 500 characters')
    .refine((q) => /[\p{L}\p{N}]{2,}/u.test(q), 'must contain at least one word'),
  /** Stop once the quality reaches this (seed default 0.8). */
  targetQuality: z.number().min(0.05).max(1).default(0.8),
  /** Stop after this many searches (seed default 5). */
  maxIterations: z.number().int().min(1).max(50).default(5),
  /** How many top results are judged and returned. */
  topK: z.number().int().min(1).max(20).default(5),
  /** How many results each search retrieves; the ones past topK still feed the refinement. */
  searchLimit: z.number().int().min(1).max(50).default(10),
  /** Expansion terms added per refinement. */
  termsPerIteration: z.number().int().min(1).max(10).default(2),
  /** Only search documents with this tag. */
  tag: z.string().trim().min(1).max(80).optional(),
  /** Iterations per workflow run before continuing as new (history stays bounded). */
  iterationsPerRun: z.number().int().min(1).max(50).default(3),
}).refine((i) => i.searchLimit >= i.topK, { path: ['searchLimit'], message: 'must be at least topK' });
export type RefineUntilQualityInput = z.input<typeof RefineUntilQualityInput>;
export type RefineUntilQualityParams = z.output<typeof RefineUntilQualityInput>;

/** One judged search. `aspects` counts, per term of the original query, the top-k results that mention it. */
export const RefineIteration = z.object({
  iteration: z.number().int(),
  query: z.string(),
  quality: z.number(),
  aspects: z.record(z.string(), z.number().int()),
  /** The top-k result ids, best first. */
  topIds: z.array(z.string()),
  /** Terms this refinement added to the query it started from (empty for the first search). */
  addedTerms: z.array(z.string()),
});
export type RefineIteration = z.infer<typeof RefineIteration>;

export const RefinedResult = z.object({
  id: z.string(),
  title: z.string(),
  rank: z.number().int(),
  /** The store's FTS5 score for the query that found it (−bm25, higher is better). */
  score: z.number(),
  /** Terms of the original query the document mentions. */
  matchedTerms: z.array(z.string()),
  snippet: z.string(),
});
export type RefinedResult = z.infer<typeof RefinedResult>;

export const RefineUntilQualityResult = z.object({
  query: z.string(),
  /** The query whose results are returned: the best iteration's. */
  finalQuery: z.string(),
  stopReason: z.enum(REFINE_STOP_REASONS),
  quality: z.number(),
  targetQuality: z.number(),
  /** The iteration whose results are returned. */
  bestIteration: z.number().int(),
  iterations: z.array(RefineIteration),
  results: z.array(RefinedResult),
  /** Workflow runs the loop took (1 + continue-as-new count). */
  runs: z.number().int(),
  /** How quality is measured, in words. */
  qualityMeasure: z.string(),
});
export type RefineUntilQualityResult = z.infer<typeof RefineUntilQualityResult>;
