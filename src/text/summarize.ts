/**
 * Extractive summarisation with TextRank over sentences (Mihalcea & Tarau, 2004):
 * Markdown structure is read first (`proseBlocks`: tables, code and headings are not sentences to quote);
 * wink-nlp splits the prose into sentences and tokenises them; each sentence becomes a BM25-weighted bag of stems (sentences are
 * the "documents", so words that appear everywhere weigh little); sentences are linked by the cosine similarity of
 * those bags; weighted PageRank scores their centrality. The top sentences are returned in their original order.
 */
import { analyseProse, isIndexTerm, type Sentence } from './nlp.js';
import { bm25Weights, cosine } from './bm25.js';
import { pageRank, round } from './graph.js';

export interface SummarySentence {
  /** Position of the sentence in the text (0-based). */
  index: number;
  text: string;
  /** TextRank centrality, top sentence = 1. */
  score: number;
}

export interface SummaryResult {
  /** The chosen sentences joined with spaces, in original order. */
  summary: string;
  sentences: SummarySentence[];
  totalSentences: number;
  /** Chosen sentences / total sentences. */
  ratio: number;
}

export interface SummaryOptions {
  /** Sentences to keep; default: a third of the text, at least 1 and at most 5. */
  sentences?: number;
}

export function defaultSummaryLength(total: number): number {
  return Math.max(1, Math.min(5, Math.round(total / 3)));
}

/** TextRank centrality of each sentence, scaled so the most central is 1. */
export function rankSentences(sentences: Sentence[]): number[] {
  const bows = bm25Weights(sentences.map((s) => s.tokens.filter(isIndexTerm).map((t) => t.stem)));
  const edges = bows.map(() => new Map<number, number>());
  for (let i = 0; i < bows.length; i++) {
    for (let j = i + 1; j < bows.length; j++) {
      const sim = cosine(bows[i], bows[j]);
      if (sim > 0) {
        edges[i].set(j, sim);
        edges[j].set(i, sim);
      }
    }
  }
  const rank = pageRank(edges);
  const top = Math.max(0, ...rank);
  return rank.map((r) => (top > 0 ? r / top : 0));
}

export function summarize(text: string, options: SummaryOptions = {}): SummaryResult {
  return summarizeSentences(analyseProse(text), options);
}

export function summarizeSentences(sentences: Sentence[], { sentences: wanted }: SummaryOptions = {}): SummaryResult {
  const total = sentences.length;
  if (total === 0) return { summary: '', sentences: [], totalSentences: 0, ratio: 0 };
  const count = Math.min(total, Math.max(1, Math.floor(wanted ?? defaultSummaryLength(total))));
  const scores = rankSentences(sentences);
  const chosen = sentences
    .map((s, i) => ({ index: s.index, text: s.text, score: scores[i] }))
    // Highest centrality first; on a tie the earlier sentence (leads tend to carry the point).
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, count)
    .sort((a, b) => a.index - b.index)
    .map((s) => ({ ...s, score: round(s.score) }));
  return {
    summary: chosen.map((s) => s.text).join(' '),
    sentences: chosen,
    totalSentences: total,
    ratio: round(count / total),
  };
}
