/**
 * Relevance scoring and pseudo-relevance feedback, for search → evaluate → refine loops.
 *
 * Terms are wink-nlp tokens that are content words or numbers, matched by Porter2 stem ("refunds" finds "refund").
 *
 * - `rankByRelevance` scores documents against a query with Okapi BM25 (k1 = 1.2, b = 0.75, idf over the documents
 *   given, via wink-nlp's BM25 vectorizer). BM25 is unbounded, so each result also carries `normalizedScore`
 *   (score / best score in the set) and `coverage` (share of the distinct query terms the document contains), both
 *   0…1; `coverage` does not depend on the other documents, which makes it a stable quality signal.
 * - `expandQuery` proposes expansion terms from the top documents with the RM1 relevance model (Lavrenko & Croft,
 *   2001): `P(w|R) ∝ Σ_D P(w|D) · P(Q|D)`, where `P(w|D)` is the term's share of the document's terms and `P(Q|D)`
 *   the document's BM25 score for the query, normalised over the feedback documents (uniform when none match).
 *   Candidates are nouns, proper nouns and adjectives that are not stop words and not already in the query.
 */
import { analyse, indexTerms, isIndexTerm, isKeywordCandidate, SurfaceForms } from './nlp.js';
import { bm25Weights, type Bm25Parameters } from './bm25.js';
import { round } from './graph.js';

export interface RelevanceDocument {
  id: string;
  text: string;
}

export interface RelevanceScore {
  id: string;
  /** Okapi BM25 score (unbounded, comparable within one call). */
  score: number;
  /** score / highest score in this set (0 when nothing matched). */
  normalizedScore: number;
  /** Distinct query terms found in the document / distinct query terms. */
  coverage: number;
  /** The query terms the document contains, as written in the query. */
  matchedTerms: string[];
}

interface QueryTerms {
  stems: string[];
  forms: SurfaceForms;
}

function queryTerms(query: string): QueryTerms {
  const forms = new SurfaceForms();
  const stems: string[] = [];
  for (const sentence of analyse(query)) {
    for (const token of sentence.tokens) {
      if (!isIndexTerm(token)) continue;
      forms.add(token);
      if (!stems.includes(token.stem)) stems.push(token.stem);
    }
  }
  return { stems, forms };
}

/** Scores every document for `query`, best first (ties keep the input order). */
export function rankByRelevance(query: string, documents: RelevanceDocument[], parameters: Bm25Parameters = {}): RelevanceScore[] {
  const { stems, forms } = queryTerms(query);
  const weights = bm25Weights(documents.map((d) => indexTerms(d.text)), parameters);
  const scored = documents.map((doc, i) => {
    const matched = stems.filter((s) => weights[i][s] !== undefined);
    const score = matched.reduce((sum, s) => sum + weights[i][s], 0);
    return { id: doc.id, score, coverage: stems.length > 0 ? matched.length / stems.length : 0, matchedTerms: matched.map((s) => forms.of(s)), order: i };
  });
  const best = Math.max(0, ...scored.map((s) => s.score));
  return scored
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ order: _order, ...s }) => ({
      ...s,
      score: round(s.score),
      normalizedScore: round(best > 0 ? s.score / best : 0),
      coverage: round(s.coverage),
    }));
}

export interface ExpansionTerm {
  term: string;
  stem: string;
  /** Relevance-model weight, top term = 1. */
  weight: number;
  /** How many feedback documents contain the term. */
  documentFrequency: number;
}

export interface QueryExpansion {
  /** The original query followed by the expansion terms. */
  expandedQuery: string;
  terms: ExpansionTerm[];
}

export interface ExpansionOptions {
  /** Expansion terms to propose; default 5. */
  terms?: number;
  /** Only propose terms found in at least this many feedback documents; default 1. */
  minDocumentFrequency?: number;
}

/** Proposes terms to add to `query`, learned from the top-ranked documents of a previous search. */
export function expandQuery(query: string, feedbackDocuments: string[], { terms = 5, minDocumentFrequency = 1 }: ExpansionOptions = {}): QueryExpansion {
  const { stems: queryStems } = queryTerms(query);
  const exclude = new Set(queryStems);
  const docs = feedbackDocuments.filter((d) => d.trim().length > 0).map((d, i) => ({ id: String(i), text: d }));
  if (docs.length === 0 || terms <= 0) return { expandedQuery: query.trim(), terms: [] };

  // P(Q|D): BM25 of each feedback document for the query, normalised over the set.
  const ranked = rankByRelevance(query, docs);
  const total = ranked.reduce((sum, r) => sum + r.score, 0);
  const docWeight = new Map(ranked.map((r) => [r.id, total > 0 ? r.score / total : 1 / docs.length]));

  const forms = new SurfaceForms();
  const model = new Map<string, { weight: number; df: number }>();
  for (const doc of docs) {
    const tokens = analyse(doc.text).flatMap((s) => s.tokens);
    const length = tokens.filter(isIndexTerm).length;
    if (length === 0) continue;
    const counts = new Map<string, number>();
    for (const token of tokens) {
      if (!isKeywordCandidate(token) || exclude.has(token.stem)) continue;
      forms.add(token);
      counts.set(token.stem, (counts.get(token.stem) ?? 0) + 1);
    }
    const pqd = docWeight.get(doc.id) ?? 0;
    for (const [stem, count] of counts) {
      const entry = model.get(stem) ?? { weight: 0, df: 0 };
      entry.weight += (count / length) * pqd;
      entry.df += 1;
      model.set(stem, entry);
    }
  }

  const ranking = [...model.entries()]
    .filter(([, e]) => e.df >= minDocumentFrequency && e.weight > 0)
    .sort((a, b) => b[1].weight - a[1].weight || b[1].df - a[1].df || a[0].localeCompare(b[0]))
    .slice(0, terms);
  const top = ranking[0]?.[1].weight ?? 0;
  const proposed = ranking.map(([stem, e]) => ({ term: forms.of(stem), stem, weight: round(top > 0 ? e.weight / top : 0), documentFrequency: e.df }));
  return { expandedQuery: [query.trim(), ...proposed.map((t) => t.term)].join(' '), terms: proposed };
}
