/**
 * Keeps configured secrets out of what people see. Temporal stores failure messages, failure details and activity
 * results in workflow history, readable by anyone with Web UI access, and worker logs are read by operators: no value
 * from the worker's secret configuration may reach them.
 *
 * One helper, used where those strings are produced (the MCP config loader, the MCP pool, the tool activities and the
 * LLM activity):
 *   - every value registered with `registerSecret` (each `${VAR}` the MCP config expanded from the environment, header
 *     values that carry credentials, the LLM API key) becomes `[redacted:<name>]`;
 *   - in messages (not in data such as tool results) URLs also lose their credentials (`https://***@host`) and their
 *     query string (`?[redacted]`), and Authorization-style headers and bearer tokens lose their value.
 * The registry is per process: secrets live in the worker's environment, and everything that process reports is
 * redacted against all of them.
 */

/** Shorter values are left alone: they would blank out ordinary words and numbers, and are no secret worth the noise. */
export const MIN_SECRET_LENGTH = 6;

const secrets = new Map<string, string>();
let ordered: [string, string][] = [];

/** Remembers a secret value (and its URL-encoded form) so `redact` hides it; `name` says which one it was. */
export function registerSecret(value: string | undefined, name: string): void {
  if (!value || value.length < MIN_SECRET_LENGTH) return;
  for (const form of new Set([value, encodeURIComponent(value)])) secrets.set(form, name);
  ordered = [...secrets].sort((a, b) => b[0].length - a[0].length); // longest first: a secret containing another goes whole
}

/** Registers what a URL carries that may be secret: its user name, password, query string and each query value. */
export function registerUrlSecrets(url: string | URL, name: string): void {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return;
  }
  registerSecret(decodeURIComponent(parsed.username), `${name} user`);
  registerSecret(decodeURIComponent(parsed.password), `${name} password`);
  registerSecret(parsed.search.slice(1), `${name} query`);
  for (const [key, value] of parsed.searchParams) registerSecret(value, `${name} query ${key}`);
}

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const HEADER_PATTERN = /\b((?:proxy-)?authorization|x-api-key|api[-_]?key|x-auth-token|cookie)(["']?\s*[:=]\s*["']?)([^"'\r\n,;}]+)/gi;
const BEARER_PATTERN = /\bBearer\s+[A-Za-z0-9._~+/=-]+/g;

/** `text` with every registered secret value replaced, and nothing else changed: for data (tool results). */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [value, name] of ordered) out = out.split(value).join(`[redacted:${name}]`);
  return out;
}

/** `text` with every registered secret, URL credential and query string, and authorization value replaced. */
export function redact(text: string): string {
  return redactSecrets(text)
    .replace(URL_PATTERN, (url) => redactUrl(url))
    .replace(HEADER_PATTERN, (_, header: string, separator: string) => `${header}${separator}[redacted]`)
    .replace(BEARER_PATTERN, 'Bearer [redacted]');
}

/** A URL without its credentials and query string, for messages: `https://***@api.example.com/v1?[redacted]`. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return String(url);
  }
  if (!parsed.username && !parsed.password && !parsed.search) return String(url); // nothing to hide: as written
  const credentials = parsed.username || parsed.password ? '***@' : '';
  const query = parsed.search ? '?[redacted]' : '';
  return `${parsed.protocol}//${credentials}${parsed.host}${parsed.pathname}${query}${parsed.hash}`;
}

/**
 * Every string inside `value` (objects and arrays, copied) redacted by `how`: `redact` for messages, `redactSecrets`
 * for data, whose URLs and headers are content (a link's query string is not a secret unless it holds one).
 */
export function redactDeep<T>(value: T, how: (text: string) => string = redact): T {
  if (typeof value === 'string') return how(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, how)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, how)])) as T;
  }
  return value;
}

/**
 * A copy of an error (and its causes) with redacted message and stack, for a failure's `cause`: Temporal records a
 * cause's message and stack trace in history too.
 */
export function redactError(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const copy = new Error(redact(error.message), error.cause === undefined ? undefined : { cause: redactError(error.cause) });
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : redact(error.stack);
  return copy;
}
