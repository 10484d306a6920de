/**
 * Thin typed access to wink-nlp's BM25 vectorizer and similarity utilities. wink-nlp ships them as CommonJS files
 * without an `exports` map, so they are loaded with `createRequire`; the types come from wink-nlp's declarations.
 */
import { createRequire } from 'node:module';
import type bm25VectorizerFn from 'wink-nlp/utilities/bm25-vectorizer';
import type { Bow } from 'wink-nlp';
import type similarityHelper from 'wink-nlp/utilities/similarity';
import { nlp } from './nlp.js';

const require = createRequire(import.meta.url);
const bm25Vectorizer = require('wink-nlp/utilities/bm25-vectorizer') as typeof bm25VectorizerFn;
export const similarity = require('wink-nlp/utilities/similarity') as typeof similarityHelper;

export interface Bm25Parameters {
  /** Term-frequency saturation; default 1.2. */
  k1?: number;
  /** Length normalisation; default 0.75. */
  b?: number;
}

/**
 * Fits BM25 over `documents` (each a list of terms) and returns each document's term weights:
 * `idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl))` with `idf(t) = ln(1 + (N − n + 0.5)/(n + 0.5))`
 * (the non-negative idf used by Lucene). Summing a document's weights over the query terms gives its BM25 score.
 */
export function bm25Weights(documents: string[][], { k1 = 1.2, b = 0.75 }: Bm25Parameters = {}): Bow[] {
  if (documents.length === 0) return [];
  const vectorizer = bm25Vectorizer({ k: 1, k1, b, norm: 'none' });
  // wink-nlp refuses an empty corpus vocabulary; a placeholder term keeps empty documents representable.
  for (const terms of documents) vectorizer.learn(terms.length > 0 ? terms : ['\u0000']);
  return documents.map((terms, i) => {
    // Typed as returning a Document; for the BM25 vectorizer `doc(i).out(its.bow)` is the document's term weights.
    const bow = { ...(vectorizer.doc(i).out(nlp().its.bow) as unknown as Bow) };
    if (terms.length === 0) delete bow['\u0000'];
    return bow;
  });
}

export function cosine(a: Bow, b: Bow): number {
  if (Object.keys(a).length === 0 || Object.keys(b).length === 0) return 0;
  return similarity.bow.cosine(a, b);
}
