import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import {
  analyzeSentiment,
  analyzeText,
  composeDraft,
  detectLanguage,
  expandQuery,
  extractKeywords,
  rankByRelevance,
  summarize,
} from '../src/text/index.js';
import { proseBlocks } from '../src/text/prose.js';
import { createTextActivities } from '../src/activities/text.js';

const samples = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples', 'files');
const read = (rel: string) => fs.readFileSync(path.join(samples, rel), 'utf8');
const squash = (s: string) => s.replace(/\s+/g, ' ');

const TEMPORAL = `Temporal is a durable execution platform. A workflow written for Temporal survives process crashes, because the
server records every event in the workflow history and replays it on another worker. Activities perform the side
effects, such as charging a payment or sending an email, and Temporal retries failed activities according to a retry
policy. Because workflow code must be deterministic, it cannot read the clock or call the network directly. Durable
execution lets engineers write long-running business processes as ordinary code instead of hand-written state machines
and queues.`;

describe('analyzeSentiment', () => {
  it('labels a clearly positive review positive and names the words', () => {
    const r = analyzeSentiment('I absolutely love this product. The support team was fantastic and incredibly helpful!');
    assert.equal(r.label, 'positive');
    assert.ok(r.score > 0.5 && r.score <= 1, `score ${r.score}`);
    assert.ok(r.comparative > 0);
    assert.ok(r.positiveWords.includes('love') && r.positiveWords.includes('fantastic'), r.positiveWords.join());
    assert.deepEqual(r.negativeWords, []);
  });

  it('labels a clearly negative complaint negative', () => {
    const r = analyzeSentiment('The update is terrible: the app crashes constantly and I lost all my data. Awful experience, I am furious.');
    assert.equal(r.label, 'negative');
    assert.ok(r.score < -0.5 && r.score >= -1, `score ${r.score}`);
    for (const w of ['terrible', 'awful', 'furious']) assert.ok(r.negativeWords.includes(w), `${w} in ${r.negativeWords.join()}`);
  });

  it('labels factual text neutral', () => {
    const r = analyzeSentiment('The quarterly report is due on Friday and includes the revenue figures for each region.');
    assert.equal(r.label, 'neutral');
    assert.equal(r.score, 0);
  });

  it('handles negation ("not happy" is negative)', () => {
    const r = analyzeSentiment('I am not happy with this service.');
    assert.equal(r.label, 'negative');
    assert.ok(r.negativeWords.includes('happy'));
  });
});

describe('extractKeywords', () => {
  it('ranks the topic words of a paragraph, without stop words', () => {
    const { keywords, phrases } = extractKeywords(TEMPORAL, { limit: 8 });
    assert.equal(keywords.length, 8);
    const terms = keywords.map((k) => k.term);
    for (const expected of ['Temporal', 'workflow', 'execution']) assert.ok(terms.includes(expected), `${expected} in ${terms.join()}`);
    for (const stop of ['the', 'and', 'is', 'it', 'because', 'every']) assert.ok(!terms.includes(stop), `stop word ${stop}`);
    assert.equal(keywords[0].score, 1);
    for (let i = 1; i < keywords.length; i++) assert.ok(keywords[i].score <= keywords[i - 1].score);
    assert.ok(keywords.every((k) => k.score > 0 && k.score <= 1 && k.count >= 1));
    assert.ok(phrases.some((p) => p.phrase === 'durable execution' && p.count === 2), phrases.map((p) => p.phrase).join());
  });

  it('merges inflections and keeps hyphenated compounds', () => {
    const { keywords } = extractKeywords(
      'Payments failed because fraud-scoring was slow. The payment retries hit the fraud-scoring timeout again and again.',
    );
    const payment = keywords.find((k) => k.term === 'payment');
    assert.equal(payment?.count, 2);
    assert.ok(keywords.some((k) => k.term === 'fraud-scoring'), keywords.map((k) => k.term).join());
  });

  it('finds the incident vocabulary in the sample postmortem', () => {
    const { keywords, phrases } = extractKeywords(read('documents/postmortem-2024-06-11-payment-timeouts.md'), { limit: 10 });
    const terms = keywords.map((k) => k.term);
    for (const expected of ['payment', 'connection', 'database', 'timeout']) assert.ok(terms.includes(expected), `${expected} in ${terms.join()}`);
    assert.equal(phrases[0].phrase, 'connection pool');
  });
});

