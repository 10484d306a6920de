import { safeParse, type $ZodError, type $ZodType, type output } from 'zod/v4/core';

/** One thing wrong with an input: where (`items[2].quantity`, or `(input)` for the whole) and why. */
export interface Problem {
  path: string;
  message: string;
}

/**
 * One problem per issue, naming the field: `items[2].quantity`, `Too small: expected number to be >=1`. Given the
 * input, a field that is missing reads `required` (not the type error, nor a format rule such as "must be an email
 * address").
 */
export function problemsOf(error: $ZodError, input?: unknown): Problem[] {
  return error.issues.map((issue) => {
    const missing = input !== undefined && issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    return { path: formatPath(issue.path) || '(input)', message: missing ? 'required' : issue.message };
  });
}

/** Problems as one line: `items[2].quantity: Too small: …; email: required`. */
export function describeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}

/** {@link problemsOf} as one line. */
export function describeIssues(error: $ZodError, input?: unknown): string {
  return describeProblems(problemsOf(error, input));
}

/**
 * A value a person typed, in short form for an error message: JSON-quoted (so control characters and quotes are
 * escaped and the value cannot run into the rest of the message), and cut to `max` characters with its length said:
 * `"ABC…" (4000000 characters)`.
 */
export function quote(value: string, max = 64): string {
  if (value.length <= max) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, max)).slice(0, -1)}…" (${value.length} characters)`;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = input;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; problems: Problem[] };

/** Checks `raw` against a schema of either flavour, classic zod or zod/mini (src/shared/zod-mini.ts). */
export function validate<S extends $ZodType>(schema: S, raw: unknown): Parsed<output<S>> {
  const result = safeParse(schema, raw);
  if (result.success) return { ok: true, value: result.data };
  const problems = problemsOf(result.error, raw);
  return { ok: false, message: describeProblems(problems), problems };
}
