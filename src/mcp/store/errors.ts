/**
 * The store's failures as the server raises them. The contract itself (the error types, whether each is retryable, the
 * error body) is in src/shared/store-errors.ts, which the workflows that call the store depend on too.
 */
import { STORE_ERROR_TYPES, type StoreErrorBody, type StoreErrorType } from '../../shared/store-errors.js';
import { jsonBytes, STORE_LIMITS } from './limits.js';

export { STORE_ERROR_TYPES, type StoreErrorBody, type StoreErrorType };

/** A failure the store reports to the caller as an MCP tool error (`isError: true`). */
export class StoreFailure extends Error {
  readonly type: StoreErrorType;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(type: StoreErrorType, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = type;
    this.type = type;
    this.retryable = STORE_ERROR_TYPES[type];
    this.details = details;
  }
}

/**
 * Any thrown value as the error body the MCP layer sends, its message and details cut to STORE_LIMITS (an error must
 * never be what makes a reply too large). Unexpected exceptions become a retryable `StoreError`, except a RangeError
 * (a stack overflow or an over-long string): the same input fails the same way, so it is a non-retryable InvalidRequest.
 */
export function toErrorBody(error: unknown): StoreErrorBody {
  if (error instanceof StoreFailure) {
    return {
      type: error.type,
      message: clip(error.message),
      retryable: error.retryable,
      ...(error.details ? { details: clipDetails(error.details) } : {}),
    };
  }
  const message = clip(error instanceof Error ? error.message : String(error));
  if (error instanceof RangeError) {
    return { type: 'InvalidRequest', message: `the request could not be processed (too large or too deeply nested): ${message}`, retryable: false };
  }
  return { type: 'StoreError', message, retryable: true };
}

function clip(message: string): string {
  const max = STORE_LIMITS.errorMessageLength;
  return message.length <= max ? message : `${message.slice(0, max)}… (${message.length} characters)`;
}

function clipDetails(details: Record<string, unknown>): Record<string, unknown> {
  const bytes = jsonBytes(details);
  return bytes <= STORE_LIMITS.errorDetailsBytes ? details : { truncated: true, bytes };
}

/** Throws a StoreFailure (typed `never`, so it narrows and fits in `?? fail(...)`). */
export function fail(type: StoreErrorType, message: string, details?: Record<string, unknown>): never {
  throw new StoreFailure(type, message, details);
}
