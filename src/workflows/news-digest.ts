/**
 * News aggregation (seed 001) as a sequential pipeline: fetch → filter → categorise → summarise → newsletter.
 *
 * - Fetch: the feed files are read through the filesystem MCP server (every feed in `feeds/` unless listed) and parsed
 *   (RSS 2.0, RSS 1.0, Atom) with fast-xml-parser.
 * - Filter: an article is relevant when its title, summary or categories mention one of the reader's interests (Okapi
 *   BM25 over the fetched articles); the most relevant `maxArticles` are kept.
 * - Categorise: technology, business, research, or general, by the BM25 score of the article against each category's
 *   vocabulary (below); an article that matches none is general. The feed it came from does not decide.
 * - Summarise: a language model when one is configured, else TextRank (offline). Summaries retry by policy; once the
 *   model's retries are exhausted, this and every later article are summarised offline and the fallback is recorded.
 * - Newsletter: Markdown by category, written back through the filesystem server (same content, same file).
 *
 * Each stage's counts show in the run's current details (Web UI) and the `progress` query.
 */
import { workflowInfo } from '@temporalio/workflow';
import {
  NEWS_CATEGORIES,
  NewsDigestInput,
  type DigestArticle,
  type NewsCategory,
  type NewsDigestResult,
} from '../schemas/news-digest.js';
import type { FeedItem, ParsedFeed } from '../text/index.js';
import { Fallback } from './support/fallback.js';
import { parseInput } from './support/input.js';
import { textActivities as text } from './support/text-analysis.js';
import { generateText, LLM_NOT_CONFIGURED } from './support/llm.js';
import { ProgressReporter } from './support/progress.js';
import { callTool, toolText } from './support/tools.js';
import { businessFailure } from '../shared/business-failure.js';


/** Each category's vocabulary, matched by stem with BM25 (the seed matched a few title words). */
export const CATEGORY_VOCABULARY: Record<Exclude<NewsCategory, 'general'>, string> = {
  technology: 'software developer developers tools programming code open-source database databases cloud infrastructure '
    + 'security browser kubernetes api release chip chipmaker hardware devices app javascript node accelerator passkeys',
  business: 'market markets revenue funding investors investment payments retail retailers company companies acquisition '
    + 'takeover startup startups venture capital shares profit sales earnings bank merchants economy prices pricing quarter',
  research: 'research researchers study studies paper university scientists findings experiment randomised dataset journal '
    + 'science clinical benchmark measurement survey analysis preprint',
};

const FEED_DIRECTORY = 'feeds';

interface Article extends FeedItem {
  relevance: number;
  category?: NewsCategory;
  digest?: string;
  summarisedBy?: 'llm' | 'offline';
}

