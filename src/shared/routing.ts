/**
 * The routing vocabulary shared by the routing workflows (src/routing/rules.ts applies the rules) and their
 * schemas (src/schemas/route-request.ts, access-request.ts): request types, priorities and user types.
 */

export const REQUEST_TYPES = ['customer_service', 'technical_support', 'sales_inquiry', 'data_analysis', 'general_query'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Routing by user type (seed 001 §3): admin requests need approval; premium and standard are processed directly. */
export const USER_TYPES = ['admin', 'premium', 'standard'] as const;
export type UserType = (typeof USER_TYPES)[number];
