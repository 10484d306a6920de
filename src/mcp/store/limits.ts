/**
 * The store server's size limits, in one place. They keep every reply far under the MCP SDK's stdio read limit
 * (10 MB per message): one reply over it would close the shared connection and fail every call in flight on it, other
 * runs' calls included. A result that would pass `replyBytes` is answered with a non-retryable `ResultTooLarge` instead.
 */
import { z } from 'zod';
import { jsonDepth } from '../../shared/json-depth.js';

export const STORE_LIMITS = {
  /**
   * One result as JSON. The reply carries it twice (text content and structuredContent; the text escaped once more),
   * so a reply stays under ~3× this: 3 MB, a third of the transport's limit.
   */
  replyBytes: 1_000_000,
  /** One value of a query result row, as JSON. */
  valueBytes: 100_000,
  /** One query result row, as JSON. */
  rowBytes: 250_000,
  /** Ids and keys in every tool's arguments (customer_id, sku, payment_id, …). */
  idLength: 200,
  /** Free-text arguments (subjects, notes, …) unless a tool says otherwise. */
  textLength: 20_000,
  /** A JSON argument (event payload, dead-letter item) as JSON text. */
  jsonBytes: 256_000,
  /** Nesting depth of a JSON argument (deeper documents are bad input, not a reason to overflow the stack). */
  jsonDepth: 64,
  /** An error message, and an error's details as JSON. */
  errorMessageLength: 2_000,
  errorDetailsBytes: 8_000,
} as const;

export { quote } from '../../shared/validation.js';

/** The bytes a value takes as JSON (UTF-8). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null');
}

/** A JSON argument bounded in depth (checked first, without recursion) and in size. */
export function boundedJson<T extends z.ZodType>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    const depth = jsonDepth(value, STORE_LIMITS.jsonDepth);
    if (depth > STORE_LIMITS.jsonDepth) {
      ctx.addIssue({ code: 'custom', message: `nests deeper than ${STORE_LIMITS.jsonDepth} levels`, abort: true });
      return;
    }
    const bytes = jsonBytes(value);
    if (bytes > STORE_LIMITS.jsonBytes) ctx.addIssue({ code: 'custom', message: `is ${bytes} bytes as JSON; at most ${STORE_LIMITS.jsonBytes}` });
  }) as unknown as T;
}

/** An id or key argument: 1 to `idLength` characters. */
export const idString = () => z.string().min(1).max(STORE_LIMITS.idLength);
