import { z } from 'zod';
import { FallbackRecord } from './blog-draft.js';

export const NEWS_CATEGORIES = ['technology', 'business', 'research', 'general'] as const;
export type NewsCategory = (typeof NEWS_CATEGORIES)[number];

/** A path inside the filesystem server's sandbox: relative, no `..`. */
const SandboxPath = (ext: RegExp, what: string) => z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'must be a relative path inside the sandbox (no "/" start, no "..")')
  .refine((p) => ext.test(p), `must be ${what}`);

export const NewsDigestInput = z.object({
  /** What the reader cares about; an article is relevant when it mentions any of these (BM25 over title, summary, categories). */
  interests: z
    .array(z.string({ error: 'must be a string' }).trim().min(2, 'must be at least 2 characters').max(100))
    .min(1, 'must list at least one interest')
    .max(20)
    .default(['AI', 'artificial intelligence', 'machine learning', 'language models']),
  /** Feed files in the sandbox; default every .xml / .rss / .atom file in `feeds/`. */
  feeds: z.array(SandboxPath(/\.(xml|rss|atom)$/i, 'an .xml, .rss or .atom file')).min(1, 'must list at least one feed').max(50).optional(),
  /** Keep articles whose relevance, normalised to the best article, is at least this (0 = any mention). */
  minRelevance: z.number().min(0).max(1).default(0),
  /** At most this many articles, most relevant first. */
  maxArticles: z.number().int().min(1).max(100).default(12),
  /** Sentences per summary. */
  summarySentences: z.number().int().min(1).max(5).default(2),
  /** `auto`: summaries by the language model when one is configured, else offline (TextRank); `offline`: never a model. */
  summariser: z.enum(['auto', 'offline']).default('auto'),
  title: z.string().trim().min(3, 'must be at least 3 characters').max(120).default('AI News Digest'),
  /** Where the newsletter goes in the sandbox; default `newsletters/<workflow id>.md`. */
  output: SandboxPath(/\.md$/i, 'a .md file').optional(),
});
export type NewsDigestInput = z.input<typeof NewsDigestInput>;

export const DigestArticle = z.object({
  title: z.string(),
  link: z.string(),
  source: z.string(),
  published: z.string().nullable(),
  category: z.enum(NEWS_CATEGORIES),
  relevance: z.number(),
  summary: z.string(),
  summarisedBy: z.enum(['llm', 'offline']),
});
export type DigestArticle = z.infer<typeof DigestArticle>;

export const NewsDigestResult = z.object({
  title: z.string(),
  /** The newsletter's path in the sandbox. */
  path: z.string(),
  date: z.string(),
  counts: z.object({
    feeds: z.number().int(),
    fetched: z.number().int(),
    relevant: z.number().int(),
    categorised: z.record(z.enum(NEWS_CATEGORIES), z.number().int()),
    summarised: z.number().int(),
  }),
  articles: z.array(DigestArticle),
  summariser: z.enum(['llm', 'offline', 'mixed']),
  model: z.string().optional(),
  fallback: FallbackRecord.optional(),
  markdown: z.string(),
});
export type NewsDigestResult = z.infer<typeof NewsDigestResult>;
