/**
 * Keyword and key-phrase extraction with TextRank (Mihalcea & Tarau, 2004) over wink-nlp tokens.
 *
 * 1. Candidates are nouns, proper nouns and adjectives that are not stop words (wink-nlp POS tags and stop-word
 *    list), grouped by Porter2 stem so "payments" and "payment" are one term. Hyphenated compounds stay whole
 *    ("fraud-scoring").
 * 2. A co-occurrence graph links candidates that appear within `window` candidates of each other in a sentence.
 * 3. Weighted PageRank ranks the terms; scores are divided by the top score (top term = 1).
 * 4. Key phrases are runs of adjacent candidates in the text (2–3 words, e.g. "durable execution"); a phrase scores
 *    the sum of its words' scores times (1 + ln count), so a repeated phrase outranks a one-off pairing, again
 *    divided by the top phrase.
 */
import { analyse, isAcronym, isKeywordCandidate, joinTokens, SurfaceForms, type Token } from './nlp.js';
import { pageRank, round } from './graph.js';

export interface Keyword {
  /** Readable form (lemma for common nouns, as written for proper nouns). */
  term: string;
  /** Stem used for matching. */
  stem: string;
  /** 0…1, top keyword = 1. */
  score: number;
  /** Occurrences in the text. */
  count: number;
}

export interface KeyPhrase {
  phrase: string;
  score: number;
  count: number;
}

export interface KeywordResult {
  keywords: Keyword[];
  phrases: KeyPhrase[];
}

export interface KeywordOptions {
  /** Maximum keywords (and phrases) returned; default 10. */
  limit?: number;
  /** Co-occurrence window in candidate words; default 3. */
  window?: number;
}

/** A phrase as written, lower-cased except for acronyms and proper nouns ("API keys", "Temporal workflows"). */
function phraseText(words: Token[]): string {
  const kept = words.map((t) => ({ ...t, value: isAcronym(t.value) || t.pos === 'PROPN' ? t.value : t.value.toLowerCase() }));
  return joinTokens(kept);
}

export function extractKeywords(text: string, { limit = 10, window = 3 }: KeywordOptions = {}): KeywordResult {
  const sentences = analyse(text, { compounds: true });
  const forms = new SurfaceForms();
  const index = new Map<string, number>();
  const counts: number[] = [];
  const edges: Array<Map<number, number>> = [];
  const node = (token: Token) => {
    forms.add(token);
    let i = index.get(token.stem);
    if (i === undefined) {
      i = index.size;
      index.set(token.stem, i);
      counts.push(0);
      edges.push(new Map());
    }
    counts[i]++;
    return i;
  };
  const link = (a: number, b: number) => {
    if (a === b) return;
    edges[a].set(b, (edges[a].get(b) ?? 0) + 1);
    edges[b].set(a, (edges[b].get(a) ?? 0) + 1);
  };

  const phraseRuns: Token[][] = [];
  for (const sentence of sentences) {
    const sequence: number[] = [];
    let run: Token[] = [];
    for (const token of sentence.tokens) {
      if (isKeywordCandidate(token)) {
        sequence.push(node(token));
        run.push(token);
      } else {
        if (run.length >= 2) phraseRuns.push(run);
        run = [];
      }
    }
    if (run.length >= 2) phraseRuns.push(run);
    for (let i = 0; i < sequence.length; i++) {
      for (let j = i + 1; j < Math.min(sequence.length, i + window); j++) link(sequence[i], sequence[j]);
    }
  }

  const rank = pageRank(edges);
  const stems = [...index.keys()];
  const top = Math.max(0, ...rank);
  const byStem = new Map(stems.map((stem, i) => [stem, top > 0 ? rank[i] / top : 0]));
  const keywords: Keyword[] = stems
    .map((stem, i) => ({ term: forms.of(stem), stem, score: byStem.get(stem) ?? 0, count: counts[i] }))
    .sort((a, b) => b.score - a.score || b.count - a.count || a.term.localeCompare(b.term))
    .slice(0, limit)
    .map((k) => ({ ...k, score: round(k.score) }));

  // Phrases: every 2–3-token window of a run, keyed by its stems so inflections merge.
  const phraseStats = new Map<string, { phrase: string; score: number; count: number }>();
  for (const run of phraseRuns) {
    for (let size = 2; size <= 3; size++) {
      for (let start = 0; start + size <= run.length; start++) {
        const words = run.slice(start, start + size);
        const key = words.map((t) => t.stem).join(' ');
        const stat = phraseStats.get(key);
        if (stat) stat.count++;
        else {
          const score = words.reduce((sum, t) => sum + (byStem.get(t.stem) ?? 0), 0);
          phraseStats.set(key, { phrase: phraseText(words), score, count: 1 });
        }
      }
    }
  }
  const phraseList = [...phraseStats.values()]
    // A three-word phrase seen once is usually an accident of adjacency; keep it only if it repeats.
    .filter((p) => p.phrase.split(/\s+/).length === 2 || p.count > 1)
    .map((p) => ({ ...p, score: p.score * (1 + Math.log(p.count)) }))
    .sort((a, b) => b.score - a.score || b.count - a.count || a.phrase.localeCompare(b.phrase));
  const topPhrase = phraseList[0]?.score ?? 0;
  const phrases = phraseList
    .slice(0, limit)
    .map((p) => ({ phrase: p.phrase, score: round(topPhrase > 0 ? p.score / topPhrase : 0), count: p.count }));

  return { keywords, phrases };
}
