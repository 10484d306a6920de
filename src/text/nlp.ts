/**
 * Shared English NLP pipeline: wink-nlp with its `wink-eng-lite-web-model` (sentence boundaries, tokens, token types,
 * part-of-speech tags, stop-word flags, lemmas and Porter2 stems). Loaded once per process, on first use.
 *
 * Everything else in `src/text/` builds on the tokens produced here, so the same notion of "a term" is used by
 * keyword extraction, summarisation, relevance scoring, query expansion and composition.
 */
import winkNLP, { type ItsFunction, type WinkMethods, type PartOfSpeech } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { proseBlocks } from './prose.js';

const LETTER = /\p{L}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

let instance: WinkMethods | undefined;

/** The process-wide wink-nlp instance (the model takes a few tens of milliseconds to load). */
export function nlp(): WinkMethods {
  instance ??= winkNLP(model);
  return instance;
}

export interface Token {
  /** Surface text as written. */
  value: string;
  /** Lower-cased surface text (contractions expanded: "n't" → "not"). */
  normal: string;
  lemma: string;
  /** Porter2 stem: the key used to match terms ("payments", "payment" → "payment"; "timeouts" → "timeout"). */
  stem: string;
  pos: PartOfSpeech;
  /** wink token type: word, number, punctuation, email, url, currency, emoji, … */
  type: string;
  stopWord: boolean;
  /** Whether whitespace precedes this token (to rebuild phrases as written). */
  spaced: boolean;
}

export interface Sentence {
  index: number;
  text: string;
  tokens: Token[];
}

export interface AnalyseOptions {
  /**
   * Join hyphenated compounds that wink-nlp splits ("fraud-scoring", "start-to-close") back into one token, so a
   * keyword or phrase is the compound and not its last half. Default false (retrieval matches the parts).
   */
  compounds?: boolean;
}

/** Sentences of `text`, each with its analysed tokens. Sentence text has its whitespace collapsed. */
export function analyse(text: string, { compounds = false }: AnalyseOptions = {}): Sentence[] {
  const { its } = nlp();
  const doc = nlp().readDoc(text);
  const sentences: Sentence[] = [];
  doc.sentences().each((sentence, index) => {
    const tokens = sentence.tokens();
    const value = tokens.out() as string[];
    const normal = tokens.out(its.normal) as string[];
    // wink-nlp's declarations type the addon-based helpers (lemma, stem) more narrowly than `out` accepts.
    const lemma = tokens.out(its.lemma as unknown as ItsFunction<string>) as string[];
    const stem = tokens.out(its.stem as unknown as ItsFunction<string>) as string[];
    const pos = tokens.out(its.pos) as PartOfSpeech[];
    const type = tokens.out(its.type) as string[];
    const stop = tokens.out(its.stopWordFlag) as boolean[];
    const spaces = tokens.out(its.precedingSpaces) as string[];
    let list: Token[] = value.map((v, i) => ({
      value: v, normal: normal[i], lemma: lemma[i], stem: stem[i], pos: pos[i], type: type[i], stopWord: stop[i],
      spaced: spaces[i].length > 0,
    }));
    // Line breaks and tabs are tokens of their own in wink-nlp; they are only spacing here.
    list = list.flatMap((t, i) => {
      if (t.pos !== 'SPACE') return [t];
      if (list[i + 1]) list[i + 1] = { ...list[i + 1], spaced: true };
      return [];
    });
    if (compounds) list = joinCompounds(list);
    const text = (sentence.out() as string).replace(/\s+/g, ' ').trim();
    if (text) sentences.push({ index, text, tokens: list });
  });
  // Re-number after dropping empty sentences so indexes are positions in the returned array.
  return mergeOpenParentheses(sentences).map((s, i) => ({ ...s, index: i }));
}

/**
 * A sentence that leaves a parenthesis open was split inside it ("events (payment.succeeded, …)" splits at the
 * dot): join it with the following sentence(s) until the parenthesis closes.
 */
function mergeOpenParentheses(sentences: Sentence[]): Sentence[] {
  const out: Sentence[] = [];
  let open = 0;
  for (const sentence of sentences) {
    const previous = out[out.length - 1];
    if (open > 0 && previous) {
      previous.text = `${previous.text}${sentence.tokens[0]?.spaced === false ? '' : ' '}${sentence.text}`;
      previous.tokens = [...previous.tokens, ...sentence.tokens];
    } else {
      out.push({ ...sentence });
      open = 0;
    }
    for (const t of sentence.tokens) {
      if (t.value === '(') open++;
      else if (t.value === ')' && open > 0) open--;
    }
  }
  return out;
}

