import ms, { type StringValue } from 'ms';
import { z } from 'zod';

/** A duration as Temporal writes them: milliseconds, or an ms-formatted string such as `30s`, `4h` or `1 day`. */
export const Duration = z
  .union([z.number().int().positive(), z.string().min(1)])
  .refine((value) => toMs(value) !== undefined && toMs(value)! > 0, {
    message: 'must be a positive duration such as 500, "30s", "4h" or "1 day"',
  });
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
export const Slug = z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'use 1–80 letters, digits, ".", "-" or "_"');