export async function newsDigest(raw: NewsDigestInput): Promise<NewsDigestResult> {
  const input = parseInput(NewsDigestInput, raw);
  const progress = new ProgressReporter('newsDigest');
  const counts: Record<string, unknown> = {};
  const done: string[] = [];
  const stage = (n: number, step: string, recorded?: { line: string; counts: Record<string, unknown> }) => {
    if (recorded) {
      done.push(recorded.line);
      Object.assign(counts, recorded.counts);
    }
    progress.update({ step: [step, ...done].join(' · '), done: n, total: 5, details: { counts: { ...counts } } });
  };

  // 1. Fetch.
  stage(0, 'fetching feeds');
  const paths = input.feeds ?? await feedFiles();
  const feeds = await Promise.all(paths.map(readFeed));
  const fetched: FeedItem[] = uniqueArticles(feeds.flatMap((f) => f.items));
  stage(1, 'filtering', { line: `fetched ${fetched.length} from ${feeds.length} feeds`, counts: { feeds: feeds.length, fetched: fetched.length } });

  // 2. Filter by relevance to the interests.
  const interests = input.interests.join(' ');
  const ranked = fetched.length === 0 ? [] : await text.rankByRelevance.executeWithOptions(
    { summary: `rank ${fetched.length} articles for "${interests.slice(0, 60)}"` },
    [{ query: interests, documents: fetched.map((a, i) => ({ id: String(i), text: articleText(a) })) }],
  );
  const relevant: Article[] = ranked
    .filter((r) => r.score > 0 && r.normalizedScore >= input.minRelevance)
    .slice(0, input.maxArticles)
    .map((r) => ({ ...fetched[Number(r.id)], relevance: r.normalizedScore }));
  stage(2, 'categorising', { line: `relevant ${relevant.length}`, counts: { relevant: relevant.length } });

  // 3. Categorise.
  if (relevant.length > 0) {
    const documents = relevant.map((a, i) => ({ id: String(i), text: articleText(a) }));
    const scores = await Promise.all(Object.entries(CATEGORY_VOCABULARY).map(async ([category, vocabulary]) => {
      const byArticle = await text.rankByRelevance.executeWithOptions({ summary: `score ${relevant.length} articles as ${category}` },
        [{ query: vocabulary, documents }]);
      return { category: category as NewsCategory, score: new Map(byArticle.map((s) => [Number(s.id), s.score])) };
    }));
    relevant.forEach((article, i) => {
      const best = scores.reduce((a, b) => ((b.score.get(i) ?? 0) > (a.score.get(i) ?? 0) ? b : a));
      article.category = (best.score.get(i) ?? 0) > 0 ? best.category : 'general';
    });
  }
  const categorised = Object.fromEntries(NEWS_CATEGORIES.map((c) => [c, relevant.filter((a) => a.category === c).length])) as Record<NewsCategory, number>;
  stage(3, 'summarising', {
    line: NEWS_CATEGORIES.map((c) => `${c} ${categorised[c]}`).join(' / '),
    counts: { categorised },
  });

  // 4. Summarise: the language model with retries, then TextRank.
  const summaries = new Fallback({ notConfigured: [LLM_NOT_CONFIGURED], primaryEnabled: input.summariser === 'auto' });
  let model: string | undefined;
  for (const [i, article] of relevant.entries()) {
    const ran = await summaries.run(`summary of "${article.title}"`,
      async () => {
        const answer = await generateText(`summarise article ${i + 1}/${relevant.length}`, {
          system: 'You summarise news articles for a newsletter. Answer with the summary only, no preamble.',
          prompt: `Summarise this article in at most ${input.summarySentences} sentences.\n\nTitle: ${article.title}\nSource: ${article.source}\n\n${article.summary}`,
          maxTokens: 200,
          temperature: 0.2,
        });
        model = answer.model;
        return answer.text;
      },
      async () => article.summary.trim()
        ? (await text.summarize.executeWithOptions({ summary: `summarise article ${i + 1}/${relevant.length} offline` },
          [{ text: article.summary, sentences: input.summarySentences }])).summary
        : article.title);
    article.digest = ran.value;
    article.summarisedBy = ran.by === 'primary' ? 'llm' : 'offline';
    progress.update({ step: [`summarising ${i + 1}/${relevant.length}`, ...done].join(' · '), details: { counts: { ...counts, summarised: i + 1 } } });
  }
  const summariser = summaries.producedBy === 'primary' && relevant.length > 0 ? 'llm' : summaries.producedBy === 'mixed' ? 'mixed' : 'offline';
  stage(4, 'writing the newsletter', {
    line: `summarised ${relevant.length} (${summariser}${summaries.failure ? `, fell back: ${summaries.failure.errorType}` : ''})`,
    counts: { summarised: relevant.length },
  });

  // 5. Newsletter.
  const path = input.output ?? `newsletters/${workflowInfo().workflowId.replace(/[^A-Za-z0-9._-]/g, '_')}.md`;
  const date = new Date(workflowInfo().startTime).toISOString().slice(0, 10);
  const articles: DigestArticle[] = relevant.map((a) => ({
    title: a.title,
    link: a.link,
    source: a.source,
    published: a.published,
    category: a.category!,
    relevance: a.relevance,
    summary: a.digest!,
    summarisedBy: a.summarisedBy!,
  }));
  const markdown = newsletter({ title: input.title, date, interests: input.interests, feeds: feeds.length, fetched: fetched.length, articles, summariser, model });
  const directory = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  if (directory) await callTool({ server: 'filesystem', tool: 'create_directory', args: { path: directory } });
  await callTool({ server: 'filesystem', tool: 'write_file', args: { path, content: markdown } }, { summary: `filesystem.write_file ${path}` });
  stage(5, `written ${path}`, { line: `${articles.length} articles`, counts: { written: path } });
  progress.update({ step: [`written ${path}`, ...done].join(' · '), state: 'completed', outcome: 'completed' });

  return {
    title: input.title,
    path,
    date,
    counts: { feeds: feeds.length, fetched: fetched.length, relevant: relevant.length, categorised, summarised: relevant.length },
    articles,
    summariser,
    ...(model && summariser !== 'offline' ? { model } : {}),
    ...(summaries.failure ? { fallback: summaries.failure } : {}),
    markdown,
  };
}

