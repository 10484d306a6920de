/**
 * Language identification with `franc` (trigram profiles for 187 languages, ISO 639-3 codes). Names come from the
 * runtime's CLDR data (`Intl.DisplayNames`), which knows ISO 639-3 codes.
 *
 * franc gives no probability: it scores every language relative to the best match (best = 1). The reported
 * `confidence` combines the two things that make its answer reliable:
 * - the margin of the best language over the runner-up, `min(1, (1 − second) / 0.05)` — clear paragraphs in
 *   English, French, German or Spanish beat their nearest relative (Scots, Catalan, Dutch, Galician) by 0.05–0.2;
 * - the amount of text, `min(1, characters / 100)` — trigram statistics on a few words are weak evidence.
 * `confidence = margin factor × length factor`. Text shorter than `minLength` characters (default 20) is `und`
 * (undetermined) with confidence 0.
 */
import { francAll } from 'franc';
import { round } from './graph.js';

export interface LanguageCandidate {
  code: string;
  name: string;
  score: number;
}

export interface LanguageResult {
  /** ISO 639-3 code, or `und` when the text is too short or has no recognisable script. */
  code: string;
  name: string;
  /** 0…1 (see module doc). */
  confidence: number;
  /** The best few candidates with franc's relative scores. */
  alternatives: LanguageCandidate[];
}

export interface LanguageOptions {
  /** Minimum length in characters; default 20. */
  minLength?: number;
  /** Restrict to these ISO 639-3 codes (improves accuracy when the possible languages are known). */
  only?: string[];
}

export const DEFAULT_MIN_LANGUAGE_LENGTH = 20;
const CERTAIN_MARGIN = 0.05;
const CERTAIN_LENGTH = 100;

let names: Intl.DisplayNames | undefined;

export function languageName(code: string): string {
  if (code === 'und') return 'Undetermined';
  names ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

export function detectLanguage(text: string, { minLength = DEFAULT_MIN_LANGUAGE_LENGTH, only }: LanguageOptions = {}): LanguageResult {
  const ranked = francAll(text, { minLength, ...(only && only.length > 0 ? { only } : {}) });
  const [best, second] = ranked;
  if (!best || best[0] === 'und') return { code: 'und', name: languageName('und'), confidence: 0, alternatives: [] };
  const margin = second ? 1 - second[1] : 1;
  return {
    code: best[0],
    name: languageName(best[0]),
    confidence: round(Math.min(1, margin / CERTAIN_MARGIN) * Math.min(1, text.trim().length / CERTAIN_LENGTH)),
    alternatives: ranked.slice(0, 3).map(([code, score]) => ({ code, name: languageName(code), score: round(score) })),
  };
}