describe('summarize', () => {
  const text = `${TEMPORAL.replace(/\s+/g, ' ')} The office kitchen will be repainted on Tuesday.`;

  it('picks central sentences, verbatim and in original order', () => {
    const r = summarize(text, { sentences: 2 });
    assert.equal(r.totalSentences, 6);
    assert.equal(r.sentences.length, 2);
    assert.equal(r.ratio, Math.round((2 / 6) * 10000) / 10000);
    assert.ok(r.sentences[0].index < r.sentences[1].index);
    for (const s of r.sentences) assert.ok(text.includes(s.text), s.text);
    assert.equal(r.summary, r.sentences.map((s) => s.text).join(' '));
    assert.ok(!r.summary.includes('kitchen'), 'the off-topic sentence is not central');
    assert.ok(r.sentences.some((s) => s.score === 1));
  });

  it('defaults to a third of the sentences and never more than there are', () => {
    assert.equal(summarize(text).sentences.length, 2);
    assert.equal(summarize('One short sentence here.', { sentences: 5 }).sentences.length, 1);
  });

  it('reads Markdown structure: tables, code and headings are not quoted', () => {
    const r = summarize(read('documents/postmortem-2024-06-11-payment-timeouts.md'), { sentences: 4 });
    for (const s of r.sentences) {
      assert.ok(!s.text.includes('|') && !s.text.startsWith('#') && !s.text.includes('\n'), s.text);
    }
    assert.match(r.summary, /connection|pool|database/);
  });

  it('joins hard-wrapped lines and drops fenced code', () => {
    const blocks = proseBlocks('# Title\n\nA wrapped\nparagraph with `code`.\n\n```\nconst x = 1;\n```\n\n- first item\n- second item\n');
    assert.deepEqual(blocks, ['A wrapped paragraph with code.', 'first item', 'second item']);
  });
});

describe('detectLanguage', () => {
  const paragraphs = {
    eng: ['English', 'The payment service was unavailable for forty minutes last night, and many customers could not complete their orders. Our engineers restored the database connection pool and are now reviewing the timeout settings.'],
    fra: ['French', "Le service de paiement a été indisponible pendant quarante minutes hier soir, et de nombreux clients n'ont pas pu finaliser leurs commandes. Nos ingénieurs ont rétabli la connexion à la base de données."],
    deu: ['German', 'Der Zahlungsdienst war gestern Abend vierzig Minuten lang nicht erreichbar, und viele Kunden konnten ihre Bestellungen nicht abschließen. Unsere Techniker haben die Datenbankverbindung wiederhergestellt.'],
    spa: ['Spanish', 'El servicio de pagos no estuvo disponible durante cuarenta minutos anoche, y muchos clientes no pudieron completar sus pedidos. Nuestros ingenieros restablecieron la conexión con la base de datos.'],
  } as const;

  for (const [code, [name, text]] of Object.entries(paragraphs)) {
    it(`identifies ${name}`, () => {
      const r = detectLanguage(text);
      assert.equal(r.code, code);
      assert.equal(r.name, name);
      assert.ok(r.confidence >= 0.8 && r.confidence <= 1, `confidence ${r.confidence}`);
      assert.equal(r.alternatives[0].code, code);
    });
  }

  it('answers und for text too short to judge', () => {
    assert.deepEqual(detectLanguage('Hello there'), { code: 'und', name: 'Undetermined', confidence: 0, alternatives: [] });
  });

  it('gives lower confidence to short text than to a paragraph', () => {
    const short = detectLanguage('The payment failed again today.');
    assert.ok(short.confidence < detectLanguage(paragraphs.eng[1]).confidence);
  });
});

