import type { z } from 'zod';

/**
 * One line per problem, naming the field: `items[2].quantity: Too small: expected number to be >=1`. Given the input,
 * a field that is missing reads `required` (not the type error, nor a format rule such as "must be an email address").
 */
export function describeIssues(error: z.ZodError, input?: unknown): string {
  return error.issues.map((issue) => {
    const missing = input !== undefined && issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    return `${formatPath(issue.path) || '(input)'}: ${missing ? 'required' : issue.message}`;
  }).join('; ');
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

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function validate<S extends z.ZodType>(schema: S, raw: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(raw);
  return result.success ? { ok: true, value: result.data } : { ok: false, message: describeIssues(result.error, raw) };
}
