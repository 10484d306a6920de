import { z } from 'zod';

/** Which method produced a stage's text: a language model, or the offline extractive composer. */
export const GENERATORS = ['llm', 'offline'] as const;

export const FallbackRecord = z.object({
  stage: z.string(),
  reason: z.enum(['not_configured', 'retries_exhausted', 'failed']),
  errorType: z.string(),
  message: z.string(),
});

export const BlogDraftInput = z.object({
  /** What the post is about; like the seed's ingestion step, empty or under 10 characters is rejected. */
  topic: z.string({ error: 'must be a string' }).trim().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters'),
  /** Who it is written for (steers the language model's tone; the offline composer ignores it). */
  audience: z.string().trim().min(1).max(100).optional(),
  /** Main sections of the outline. */
  sections: z.number().int().min(1).max(6).default(3),
  /** Documents to research (store search results). */
  researchLimit: z.number().int().min(1).max(20).default(6),
  /** Research only documents with this tag. */
  tag: z.string().trim().min(1).max(80).optional(),
  /** `auto`: the language model when one is configured, else offline; `offline`: never call a model. */
  generator: z.enum(['auto', 'offline']).default('auto'),
});
export type BlogDraftInput = z.input<typeof BlogDraftInput>;

export const BlogReview = z.object({
  wordCount: z.number().int(),
  headings: z.number().int(),
  citations: z.number().int(),
  /** Share of the topic's content words the final text mentions (0–1). */
  topicCoverage: z.number(),
  notes: z.array(z.string()),
});

export const BlogDraftResult = z.object({
  topic: z.string(),
  title: z.string(),
  outline: z.string(),
  /** The reviewed post, Markdown. */
  post: z.string(),
  /** `llm`, `offline`, or `mixed` when the model failed part-way and the rest fell back. */
  generator: z.enum(['llm', 'offline', 'mixed']),
  stages: z.object({ outline: z.enum(GENERATORS), draft: z.enum(GENERATORS), review: z.enum(GENERATORS) }),
  /** The model that wrote the LLM stages. */
  model: z.string().optional(),
  /** Why the offline composer took over, when it did. */
  fallback: FallbackRecord.optional(),
  research: z.array(z.object({ id: z.string(), title: z.string() })),
  review: BlogReview,
});
export type BlogDraftResult = z.infer<typeof BlogDraftResult>;
