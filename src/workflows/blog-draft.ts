/**
 * Blog generation (seed 001): research → outline → draft → review, as a sequential pipeline.
 *
 * Research searches the store's knowledge base and reads the documents found. The text is written by a language model
 * when one is configured (an OpenAI-compatible endpoint in the worker's environment, see src/activities/llm.ts), and
 * otherwise by the offline extractive composer, which builds the outline and the draft from sentences of the research
 * and cites them. Generation retries with exponential backoff by policy; when the retries are exhausted the remaining
 * stages fall back to the offline composer and the result records where and why. The review always checks the final
 * text (length, headings, citations, how much of the topic it covers); with a model it also revises it.
 */
import { BlogDraftInput, type BlogDraftResult } from '../schemas/blog-draft.js';
import type { ComposedDraft, ResearchSnippet } from '../text/index.js';
import { Fallback, type Ran } from './support/fallback.js';
import { parseInput } from './support/input.js';
import { textActivities as text } from './support/text-analysis.js';
import { generateText, LLM_NOT_CONFIGURED } from './support/llm.js';
import { ProgressReporter } from './support/progress.js';
import { store } from './support/tools.js';
import { businessFailure } from '../shared/business-failure.js';


const WRITER = 'You are a careful technical writer. Use only facts from the research notes you are given, and cite them '
  + 'with their bracketed numbers, e.g. [2]. Write Markdown.';

interface SearchHit { id: string; title: string }
interface StoredDocument { id: string; title: string; body: string }

export async function blogDraft(raw: BlogDraftInput): Promise<BlogDraftResult> {
  const input = parseInput(BlogDraftInput, raw);
  const progress = new ProgressReporter('blogDraft');
  const stage = (done: number, step: string) => progress.update({ step, done, total: 4 });
  const generation = new Fallback({ notConfigured: [LLM_NOT_CONFIGURED], primaryEnabled: input.generator !== 'offline' });
  let model: string | undefined;
  const byLlm = async (summary: string, prompt: string, maxTokens: number): Promise<string> => {
    const answer = await generateText(summary, { system: WRITER, prompt, maxTokens, temperature: 0.4 });
    model = answer.model;
    return answer.text;
  };

  // 1. Research.
  stage(0, `researching "${input.topic}"`);
  const found = await store<{ results: SearchHit[] }>('search_documents',
    { query: input.topic, limit: input.researchLimit, ...(input.tag ? { tag: input.tag } : {}) }, { readOnly: true });
  if (found.results.length === 0) {
    progress.update({ step: 'no research found', state: 'failed', outcome: 'no_research' });
    throw businessFailure({ type: 'NoResearchFound', message: `no document in the knowledge base matches "${input.topic}"` });
  }
  const documents = await Promise.all(found.results.map((hit) =>
    store<{ document: StoredDocument }>('get_document', { id: hit.id }, { readOnly: true }).then((r) => r.document)));
  const snippets: ResearchSnippet[] = documents.map((d) => ({ source: `${d.title} (${d.id})`, title: d.title, text: d.body }));
  const notes = snippets.map((s, i) => `[${i + 1}] ${s.title}: ${s.text}`).join('\n\n');
  let composed: ComposedDraft | undefined;
  const offline = async () => (composed ??= await text.composeDraft({ topic: input.topic, snippets, sections: input.sections }));

  // 2. Outline.
  stage(1, `outlining from ${documents.length} documents`);
  const outline = await generation.run('outline',
    () => byLlm('outline the post', `Write a Markdown outline for a blog post about "${input.topic}"${audience(input.audience)}: `
      + `a title, an introduction, ${input.sections} main sections with 2–3 bullet points each, and a conclusion with key `
      + `takeaways. Research notes:\n\n${notes}`, 800),
    async () => (await offline()).outline);

  // 3. Draft.
  stage(2, `drafting (${by(outline)})`);
  const draft = await generation.run('draft',
    () => byLlm('draft the post', `Write the blog post about "${input.topic}"${audience(input.audience)} following this outline:\n\n`
      + `${outline.value}\n\nEnd with a "Sources" list of the notes you cited. Research notes:\n\n${notes}`, 2000),
    async () => (await offline()).draft);

  // 4. Review: a model revises; the checks run on whatever text results.
  stage(3, `reviewing (${by(draft)})`);
  const reviewed = await generation.run('review',
    () => byLlm('review the post', 'Review and improve this blog post: fix grammar, tighten the wording and improve the flow. '
      + 'Keep its structure, its facts and every citation. Answer with the full revised post only.\n\n' + draft.value, 2000),
    async () => draft.value);
  const post = reviewed.value;
  const [coverage] = await text.rankByRelevance({ query: input.topic, documents: [{ id: 'post', text: post }] });
  const review = checkPost(post, coverage?.coverage ?? 0, reviewed.by === 'primary');

  const stages = { outline: generator(outline), draft: generator(draft), review: generator(reviewed) };
  const producedBy = generation.producedBy;
  const result: BlogDraftResult = {
    topic: input.topic,
    title: titleOf(post) ?? input.topic,
    outline: outline.value,
    post,
    generator: producedBy === 'primary' ? 'llm' : producedBy === 'fallback' ? 'offline' : 'mixed',
    stages,
    ...(model && producedBy !== 'fallback' ? { model } : {}),
    ...(generation.failure ? { fallback: generation.failure } : {}),
    research: documents.map((d) => ({ id: d.id, title: d.title })),
    review,
  };
  progress.update({
    step: `drafted by ${result.generator}: ${review.wordCount} words, ${review.citations} citations`
      + (result.fallback ? ` (fell back at ${result.fallback.stage}: ${result.fallback.errorType})` : ''),
    done: 4,
    state: 'completed',
    outcome: result.fallback ? 'fell_back' : 'completed',
    details: { generator: result.generator, stages, fallback: result.fallback ?? null, research: result.research.length },
  });
  return result;
}

function audience(who: string | undefined): string {
  return who ? ` for ${who}` : '';
}

function generator(ran: Ran<string>): 'llm' | 'offline' {
  return ran.by === 'primary' ? 'llm' : 'offline';
}

function by(ran: Ran<string>): string {
  return ran.by === 'primary' ? 'language model' : 'offline composer';
}

function titleOf(markdown: string): string | undefined {
  return /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim();
}

/** The review's checks, on the final text. */
function checkPost(post: string, topicCoverage: number, revisedByModel: boolean): BlogDraftResult['review'] {
  const wordCount = post.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
  const headings = (post.match(/^#{1,6}\s+\S/gm) ?? []).length;
  const citations = (post.match(/\[\d+\]/g) ?? []).length;
  const notes = [
    revisedByModel ? 'revised by the language model' : 'not revised: offline review checks only',
    wordCount >= 150 ? `${wordCount} words` : `short: ${wordCount} words (under 150)`,
    headings >= 3 ? `${headings} headings` : `few headings: ${headings}`,
    citations > 0 ? `${citations} citations` : 'no citations of the research',
    topicCoverage >= 1 ? 'covers every word of the topic' : `covers ${Math.round(topicCoverage * 100)}% of the topic's words`,
  ];
  return { wordCount, headings, citations, topicCoverage, notes };
}