/** Sentences of the prose blocks of a Markdown or plain text (see `proseBlocks`), numbered across blocks. */
export function analyseProse(text: string, options: AnalyseOptions = {}): Sentence[] {
  return proseBlocks(text)
    .flatMap((block) => analyse(block, options))
    .map((s, i) => ({ ...s, index: i }));
}

const isWordLike = (t: Token) => (t.type === 'word' || t.type === 'number') && LETTER_OR_DIGIT.test(t.value);

/** Merges `word - word (- word …)` written without spaces into one token carrying the last part's tag. */
function joinCompounds(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const parts = [tokens[i]];
    while (
      isWordLike(parts[parts.length - 1]) && i + 2 < tokens.length && tokens[i + 1].value === '-' &&
      !tokens[i + 1].spaced && !tokens[i + 2].spaced && isWordLike(tokens[i + 2])
    ) {
      parts.push(tokens[i + 2]);
      i += 2;
    }
    if (parts.length === 1) {
      out.push(tokens[i]);
      continue;
    }
    const last = parts[parts.length - 1];
    const join = (pick: (t: Token) => string) => parts.map(pick).join('-');
    out.push({
      value: join((t) => t.value), normal: join((t) => t.normal),
      // Only the head (last part) inflects: "fraud-scoring" → "fraud-score", "follow-ups" → "follow-up".
      lemma: [...parts.slice(0, -1).map((t) => t.normal), last.lemma].join('-'),
      stem: [...parts.slice(0, -1).map((t) => t.normal), last.stem].join('-'),
      pos: last.pos, type: 'word', stopWord: false, spaced: parts[0].spaced,
    });
  }
  return out;
}


/** A content word: a real word (has a letter), not a stop word, at least two characters. */
export function isContentWord(token: Token): boolean {
  return token.type === 'word' && !token.stopWord && token.normal.length >= 2 && LETTER.test(token.normal);
}

/** Terms used for retrieval (BM25, expansion): content words plus numbers such as status codes ("500"). */
export function isIndexTerm(token: Token): boolean {
  return isContentWord(token) || token.type === 'number';
}

/** Keyword candidates: content words that are nouns, proper nouns or adjectives. */
export function isKeywordCandidate(token: Token): boolean {
  return isContentWord(token) && token.normal.length >= 3 && (token.pos === 'NOUN' || token.pos === 'PROPN' || token.pos === 'ADJ');
}

/** The stems of the retrieval terms of `text`, in order (duplicates kept: term frequency matters). */
export function indexTerms(text: string): string[] {
  return analyse(text).flatMap((s) => s.tokens.filter(isIndexTerm).map((t) => t.stem));
}

/**
 * Chooses a readable form for each stem: the form seen most often (ties: the first seen). Lemmas are used for
 * common nouns ("payments" → "payment"), the written form for proper nouns ("Temporal") and acronyms ("API").
 */
export class SurfaceForms {
  private readonly counts = new Map<string, Map<string, number>>();

  add(token: Token): void {
    const form = isAcronym(token.value) || (token.pos === 'PROPN' && token.value !== token.value.toUpperCase())
      ? token.value
      : token.lemma.toLowerCase();
    let forms = this.counts.get(token.stem);
    if (!forms) this.counts.set(token.stem, (forms = new Map()));
    forms.set(form, (forms.get(form) ?? 0) + 1);
  }

  of(stem: string): string {
    const forms = this.counts.get(stem);
    if (!forms) return stem;
    let best = stem;
    let bestCount = 0;
    for (const [form, count] of forms) {
      // Prefer the lower-case form on a tie: a sentence-initial capital is not a proper noun.
      if (count > bestCount || (count === bestCount && form === form.toLowerCase() && best !== best.toLowerCase())) {
        best = form;
        bestCount = count;
      }
    }
    return best;
  }
}

/** Short all-capitals words ("API", "SEPA", "TLS") are acronyms; longer ones ("URGENT") are shouting. */
export function isAcronym(word: string): boolean {
  return word.length >= 2 && word.length <= 5 && /^[\p{Lu}\p{N}]+$/u.test(word) && /\p{Lu}/u.test(word);
}

/** Rebuilds the written text of consecutive tokens. */
export function joinTokens(tokens: Token[]): string {
  return tokens.map((t, i) => (i > 0 && t.spaced ? ` ${t.value}` : t.value)).join('');
}
