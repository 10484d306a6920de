import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { NewsDigestResult } from '../src/schemas/news-digest.js';
import { projectRoot } from '../src/runtime/paths.js';
import { parseFeed } from '../src/text/feeds.js';
import { startLlmServer, withLlmEnv } from './helpers/llm-server.js';
import { rejectsAsInvalidInput, useTemporal, withWorker } from './helpers/temporal.js';

/**
 * The titles of the sample feeds' articles whose title, summary or categories mention a word of the default interests
 * ("AI", "artificial intelligence", "machine learning", "language models"; BM25 matches words, so "model checking" counts).
 */
function titlesMentioningInterests(): string[] {
  const dir = path.join(projectRoot, 'samples', 'files', 'feeds');
  return fs.readdirSync(dir)
    .flatMap((file) => parseFeed(fs.readFileSync(path.join(dir, file), 'utf8')).items)
    .filter((a) => /\b(AI|artificial|intelligence|machine|learning|language|models?)\b/i.test(`${a.title} ${a.summary} ${a.categories.join(' ')}`))
    .map((a) => a.title)
    .sort();
}

describe('newsDigest (time-skipping, real filesystem server)', () => {
  const t = useTemporal('time-skipping');

  it('reads every feed, keeps the AI stories, categorises and summarises them, and writes the newsletter', async () => {
    await withLlmEnv({}, () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const run = await orchestra.start('newsDigest', {}, { taskQueue });
      const result = await orchestra.result(run.workflowId) as NewsDigestResult;
      assert.equal(result.counts.feeds, 4);
      assert.equal(result.counts.fetched, 29);
      assert.ok(result.counts.relevant >= 8 && result.counts.relevant < 29, `relevant ${result.counts.relevant}`);
      assert.equal(result.articles.length, result.counts.relevant);
      // Kept: exactly the articles that mention a word of the interests, and no others.
      assert.deepEqual(result.articles.map((a) => a.title).sort(), titlesMentioningInterests());
      assert.ok(result.articles.every((a) => a.relevance > 0 && a.relevance <= 1));
      assert.ok(!result.articles.some((a) => /sourdough|cycle lanes|Heatwave/i.test(a.title)), 'unrelated local news is filtered out');
      // Categorised by content: the AI pricing story is business, the language-model study research, the coding assistant technology.
      const category = (title: RegExp) => result.articles.find((a) => title.test(a.title))?.category;
      assert.equal(category(/Retailers turn to AI pricing/), 'business');
      assert.equal(category(/small language models/), 'research');
      assert.equal(category(/AI coding assistant/), 'technology');
      assert.equal(Object.values(result.counts.categorised).reduce((a, b) => a + b, 0), result.counts.relevant);
      // No model configured: TextRank summaries, recorded as such.
      assert.equal(result.summariser, 'offline');
      assert.equal(result.fallback?.reason, 'not_configured');
      assert.ok(result.articles.every((a) => a.summarisedBy === 'offline' && a.summary.length > 0));
      // The newsletter went back through the filesystem server.
      assert.equal(result.path, `newsletters/${run.workflowId}.md`);
      const written = fs.readFileSync(path.join(t.deps.home, 'files', result.path), 'utf8');
      assert.equal(written, result.markdown);
      assert.match(written, /^# AI News Digest$/m);
      for (const section of ['Technology', 'Business', 'Research']) assert.match(written, new RegExp(`^## ${section}$`, 'm'));
      assert.match(written, /^### \[Retailers turn to AI pricing tools.*\]\(https:\/\/.+\)$/m);
      assert.match(written, /Summaries by TextRank \(offline\)/);
      // Each stage's counts are in the run's details.
      const progress = await orchestra.progress(run.workflowId);
      assert.equal(progress.state, 'completed');
      assert.match(progress.step, /fetched 29 from 4 feeds · relevant \d+ · technology \d+ \/ business \d+ \/ research \d+ \/ general \d+ · summarised \d+/);
      const described = await orchestra.describe(run.workflowId);
      assert.match(String(await described.staticSummary()), /AI News Digest/);
    }));
  });

  it('summarises with the configured model when it answers, and names it in the newsletter', async () => {
    const llm = await startLlmServer((prompt) => `Stub summary of: ${/Title: (.+)/.exec(prompt)?.[1] ?? '?'}`);
    try {
      await withLlmEnv({ ORCHESTRA_LLM_BASE_URL: llm.baseUrl, ORCHESTRA_LLM_MODEL: 'stub-summariser' },
        () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
          const result = await orchestra.execute('newsDigest', {
            interests: ['payments', 'retail'], feeds: ['feeds/business.xml'], title: 'Payments Weekly', output: 'newsletters/payments.md',
          }, { taskQueue }) as NewsDigestResult;
          assert.equal(result.summariser, 'llm');
          assert.equal(result.model, 'stub-summariser');
          assert.equal(result.fallback, undefined);
          assert.ok(result.counts.relevant >= 2);
          assert.equal(llm.requests.length, result.counts.relevant);
          assert.ok(llm.requests.every((r) => r.authorization === undefined), 'no key configured, none sent');
          for (const a of result.articles) assert.equal(a.summary, `Stub summary of: ${a.title}`);
          const written = fs.readFileSync(path.join(t.deps.home, 'files', 'newsletters', 'payments.md'), 'utf8');
          assert.match(written, /^# Payments Weekly$/m);
          assert.match(written, /Summaries by a language model \(stub-summariser\)/);
        }));
    } finally {
      await llm.close();
    }
  });

  it('rejects empty interests or a path outside the sandbox with a field-level InvalidInput before fetching', async () => {
    await withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
      const cases: Array<[unknown, RegExp]> = [
        [{ interests: [] }, /interests: must list at least one interest/],
        [{ interests: ['AI', ''] }, /interests\[1\]: must be at least 2 characters/],
        [{ feeds: ['../secrets.xml'] }, /feeds\[0\]: must be a relative path inside the sandbox/],
      ];
      for (const [input, pattern] of cases) {
        const handle = await orchestra.client.workflow.start('newsDigest', {
          taskQueue, workflowId: `bad-news-${Math.random().toString(36).slice(2)}`, args: [input],
        });
        await rejectsAsInvalidInput(handle.result(), pattern);
        const history = await handle.fetchHistory();
        assert.ok(!history.events!.some((e) => e.activityTaskScheduledEventAttributes), 'no stage ran');
      }
    });
  });
});
