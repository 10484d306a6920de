import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FeedParseError, parseFeed, plainText } from '../src/text/feeds.js';

const feeds = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples', 'files', 'feeds');
const read = (name: string) => fs.readFileSync(path.join(feeds, name), 'utf8');

describe('parseFeed over the sample feeds', () => {
  const expected = [
    { file: 'technology.xml', kind: 'rss', title: 'The Stack Weekly', link: 'https://thestack.example/', items: 8 },
    { file: 'business.xml', kind: 'rss', title: 'Market Ledger — Business', link: 'https://marketledger.example/business', items: 7 },
    { file: 'research.xml', kind: 'atom', title: 'Preprint Digest — Computing & Society', link: 'https://preprintdigest.example/', items: 7 },
    { file: 'general.xml', kind: 'atom', title: 'The Morning Brief', link: 'https://morningbrief.example/', items: 7 },
  ] as const;

  for (const e of expected) {
    it(`parses ${e.file} (${e.kind})`, () => {
      const feed = parseFeed(read(e.file));
      assert.equal(feed.kind, e.kind);
      assert.equal(feed.title, e.title);
      assert.equal(feed.link, e.link);
      assert.equal(feed.source, e.title);
      assert.equal(feed.items.length, e.items);
      for (const item of feed.items) {
        assert.ok(item.title.length > 10, item.title);
        assert.match(item.link, /^https:\/\/[a-z]+\.example\/\S+$/);
        assert.ok(item.id.length > 0);
        assert.ok(item.summary.length > 50, item.summary);
        assert.doesNotMatch(item.summary, /<[a-z/]|&lt;|&amp;/i, 'summary is plain text');
        assert.ok(item.published !== null && !Number.isNaN(Date.parse(item.published)), `${item.title}: ${item.published}`);
        assert.equal(item.source, e.title);
      }
      // Newest first, as the feeds are written.
      const dates = feed.items.map((i) => Date.parse(i.published!));
      assert.deepEqual([...dates].sort((a, b) => b - a), dates);
    });
  }

  it('reads RSS details: escaped HTML, guid, categories, dc:creator, RFC 822 dates', () => {
    const [first] = parseFeed(read('technology.xml')).items;
    assert.deepEqual(first, {
      id: 'https://thestack.example/2024/06/14/ai-coding-assistant-1-0',
      title: 'Open-source AI coding assistant reaches 1.0 with local model support',
      link: 'https://thestack.example/2024/06/14/ai-coding-assistant-1-0',
      published: '2024-06-14T09:30:00.000Z',
      summary:
        "The project's first stable release runs entirely on a developer's laptop using quantised language models, so no source code leaves the machine. Maintainers say the new release cuts completion latency by half and adds support for TypeScript, Go and Rust.",
      source: 'The Stack Weekly',
      categories: ['AI', 'Developer tools'],
      author: 'Hana Kowalski',
    });
  });

  it('strips HTML inside CDATA descriptions', () => {
    const item = parseFeed(read('business.xml')).items[0];
    assert.equal(item.id, 'ml-2024-06-14-0931');
    assert.match(item.summary, /^Card payment volumes across the euro area grew 11%/);
    assert.ok(item.summary.includes('mid-size processors'));
  });

  it('reads Atom details: alternate link, author name, category label, updated when published is missing', () => {
    const research = parseFeed(read('research.xml'));
    assert.equal(research.items[0].author, 'Dr. Elena Petrova');
    assert.deepEqual(research.items[0].categories, ['Machine learning']);
    const bakery = parseFeed(read('general.xml')).items.find((i) => i.title.startsWith('Local bakery'));
    assert.equal(bakery?.published, '2024-06-10T12:00:00.000Z');
    assert.equal(bakery?.author, null);
  });

  it('uses the source name it is given', () => {
    const feed = parseFeed(read('research.xml'), { source: 'research' });
    assert.equal(feed.source, 'research');
    assert.ok(feed.items.every((i) => i.source === 'research'));
  });

  it('gives a news digest material to filter: some items mention AI, some do not', () => {
    const items = ['technology.xml', 'business.xml', 'research.xml', 'general.xml'].flatMap((f) => parseFeed(read(f)).items);
    const ai = items.filter((i) => /\bAI\b|artificial intelligence/i.test(`${i.title} ${i.summary}`));
    assert.ok(ai.length >= 6 && ai.length < items.length - 6, `${ai.length} of ${items.length}`);
  });
});

describe('parseFeed errors and other formats', () => {
  it('parses RSS 1.0 (RDF)', () => {
    const feed = parseFeed(`<?xml version="1.0"?>
      <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="https://old.example/"><title>Old Feed</title><link>https://old.example/</link></channel>
        <item rdf:about="https://old.example/1"><title>First</title><link>https://old.example/1</link>
          <description>One &amp; only.</description><dc:date>2024-06-01T10:00:00Z</dc:date></item>
      </rdf:RDF>`);
    assert.equal(feed.kind, 'rdf');
    assert.equal(feed.title, 'Old Feed');
    assert.deepEqual(feed.items.map((i) => [i.title, i.link, i.summary, i.published]), [
      ['First', 'https://old.example/1', 'One & only.', '2024-06-01T10:00:00.000Z'],
    ]);
  });

  it('gives null for a missing or unparseable date and empty strings for missing fields', () => {
    const feed = parseFeed('<rss version="2.0"><channel><title>T</title><item><title>No date</title><pubDate>someday</pubDate></item></channel></rss>');
    assert.deepEqual(feed.items[0], { id: 'No date', title: 'No date', link: '', published: null, summary: '', source: 'T', categories: [], author: null });
  });

  it('rejects malformed XML with its position', () => {
    assert.throws(() => parseFeed('<rss><channel><item></channel></rss>'), (err: unknown) => err instanceof FeedParseError && /line 1/.test(err.message));
  });

  it('rejects XML that is not a feed', () => {
    assert.throws(() => parseFeed('<html><body>hi</body></html>'), /Not an RSS or Atom feed: root element is <html>/);
  });

  it('plainText removes markup and collapses whitespace', () => {
    assert.equal(plainText('<p>Hello <strong>world</strong>,</p>\n<script>x()</script> bye&nbsp;now'), 'Hello world , bye now');
  });
});
