/**
 * Extractive composition: builds a blog-style outline and draft from research snippets without a language model
 * (the offline fallback of the blog-generation pipeline). Every sentence in the draft is taken from a snippet and
 * cited; nothing is invented except the headings (key phrases of the research) and one connecting sentence.
 *
 * 1. Split the prose of all snippets into sentences (marked for Markdown structure, wink-nlp for sentences),
 *    dropping repeated sentences and fragments with fewer than three terms.
 * 2. Score each sentence as ½ TextRank centrality across all snippets + ½ BM25 relevance to the topic (normalised);
 *    centrality alone when the topic matches nothing.
 * 3. Themes = the top keywords of the whole research (TextRank), skipping words of the topic and of earlier themes.
 *    Each theme becomes a section, headed by the most repeated key phrase containing the keyword (else the keyword).
 * 4. Introduction = the best sentence overall; each section takes its best sentences that mention the theme; the
 *    key takeaways are each section's lead sentence.
 */
import { analyse, analyseProse, isIndexTerm, type Sentence } from './nlp.js';
import { extractKeywords } from './keywords.js';
import { rankSentences } from './summarize.js';
import { bm25Weights } from './bm25.js';
import { round } from './graph.js';

export interface ResearchSnippet {
  /** Where the snippet came from (file path, URL, feed name); cited in the draft. */
  source: string;
  text: string;
  title?: string;
}

export interface ComposeOptions {
  /** Number of main sections; default 3. */
  sections?: number;
  /** Sentences per section; default 3. */
  pointsPerSection?: number;
}

export interface DraftPoint {
  text: string;
  /** 1-based index into `sources`. */
  citation: number;
  score: number;
}

export interface DraftSection {
  heading: string;
  /** The theme's stems, for tracing why a sentence landed here. */
  theme: string;
  points: DraftPoint[];
}

export interface ComposedDraft {
  title: string;
  introduction: DraftPoint[];
  sections: DraftSection[];
  conclusion: string;
  keyTakeaways: string[];
  sources: string[];
  /** Markdown outline: headings with one line per point. */
  outline: string;
  /** Markdown draft with numbered citations and a sources list. */
  draft: string;
  wordCount: number;
}

interface Candidate {
  sentence: Sentence;
  stems: Set<string>;
  citation: number;
  score: number;
}

function titleCase(text: string): string {
  return text.replace(/(^|\s)(\p{Ll})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

function listJoin(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function composeDraft(topic: string, snippets: ResearchSnippet[], { sections = 3, pointsPerSection = 3 }: ComposeOptions = {}): ComposedDraft {
  const sources: string[] = [];
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for (const snippet of snippets) {
    if (!snippet.text.trim()) continue;
    let citation = sources.indexOf(snippet.source) + 1;
    if (citation === 0) citation = sources.push(snippet.source);
    for (const sentence of analyseProse(snippet.text, { compounds: true })) {
      const key = sentence.text.toLowerCase().replace(/\s+/g, ' ');
      const stems = new Set(sentence.tokens.filter(isIndexTerm).map((t) => t.stem));
      // Skip repeats and fragments without content (headings like "Overview", bare list markers).
      if (seen.has(key) || stems.size < 3) continue;
      seen.add(key);
      candidates.push({ sentence, stems, citation, score: 0 });
    }
  }

  // Sentence score: centrality across all research + relevance to the topic.
  const centrality = rankSentences(candidates.map((c) => c.sentence));
  const topicStems = [...new Set(analyse(topic, { compounds: true }).flatMap((s) => s.tokens.filter(isIndexTerm).map((t) => t.stem)))];
  const weights = bm25Weights(candidates.map((c) => c.sentence.tokens.filter(isIndexTerm).map((t) => t.stem)));
  const relevance = weights.map((w) => topicStems.reduce((sum, s) => sum + (w[s] ?? 0), 0));
  const bestRelevance = Math.max(0, ...relevance);
  candidates.forEach((c, i) => {
    c.score = bestRelevance > 0 ? 0.5 * centrality[i] + 0.5 * (relevance[i] / bestRelevance) : centrality[i];
  });
  const byScore = [...candidates].sort((a, b) => b.score - a.score);

  // Themes: the top keywords of the whole research; a section is headed by the keyword's most repeated key phrase.
  const research = snippets.map((s) => s.text).join('\n\n');
  const { keywords, phrases } = extractKeywords(research, { limit: 30 });
  const phraseStems = phrases.map((p) => ({ ...p, stems: analyse(p.phrase, { compounds: true }).flatMap((s) => s.tokens.filter(isIndexTerm).map((t) => t.stem)) }));
  const used = new Set<Candidate>();
  const point = (c: Candidate): DraftPoint => ({ text: c.sentence.text, citation: c.citation, score: round(c.score) });

  const introduction = byScore.slice(0, Math.min(2, Math.max(1, Math.floor(byScore.length / 6)))).map((c) => {
    used.add(c);
    return point(c);
  });

  const built: DraftSection[] = [];
  const covered = new Set<string>(topicStems);
  for (const keyword of keywords) {
    if (built.length >= sections) break;
    if (covered.has(keyword.stem)) continue;
    const matches = byScore.filter((c) => !used.has(c) && c.stems.has(keyword.stem)).slice(0, pointsPerSection);
    if (matches.length === 0) continue;
    const phrase = phraseStems.find((p) => p.count > 1 && p.stems.includes(keyword.stem) && !p.stems.some((s) => s !== keyword.stem && covered.has(s) && !topicStems.includes(s)));
    const stems = phrase ? phrase.stems : [keyword.stem];
    stems.forEach((s) => covered.add(s));
    matches.forEach((c) => used.add(c));
    matches.sort((a, b) => a.citation - b.citation || a.sentence.index - b.sentence.index);
    built.push({ heading: titleCase(phrase ? phrase.phrase : keyword.term), theme: stems.join(' '), points: matches.map(point) });
  }

  const title = titleCase(topic.trim());
  const headings = built.map((s) => s.heading);
  const plural = sources.length === 1 ? 'source' : 'sources';
  const conclusion = headings.length > 0
    ? `This draft on ${topic.trim()} covered ${listJoin(headings)}, drawing on the ${sources.length} ${plural} listed below.`
    : `The ${sources.length} ${plural} listed below give the detail on ${topic.trim()}.`;
  const keyTakeaways = built.map((s) => s.points[0].text);

  const cite = (p: DraftPoint) => `${p.text} [${p.citation}]`;
  const outline = [
    `# ${title}`,
    '',
    '1. Introduction',
    ...introduction.map((p) => `   - ${p.text}`),
    ...built.flatMap((s, i) => [`${i + 2}. ${s.heading}`, ...s.points.map((p) => `   - ${p.text}`)]),
    `${built.length + 2}. Conclusion`,
    '   - Key takeaways',
  ].join('\n');
  const draft = [
    `# ${title}`,
    '',
    '## Introduction',
    '',
    introduction.map(cite).join(' '),
    '',
    ...built.flatMap((s) => [`## ${s.heading}`, '', s.points.map(cite).join(' '), '']),
    '## Conclusion',
    '',
    conclusion,
    '',
    ...(keyTakeaways.length > 0 ? ['### Key takeaways', '', ...keyTakeaways.map((t) => `- ${t}`), ''] : []),
    '## Sources',
    '',
    ...sources.map((s, i) => `${i + 1}. ${s}`),
    '',
  ].join('\n');
  const wordCount = draft.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
  return { title, introduction, sections: built, conclusion, keyTakeaways, sources, outline, draft, wordCount };
}