describe('rankByRelevance', () => {
  const docs = [
    { id: 'weather', text: 'The weather in London will be cloudy with light rain in the afternoon and sunshine tomorrow.' },
    { id: 'refunds', text: 'Refunds are issued to the original payment method within five business days. A customer can request a refund for any invoice.' },
    { id: 'timeouts', text: 'Payment requests that exceed the 30 second timeout are retried by the gateway.' },
  ];

  it('ranks a relevant document above an irrelevant one', () => {
    const r = rankByRelevance('refund a payment', docs);
    assert.deepEqual(r.map((x) => x.id), ['refunds', 'timeouts', 'weather']);
    assert.equal(r[0].normalizedScore, 1);
    assert.equal(r[0].coverage, 1);
    assert.deepEqual(r[0].matchedTerms, ['refund', 'payment']);
    assert.equal(r[2].score, 0);
    assert.equal(r[2].coverage, 0);
  });

  it('matches inflections by stem', () => {
    const [best] = rankByRelevance('timeouts', docs);
    assert.equal(best.id, 'timeouts');
    assert.ok(best.score > 0);
  });

  it('finds the incident documents among the samples', () => {
    const dir = path.join(samples, 'documents');
    const documents = fs.readdirSync(dir).map((name) => ({ id: name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
    const r = rankByRelevance('payment timeout', documents);
    assert.ok(r.slice(0, 3).some((x) => x.id.startsWith('postmortem-')), r.map((x) => x.id).join());
    assert.equal(r[r.length - 1].id, 'security-access-policy.md');
  });
});

describe('expandQuery', () => {
  const top = [
    'The refund was returned to the original card. Refunds usually reach the card within five business days; the bank can trace a refund with the acquirer reference number.',
    'A customer asked why the refund had not reached their card. We shared the acquirer reference number so their bank could trace it.',
  ];

  it('proposes terms from the feedback documents that are not in the query', () => {
    const r = expandQuery('refund', top, { terms: 4 });
    assert.equal(r.terms.length, 4);
    const all = top.join(' ').toLowerCase();
    for (const t of r.terms) {
      assert.notEqual(t.stem, 'refund');
      assert.ok(all.includes(t.term.toLowerCase()), `${t.term} comes from the documents`);
      assert.ok(t.weight > 0 && t.weight <= 1);
    }
    const terms = r.terms.map((t) => t.term);
    assert.ok(terms.includes('card') && terms.includes('bank'), terms.join());
    assert.equal(r.expandedQuery, ['refund', ...terms].join(' '));
  });

  it('can require a term to appear in several documents', () => {
    const r = expandQuery('refund', top, { terms: 10, minDocumentFrequency: 2 });
    assert.ok(r.terms.length > 0);
    assert.ok(r.terms.every((t) => t.documentFrequency >= 2));
  });

  it('proposes nothing without feedback documents', () => {
    assert.deepEqual(expandQuery('refund', []), { expandedQuery: 'refund', terms: [] });
  });
});

describe('composeDraft', () => {
  const snippets = ['temporal-workflows-durable-execution.md', 'architecture-overview.md', 'payments-api.md'].map((name) => ({
    source: `documents/${name}`,
    text: read(`documents/${name}`),
  }));

  it('builds an outline and a cited draft from research sentences only', () => {
    const d = composeDraft('durable workflows for payments', snippets, { sections: 3, pointsPerSection: 2 });
    assert.equal(d.title, 'Durable Workflows For Payments');
    assert.deepEqual(d.sources, snippets.map((s) => s.source));
    assert.ok(d.sections.length >= 2 && d.sections.length <= 3);
    // Sentences are quoted without their Markdown markup.
    const unmark = (s: string) => squash(s.replace(/[`*_]/g, ''));
    for (const p of [...d.introduction, ...d.sections.flatMap((s) => s.points)]) {
      assert.ok(p.citation >= 1 && p.citation <= d.sources.length);
      assert.ok(unmark(snippets[p.citation - 1].text).includes(unmark(p.text)), `quoted from the cited source: ${p.text}`);
    }
    for (const s of d.sections) assert.ok(s.points.length >= 1 && s.points.length <= 2);
    assert.match(d.draft, /^# Durable Workflows For Payments/);
    for (const h of ['## Introduction', '## Conclusion', '### Key takeaways', '## Sources']) assert.ok(d.draft.includes(h), h);
    for (const s of d.sections) assert.ok(d.draft.includes(`## ${s.heading}`) && d.outline.includes(s.heading));
    assert.ok(d.wordCount > 100);
    assert.equal(new Set(d.sections.map((s) => s.heading)).size, d.sections.length);
  });
});

describe('analyzeText', () => {
  it('runs all four analyses by default', () => {
    const r = analyzeText(TEMPORAL);
    assert.deepEqual(Object.keys(r).sort(), ['keywords', 'language', 'sentiment', 'summary']);
    // Each part is what the analysis itself says of the text, not just present.
    assert.equal(r.language?.code, 'eng');
    assert.deepEqual(r.language, detectLanguage(TEMPORAL));
    assert.equal(r.sentiment?.label, 'neutral');
    assert.deepEqual([r.sentiment?.positiveWords, r.sentiment?.negativeWords], [['durable'], ['failed']]);
    assert.deepEqual(r.sentiment, analyzeSentiment(TEMPORAL));
    assert.equal(r.keywords?.keywords[0].term, 'Temporal');
    assert.deepEqual(r.keywords, extractKeywords(TEMPORAL));
    assert.equal(r.summary?.sentences[0].text, 'Temporal is a durable execution platform.');
    assert.deepEqual(r.summary, summarize(TEMPORAL));
  });

  it('runs only the analyses asked for', () => {
    assert.deepEqual(Object.keys(analyzeText(TEMPORAL, { analyses: ['language', 'sentiment'] })).sort(), ['language', 'sentiment']);
  });
});

describe('text activities', () => {
  const activities = createTextActivities();

  async function rejectsInvalid(promise: Promise<unknown>, field: RegExp, type = 'InvalidInput') {
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure, String(err));
      assert.equal(err.type, type);
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, field);
      return true;
    });
  }

  it('rejects empty or whitespace text as a non-retryable InvalidInput naming the field', async () => {
    await rejectsInvalid(activities.analyzeSentiment({ text: '' }), /text: must not be empty/);
    await rejectsInvalid(activities.extractKeywords({ text: '   \n\t' }), /text: must not be empty/);
    await rejectsInvalid(activities.summarize({ text: ' ' }), /^summarize: invalid input: text/);
    await rejectsInvalid(activities.detectLanguage({ text: '' }), /text/);
    await rejectsInvalid(activities.analyzeText({ text: '' }), /text/);
    await rejectsInvalid(activities.rankByRelevance({ query: ' ', documents: [] }), /query: must not be empty/);
    await rejectsInvalid(activities.composeDraft({ topic: 'x', snippets: [{ source: 'a', text: ' ' }] }), /snippets: must contain/);
  });

  it('rejects other invalid fields by name', async () => {
    await rejectsInvalid(activities.extractKeywords({ text: 'Payments', limit: 0 }), /limit/);
    await rejectsInvalid(activities.analyzeText({ text: 'Payments', analyses: ['mood' as 'sentiment'] }), /analyses\[0\]/);
    await rejectsInvalid(activities.detectLanguage({ text: 'Payments', only: ['english'] }), /only\[0\]: must be an ISO 639-3 code/);
  });

  it('fails a malformed feed with InvalidFeed', async () => {
    await rejectsInvalid(activities.parseFeed({ xml: '<rss><channel><item></channel></rss>' }), /Malformed XML/, 'InvalidFeed');
  });

  it('returns plain JSON results', async () => {
    const results = await Promise.all([
      activities.analyzeText({ text: TEMPORAL }),
      activities.rankByRelevance({ query: 'workflow history', documents: [{ id: 'a', text: TEMPORAL }, { id: 'b', text: 'Rain.' }] }),
      activities.expandQuery({ query: 'workflow', documents: [TEMPORAL] }),
      activities.composeDraft({ topic: 'durable execution', snippets: [{ source: 'notes', text: TEMPORAL }] }),
      activities.parseFeed({ xml: read('feeds/technology.xml') }),
    ]);
    for (const r of results) assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  });
});

describe('sample content', () => {
  const list = (dir: string) => fs.readdirSync(path.join(samples, dir)).sort();

  it('has the documented folders, well under 1 MB', () => {
    assert.ok(list('documents').length >= 12);
    assert.deepEqual(list('logs'), ['api-gateway.log', 'auth-service.log', 'payments-service.log', 'worker.log']);
    assert.deepEqual(list('feeds'), ['business.xml', 'general.xml', 'research.xml', 'technology.xml']);
    assert.ok(list('inbox').length >= 5);
    let bytes = 0;
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else bytes += fs.statSync(path.join(dir, e.name)).size;
      }
    };
    walk(samples);
    assert.ok(bytes < 1024 * 1024, `${bytes} bytes`);
  });

  it('lets a term search hit some documents and miss others', () => {
    for (const term of ['payment', 'timeout', 'customer', 'workflow', 'invoice', 'refund']) {
      const hits = list('documents').filter((name) => read(`documents/${name}`).toLowerCase().includes(term));
      assert.ok(hits.length > 0 && hits.length < list('documents').length, `${term}: ${hits.length}`);
    }
  });

  it('has timestamped ERROR and WARN lines in every log', () => {
    for (const log of list('logs')) {
      const lines = read(`logs/${log}`).trim().split('\n');
      assert.ok(lines.every((l) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (INFO|WARN|ERROR) /.test(l)), log);
      assert.ok(lines.some((l) => l.includes(' ERROR ')) && lines.some((l) => l.includes(' WARN ')), log);
    }
    assert.match(read('logs/payments-service.log'), /database connection refused/);
    assert.match(read('logs/api-gateway.log'), /status=504 upstream timeout/);
    assert.match(read('logs/auth-service.log'), /login failed/);
  });
});
