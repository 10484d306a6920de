/**
 * What a branch does to an item's records, pure: parse what ingestion read (store rows, or log / JSON lines of a file),
 * validate each record against the checks that apply (its quality is the share it passes), and transform it into the
 * merged shape. The branch's child workflow runs these after its MCP tool call; the tests call them directly.
 */

export type Scalar = string | number | boolean | null;
export type Fields = Record<string, Scalar>;

/** An extra check on one field of an item's records. */
export interface FieldRule {
  field: string;
  /** The field must be present and not empty (default true). */
  required?: boolean;
  oneOf?: Scalar[];
  min?: number;
  max?: number;
}

/** A record as read: a store row, a log line (unparseable lines too) or a JSON line. */
export interface RawRecord {
  format: 'row' | 'log' | 'json';
  fields: Fields;
}

export interface CheckedRecord {
  fields: Fields;
  /** Share of its checks the record passed, 0–1 (1 when nothing applied). */
  quality: number;
  /** The checks it failed, in words. */
  problems: string[];
}

/** The levels a log line may carry. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
/** `2024-06-11T13:48:26.265Z INFO  api-gateway [req_…] message key=value …` */
const LOG_LINE = /^(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/;
const KEY_VALUE = /(?:^|\s)([A-Za-z_][\w.]*)=(\S+)/g;

/**
 * The records of a file: one per non-blank line; a JSON-object line is taken as it is, a log line is split into `at`,
 * `level`, `service`, `message` and its `key=value` pairs; anything else becomes `{raw}` (and fails the log checks).
 */
export function recordsOfText(text: string): RawRecord[] {
  return text.split(/\r?\n/).filter((line) => line.trim()).map((line): RawRecord => {
    const trimmed = line.trim();
    if (trimmed.startsWith('{')) {
      try {
        const parsed = JSON.parse(trimmed) as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { format: 'json', fields: scalars(parsed as Record<string, unknown>) };
      } catch { /* not JSON: read it as a log line */ }
    }
    const match = LOG_LINE.exec(trimmed);
    if (!match) return { format: 'log', fields: { raw: trimmed } };
    const [, at, level, service, message] = match;
    const pairs: Fields = {};
    for (const [, key, value] of message.matchAll(KEY_VALUE)) pairs[key] = value;
    return { format: 'log', fields: { at, level, service, message, ...pairs } };
  });
}

/** The records of a store query result (`{rows: [{column: value}]}`). */
export function recordsOfRows(result: unknown): RawRecord[] {
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? rows.map((row) => ({ format: 'row', fields: scalars(row as Record<string, unknown>) })) : [];
}

function scalars(object: Record<string, unknown>): Fields {
  return Object.fromEntries(Object.entries(object).map(([key, value]) =>
    [key, value === null || ['string', 'number', 'boolean'].includes(typeof value) ? value as Scalar : JSON.stringify(value)]));
}

const present = (value: Scalar | undefined) => value !== undefined && value !== null && value !== '';

/**
 * Validates records: a log record must have a parseable `at` time, a known `level`, a `service` and a `message`; a
 * store row must have no null column; a JSON line only the item's rules; then the item's own rules apply to all.
 * Quality = checks passed / checks.
 */
export function validateRecords(records: readonly RawRecord[], rules: readonly FieldRule[] = []): CheckedRecord[] {
  return records.map(({ format, fields }) => {
    const checks: Array<[boolean, string]> = [];
    if (format === 'log') {
      checks.push([typeof fields.at === 'string' && !Number.isNaN(Date.parse(fields.at)), 'at: not a timestamp']);
      checks.push([LOG_LEVELS.includes(String(fields.level) as (typeof LOG_LEVELS)[number]), `level: not one of ${LOG_LEVELS.join(', ')}`]);
      checks.push([present(fields.service), 'service: missing']);
      checks.push([present(fields.message), 'message: missing']);
    } else if (format === 'row') {
      for (const [key, value] of Object.entries(fields)) checks.push([value !== null, `${key}: null`]);
    }
    for (const rule of rules) checks.push(...ruleChecks(rule, fields[rule.field]));
    const failed = checks.filter(([ok]) => !ok).map(([, problem]) => problem);
    return { fields, quality: checks.length ? (checks.length - failed.length) / checks.length : 1, problems: failed };
  });
}

function ruleChecks(rule: FieldRule, value: Scalar | undefined): Array<[boolean, string]> {
  const checks: Array<[boolean, string]> = [];
  if (rule.required !== false) checks.push([present(value), `${rule.field}: missing`]);
  if (!present(value)) return checks;
  if (rule.oneOf) checks.push([rule.oneOf.includes(value!), `${rule.field}: not one of ${rule.oneOf.map(String).join(', ')}`]);
  const number = typeof value === 'number' ? value : Number(value);
  if (rule.min !== undefined) checks.push([Number.isFinite(number) && number >= rule.min, `${rule.field}: below ${rule.min}`]);
  if (rule.max !== undefined) checks.push([Number.isFinite(number) && number <= rule.max, `${rule.field}: above ${rule.max}`]);
  return checks;
}

/**
 * The transformation into the merged shape: keys in snake_case, numeric strings as numbers, `true`/`false` as
 * booleans, timestamps in ISO 8601 (UTC), surrounding blanks trimmed.
 */
export function transformRecord(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [snakeCase(key), normalise(key, value)]));
}

function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toLowerCase() || key;
}

function normalise(key: string, value: Scalar): Scalar {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text) && text.length <= 15) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if ((key === 'at' || /(^|_)(date|time|at)$/i.test(key)) && /^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text))) {
    return new Date(text).toISOString();
  }
  return text;
}
