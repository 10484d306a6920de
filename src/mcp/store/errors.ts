/**
 * The store's failures as the server raises them. The contract itself (the error types, whether each is retryable, the
 * error body) is in src/shared/store-errors.ts, which the workflows that call the store depend on too.
 */
import { STORE_ERROR_TYPES, type StoreErrorBody, type StoreErrorType } from '../../shared/store-errors.js';

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

/** Any thrown value as the error body the MCP layer sends. Unexpected exceptions become a retryable `StoreError`. */
export function toErrorBody(error: unknown): StoreErrorBody {
  if (error instanceof StoreFailure) {
    return {
      type: error.type,
      message: error.message,
      retryable: error.retryable,
      ...(error.details ? { details: error.details } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'StoreError', message, retryable: true };
}

/** Throws a StoreFailure (typed `never`, so it narrows and fits in `?? fail(...)`). */
export function fail(type: StoreErrorType, message: string, details?: Record<string, unknown>): never {
  throw new StoreFailure(type, message, details);
}
