/**
 * The activities a definition may `call` by name (besides MCP tools, written `<server>.<tool>`). Each takes one
 * object — the step's `input` — and returns JSON. The names are the activities' own (src/activities/), so the
 * interpreter calls them without a translation table; the list is what a definition is allowed to reach.
 */
export const REGISTERED_ACTIVITIES = {
  analyzeSentiment: 'AFINN sentiment of `text`',
  extractKeywords: 'TextRank keywords of `text` (`limit`)',
  summarize: 'TextRank extractive summary of `text` (`sentences`)',
  detectLanguage: 'the language of `text` (ISO 639-3)',
  analyzeText: 'several analyses of `text` at once (`analyses`)',
  rankByRelevance: 'BM25 relevance of `documents` to `query`',
  expandQuery: 'pseudo-relevance feedback terms for `query` from `documents`',
  composeDraft: 'an extractive draft on `topic` from `snippets`',
  parseFeed: 'articles of an RSS/Atom feed (`xml`)',
  generateText: 'text from the configured language model (`prompt`, `system`)',
  listTools: 'the tools of an MCP `server`, with their input schemas',
  fsReadTextFile: 'a file of the filesystem sandbox (`path`)',
  fsWriteFile: 'writes `content` to `path` in the filesystem sandbox',
  fsListDirectory: 'a directory of the filesystem sandbox (`path`)',
  fsSearchFiles: 'files under `path` matching `pattern`',
} as const;

export type RegisteredActivity = keyof typeof REGISTERED_ACTIVITIES;

export function isRegisteredActivity(name: string): name is RegisteredActivity {
  return Object.hasOwn(REGISTERED_ACTIVITIES, name);
}

/** What a `call` names: a registered activity, or a tool of an MCP server (`store.charge_payment`). */
export type CallTarget = { kind: 'activity'; name: string } | { kind: 'tool'; server: string; tool: string };

export function callTarget(call: string): CallTarget {
  const dot = call.indexOf('.');
  return dot < 0 ? { kind: 'activity', name: call } : { kind: 'tool', server: call.slice(0, dot), tool: call.slice(dot + 1) };
}
