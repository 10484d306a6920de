/**
 * RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 parsing with `fast-xml-parser` (pure JS, validates well-formedness first).
 * Every feed becomes the same plain item shape, ready for filtering, categorising and summarising.
 *
 * - `summary` is plain text: the item's description / summary (or content when there is none) with HTML markup
 *   removed and whitespace collapsed.
 * - `published` is an ISO-8601 timestamp (RSS `pubDate` / `dc:date`, Atom `published`, else `updated`), or null when
 *   the feed gives no parseable date.
 * - `source` is the name passed in, else the feed's own title.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type FeedKind = 'rss' | 'atom' | 'rdf';

export interface FeedItem {
  /** guid / id, else the link, else the title. */
  id: string;
  title: string;
  link: string;
  published: string | null;
  summary: string;
  source: string;
  categories: string[];
  author: string | null;
}

export interface ParsedFeed {
  kind: FeedKind;
  title: string;
  link: string;
  source: string;
  items: FeedItem[];
}

export class FeedParseError extends Error {
  override name = 'FeedParseError';
}

/** Elements that may repeat and so are always read as arrays. */
const REPEATABLE = new Set(['item', 'entry', 'link', 'category', 'author']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && REPEATABLE.has(name),
});

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Text content of an element that may be a plain string or an object with attributes. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value).trim();
  if (Array.isArray(value)) return text(value[0]);
  if (isNode(value)) {
    if ('#text' in value) return text(value['#text']);
    if ('name' in value) return text(value.name); // Atom <author><name>…</name></author>
  }
  return '';
}

/** Plain text from a description that may carry HTML markup (escaped or in CDATA). */
export function plainText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function isoDate(value: string): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function atomLink(links: unknown): string {
  const all = asArray(links).filter(isNode);
  const alternate = all.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate') ?? all[0];
  return alternate ? text(alternate['@_href']) : '';
}

function rssLink(links: unknown): string {
  // RSS channels often carry an <atom:link rel="self"> next to <link>; the plain one is the text node.
  for (const link of asArray(links)) {
    const value = text(link);
    if (value) return value;
  }
  return '';
}

function categories(values: unknown): string[] {
  return asArray(values)
    .map((c) => (isNode(c) ? text(c['@_label'] ?? c['@_term'] ?? c['#text']) : text(c)))
    .filter((c) => c.length > 0);
}

function rssItem(item: Node, source: string): FeedItem {
  const link = rssLink(item.link);
  const title = plainText(text(item.title));
  const description = text(item.description) || text(item['content:encoded']);
  return {
    id: text(item.guid) || link || title,
    title,
    link,
    published: isoDate(text(item.pubDate) || text(item['dc:date'])),
    summary: plainText(description),
    source,
    categories: categories(item.category ?? item['dc:subject']),
    author: text(item.author) || text(item['dc:creator']) || null,
  };
}

function atomEntry(entry: Node, source: string): FeedItem {
  const link = atomLink(entry.link);
  const title = plainText(text(entry.title));
  return {
    id: text(entry.id) || link || title,
    title,
    link,
    published: isoDate(text(entry.published) || text(entry.updated)),
    summary: plainText(text(entry.summary) || text(entry.content)),
    source,
    categories: categories(entry.category),
    author: text(entry.author) || null,
  };
}

/** Parses an RSS 2.0, RSS 1.0 or Atom document. Throws `FeedParseError` for malformed XML or an unknown format. */
export function parseFeed(xml: string, options: { source?: string } = {}): ParsedFeed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new FeedParseError(`Malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }
  const doc = parser.parse(xml) as Node;

  if (isNode(doc.rss) && isNode(doc.rss.channel)) {
    const channel = doc.rss.channel;
    const title = plainText(text(channel.title));
    const source = options.source ?? title;
    return {
      kind: 'rss', title, link: rssLink(channel.link), source,
      items: asArray(channel.item).filter(isNode).map((i) => rssItem(i, source)),
    };
  }
  if (isNode(doc.feed)) {
    const feed = doc.feed;
    const title = plainText(text(feed.title));
    const source = options.source ?? title;
    return {
      kind: 'atom', title, link: atomLink(feed.link), source,
      items: asArray(feed.entry).filter(isNode).map((e) => atomEntry(e, source)),
    };
  }
  const rdf = doc['rdf:RDF'];
  if (isNode(rdf)) {
    const channel = isNode(rdf.channel) ? rdf.channel : {};
    const title = plainText(text(channel.title));
    const source = options.source ?? title;
    return {
      kind: 'rdf', title, link: rssLink(channel.link), source,
      items: asArray(rdf.item).filter(isNode).map((i) => rssItem(i, source)),
    };
  }
  const root = Object.keys(doc).find((k) => !k.startsWith('?')) ?? '(none)';
  throw new FeedParseError(`Not an RSS or Atom feed: root element is <${root}>`);
}
