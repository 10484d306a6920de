/**
 * The analytics query guard's second line: a conservative, SQLite-faithful tokenizer and checks on the query's text,
 * run before it is prepared. The first line is compiled-guard.ts, which checks what SQLite actually compiled.
 *
 * The text alone cannot be the defence: SQLite accepts a 'single-quoted string' where a table name is expected, and
 * resolves views, table-valued functions and CTEs the text does not spell out. What the tokenizer still does well is
 * refuse early and with a clear message: more than one statement, anything but SELECT/WITH, write/DDL/PRAGMA words,
 * named parameters, and identifiers (bare, "quoted", [bracketed] or `ticked`) naming a database object
 * outside the allowlist or starting with `sqlite_` / `pragma_`.
 */
import { StoreFailure } from './errors.js';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'blob' | 'param' | 'punct';
export interface Token {
  kind: TokenKind;
  /** Raw text. */
  text: string;
  /** For word/quoted: the identifier, unquoted and lower-cased. */
  name?: string;
}

const reject = (message: string): never => {
  throw new StoreFailure('QueryRejected', message);
};

const isIdStart = (ch: string) => /[A-Za-z_]/.test(ch) || ch.charCodeAt(0) >= 0x80;
const isIdChar = (ch: string) => /[A-Za-z0-9_$]/.test(ch) || ch.charCodeAt(0) >= 0x80;

/** Splits SQL into tokens the way SQLite does (comments and whitespace dropped). Unterminated quotes are rejected. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  const quoted = (open: string, close: string, doubled: boolean): string => {
    let j = i + 1;
    let out = '';
    for (;;) {
      if (j >= n) reject(`unterminated ${open === "'" ? 'string' : 'identifier'} in query`);
      const ch = sql[j];
      if (ch === close) {
        if (doubled && sql[j + 1] === close) {
          out += close;
          j += 2;
          continue;
        }
        break;
      }
      out += ch;
      j++;
    }
    i = j + 1;
    return out;
  };
  while (i < n) {
    const ch = sql[i];
    const start = i;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\f' || ch === '\r') {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (ch === "'") {
      quoted("'", "'", true);
      tokens.push({ kind: 'string', text: sql.slice(start, i) });
    } else if (ch === '"' || ch === '`') {
      const name = quoted(ch, ch, true);
      tokens.push({ kind: 'quoted', text: sql.slice(start, i), name: name.toLowerCase() });
    } else if (ch === '[') {
      const name = quoted('[', ']', false);
      tokens.push({ kind: 'quoted', text: sql.slice(start, i), name: name.toLowerCase() });
    } else if ((ch === 'x' || ch === 'X') && sql[i + 1] === "'") {
      i++;
      quoted("'", "'", false);
      tokens.push({ kind: 'blob', text: sql.slice(start, i) });
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      i++;
      while (i < n && /[0-9A-Za-z_.]/.test(sql[i])) {
        // exponent sign: 1e+5
        if ((sql[i] === 'e' || sql[i] === 'E') && (sql[i + 1] === '+' || sql[i + 1] === '-')) i++;
        i++;
      }
      tokens.push({ kind: 'number', text: sql.slice(start, i) });
    } else if (ch === '?') {
      i++;
      while (i < n && /[0-9]/.test(sql[i])) i++;
      tokens.push({ kind: 'param', text: sql.slice(start, i) });
    } else if (ch === ':' || ch === '@' || ch === '$' || ch === '#') {
      i++;
      while (i < n && (isIdChar(sql[i]) || sql[i] === ':')) i++;
      tokens.push({ kind: 'param', text: sql.slice(start, i) });
    } else if (isIdStart(ch)) {
      i++;
      while (i < n && isIdChar(sql[i])) i++;
      const text = sql.slice(start, i);
      tokens.push({ kind: 'word', text, name: text.toLowerCase() });
    } else {
      const two = sql.slice(i, i + 2);
      const three = sql.slice(i, i + 3);
      const op = ['->>'].includes(three) ? three
        : ['||', '<=', '>=', '==', '!=', '<>', '<<', '>>', '->'].includes(two) ? two : ch;
      i += op.length;
      tokens.push({ kind: 'punct', text: op });
    }
  }
  return tokens;
}

/** Words that never belong in a read-only analytics query. */
const FORBIDDEN_WORDS = new Set([
  'insert', 'update', 'delete', 'create', 'drop', 'alter', 'attach', 'detach', 'pragma', 'vacuum', 'reindex',
  'analyze', 'begin', 'commit', 'rollback', 'savepoint', 'release', 'returning', 'into',
]);

