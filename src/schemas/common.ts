/**
 * Schemas shared by workflow inputs, in zod/mini (see src/shared/zod-mini.ts: every workflow that calls a tool loads
 * this module in its first task). Classic schemas use them as values: `z.optional(Duration)`, `z._default(Duration, '1 minute')`.
 */
import ms, { type StringValue } from 'ms';
import { z } from 'zod/mini';
import '../shared/zod-mini.js'; // English messages, as classic zod gives

/** A duration as Temporal writes them: milliseconds, or an ms-formatted string such as `30s`, `4h` or `1 day`. */
export const Duration = z
  .union([z.number().check(z.int(), z.positive()), z.string().check(z.minLength(1))])
  .check(z.refine((value) => toMs(value) !== undefined && toMs(value)! > 0, {
    message: 'must be a positive duration such as 500, "30s", "4h" or "1 day"',
  }));
export type Duration = z.infer<typeof Duration>;

/** Milliseconds of a duration, or undefined when it does not parse. */
export function toMs(value: number | string): number | undefined {
  if (typeof value === 'number') return value;
  try {
    const parsed = ms(value as StringValue);
    return Number.isFinite(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A workflow-id fragment a person can read: letters, digits, dot, dash and underscore. */
export const Slug = z.string().check(z.regex(/^[A-Za-z0-9._-]{1,80}$/, 'use 1–80 letters, digits, ".", "-" or "_"'));
