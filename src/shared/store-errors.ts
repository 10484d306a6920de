/**
 * The store server's error contract, shared by the server (src/mcp/store/) and its callers (the workflows): business-rule
 * failures are non-retryable and carry a stable `type`, which a client maps to a typed, non-retryable failure;
 * infrastructure trouble (and injected faults) is retryable.
 */

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
  VersionConflict: false,
  QueryRejected: false,
  QueryTimeout: false,
  ResultTooLarge: false,
  InjectedFault: true,
  Cancelled: true,
  StoreError: true,
} as const satisfies Record<string, boolean>;

export type StoreErrorType = keyof typeof STORE_ERROR_TYPES;

/** The machine-readable error body: `structuredContent.error` of an error result. */
export interface StoreErrorBody {
  type: StoreErrorType;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}
