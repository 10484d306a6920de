/**
 * The store's error contract. Business-rule failures are non-retryable and carry a stable `type`; a client maps them to
 * a typed, non-retryable failure. Infrastructure trouble (and injected faults) is retryable.
 */
import { jsonBytes, STORE_LIMITS } from './limits.js';

/** Every error type the store returns, with whether a retry can help. */
export const STORE_ERROR_TYPES = {
  UnknownCustomer: false,
  UnknownProduct: false,
  UnknownPayment: false,
  UnknownTicket: false,
  UnknownDocument: false,
  UnknownDeadLetter: false,
  UserExists: false,
  InsufficientInventory: false,
  PaymentDeclined: false,
  RefundExceedsCharge: false,
  InvalidAddress: false,
  InvalidRequest: false,
  InvalidTransition: false,
  IdempotencyKeyReused: false,
  QueryRejected: false,
  QueryTimeout: false,
  ResultTooLarge: false,
  InjectedFault: true,
  Cancelled: true,
  StoreError: true,
} as const satisfies Record<string, boolean>;

export type StoreErrorType = keyof typeof STORE_ERROR_TYPES;

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

/** The machine-readable error body: `structuredContent.error` of an error result. */
export interface StoreErrorBody {
  type: StoreErrorType;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
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