/** Functions and table-valued functions that read outside the allowlist, touch files or only burn memory. */
const FORBIDDEN_FUNCTIONS = new Set([
  'load_extension', 'readfile', 'writefile', 'edit', 'fts3_tokenizer', 'fts5', 'dbstat', 'randomblob', 'zeroblob',
  'json_each', 'json_tree', 'jsonb_each', 'jsonb_tree', 'generate_series', 'fts5vocab',
]);

export interface GuardOptions {
  /** Lower-case names of tables and views the query may read. */
  allowlist: ReadonlySet<string>;
  /** Lower-case names of every object in the database schema (tables, views, indexes, triggers, FTS shadow tables). */
  schemaObjects: ReadonlySet<string>;
}

/**
 * Throws QueryRejected unless `sql` is one SELECT (or WITH … SELECT) that names only allowlisted tables and views,
 * with `?` placeholders only and no recursive common table expressions.
 */
export function guardQuery(sql: string, options: GuardOptions): Token[] {
  const tokens = tokenize(sql);
  while (tokens.length > 0 && tokens[tokens.length - 1].text === ';') tokens.pop();
  if (tokens.length === 0) reject('empty query');
  if (tokens.some((token) => token.text === ';')) reject('only one statement is allowed');
  const first = tokens[0].kind === 'word' ? tokens[0].name : undefined;
  if (first !== 'select' && first !== 'with') reject('only SELECT queries are allowed');

  for (const token of tokens) {
    if (token.kind === 'param' && token.text !== '?') reject(`use plain ? placeholders, not ${token.text}`);
    if (token.kind !== 'word' && token.kind !== 'quoted') continue;
    const name = token.name ?? '';
    if (token.kind === 'word' && FORBIDDEN_WORDS.has(name)) reject(`only SELECT queries are allowed (found ${token.text.toUpperCase()})`);
    if (token.kind === 'word' && name === 'recursive') reject('recursive queries are not allowed');
    if (name.startsWith('sqlite_') || name.startsWith('pragma_')) reject(`${token.text} is not queryable`);
    if (FORBIDDEN_FUNCTIONS.has(name)) reject(`${token.text} is not allowed in analytics queries`);
    if (options.schemaObjects.has(name) && !options.allowlist.has(name)) {
      reject(`${token.text} is not queryable; allowed: ${[...options.allowlist].sort().join(', ')}`);
    }
  }
  rejectRecursiveCtes(tokens);
  return tokens;
}

/** SQLite lets a CTE reference itself without the RECURSIVE keyword; such CTEs can run forever, so refuse them. */
function rejectRecursiveCtes(tokens: Token[]): void {
  const isWord = (index: number, word: string) => tokens[index]?.kind === 'word' && tokens[index].name === word;
  const matching = (open: number): number => {
    let depth = 0;
    for (let k = open; k < tokens.length; k++) {
      if (tokens[k].text === '(') depth++;
      else if (tokens[k].text === ')' && --depth === 0) return k;
    }
    return reject('unbalanced parentheses');
  };
  tokens.forEach((token, at) => {
    if (token.kind !== 'word' || token.name !== 'with') return;
    let j = at + 1;
    for (;;) {
      const nameToken = tokens[j];
      if (!nameToken || (nameToken.kind !== 'word' && nameToken.kind !== 'quoted')) return;
      j++;
      if (tokens[j]?.text === '(') j = matching(j) + 1;
      if (!isWord(j, 'as')) return;
      j++;
      if (isWord(j, 'not')) j++;
      if (isWord(j, 'materialized')) j++;
      if (tokens[j]?.text !== '(') return;
      const close = matching(j);
      for (let k = j + 1; k < close; k++) {
        const inner = tokens[k];
        if ((inner.kind === 'word' || inner.kind === 'quoted') && inner.name === nameToken.name) {
          reject(`recursive common table expressions are not allowed (${nameToken.text})`);
        }
      }
      j = close + 1;
      if (tokens[j]?.text !== ',') return;
      j++;
    }
  });
}