/** The feed files in `feeds/`, through the filesystem server. */
async function feedFiles(): Promise<string[]> {
  const listing = await callTool({ server: 'filesystem', tool: 'list_directory', args: { path: FEED_DIRECTORY } }, { readOnly: true });
  const files = toolText(listing).split('\n').flatMap((line) => {
    const match = /^\[FILE\] (.+\.(?:xml|rss|atom))$/i.exec(line.trim());
    return match ? [`${FEED_DIRECTORY}/${match[1]}`] : [];
  }).sort();
  if (files.length === 0) {
    throw businessFailure({ type: 'NoFeeds', message: `no feed files (.xml, .rss, .atom) in ${FEED_DIRECTORY}/` });
  }
  return files;
}

async function readFeed(path: string): Promise<ParsedFeed> {
  const xml = toolText(await callTool({ server: 'filesystem', tool: 'read_text_file', args: { path } }, { readOnly: true }));
  return text.parseFeed.executeWithOptions({ summary: `parse ${path}` }, [{ xml }]);
}



/** The same story in two feeds (same link, or same title) counts once. */
function uniqueArticles(items: FeedItem[]): FeedItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const keys = [item.link, item.title.toLowerCase()].filter(Boolean);
    if (keys.some((k) => seen.has(k))) return false;
    keys.forEach((k) => seen.add(k));
    return true;
  });
}

function articleText(a: FeedItem): string {
  return `${a.title}. ${a.summary} ${a.categories.join(', ')}`;
}

const CATEGORY_TITLES: Record<NewsCategory, string> = { technology: 'Technology', business: 'Business', research: 'Research', general: 'General' };

function newsletter(n: {
  title: string; date: string; interests: string[]; feeds: number; fetched: number; articles: DigestArticle[];
  summariser: string; model?: string;
}): string {
  const lines = [
    `# ${n.title}`,
    '',
    `_${n.date} · ${n.articles.length} of ${n.fetched} articles from ${n.feeds} feeds · interests: ${n.interests.join(', ')}_`,
    '',
  ];
  if (n.articles.length === 0) lines.push('No article matched the interests this time.', '');
  for (const category of NEWS_CATEGORIES) {
    const inCategory = n.articles.filter((a) => a.category === category);
    if (inCategory.length === 0) continue;
    lines.push(`## ${CATEGORY_TITLES[category]}`, '');
    for (const a of inCategory) {
      lines.push(a.link ? `### [${a.title}](${a.link})` : `### ${a.title}`);
      lines.push(`*Source: ${a.source}${a.published ? ` · ${a.published.slice(0, 10)}` : ''}*`, '', a.summary, '');
    }
  }
  const by = n.summariser === 'llm' ? `a language model (${n.model ?? 'configured endpoint'})`
    : n.summariser === 'mixed' ? `a language model (${n.model ?? 'configured endpoint'}), then TextRank after it failed` : 'TextRank (offline)';
  lines.push('---', '', `Summaries by ${by}.`, '');
  return lines.join('\n');
}
