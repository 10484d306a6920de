/**
 * The resource pool's messages (src/workflows/resource-pool.ts): what an agent asks for and gives back, and what the
 * pool reports. Pure: the workflow, the pool activities, the client and the tests share it.
 */
import { z } from 'zod';

export const POOL_ACQUIRE_UPDATE = 'acquire';
export const POOL_RELEASE_UPDATE = 'release';
export const POOL_RETIRE_UPDATE = 'retire';
export const POOL_QUERY = 'pool';

/** The pool's workflow id: one long-lived entity per pool name. */
export function poolWorkflowId(name: string): string {
  return `resource-pool-${name}`;
}

export const PoolName = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'use 1–40 letters, digits, "_" or "-"');

export const AgentStats = z.object({ runs: z.number().int().min(0), successes: z.number().int().min(0) });
export type AgentStats = z.infer<typeof AgentStats>;

export const GrantRecord = z.object({ requestId: z.string(), holder: z.string(), units: z.number().int(), agentType: z.string().optional(), at: z.string() });
export type GrantRecord = z.infer<typeof GrantRecord>;

/** The state a pool carries across continue-as-new. */
export const PoolCarried = z.object({
  grants: z.array(GrantRecord).default([]),
  queue: z.array(GrantRecord).default([]),
  stats: z.record(z.string(), AgentStats).default({}),
});

export const ResourcePoolInput = z.object({
  name: PoolName.default('agents'),
  /** Units the pool can grant at once. */
  capacity: z.number().int().min(1).max(1_000).default(4),
  /** Continue as new once the history has this many events (and no update is in flight). */
  continueAsNewAfterEvents: z.number().int().min(20).max(40_000).default(2_000),
  /** Carried from the previous run (continue-as-new). */
  carried: PoolCarried.optional(),
});
export type ResourcePoolInput = z.input<typeof ResourcePoolInput>;

export const AcquireRequest = z.strictObject({
  /** Names the grant; the same id again returns the same grant (an activity retry never takes twice). */
  requestId: z.string().min(1).max(200),
  /** Who holds it (a workflow id). */
  holder: z.string().min(1).max(200),
  units: z.number().int().min(1, 'must be at least 1'),
  agentType: z.string().min(1).max(80).optional(),
});
export type AcquireRequest = z.input<typeof AcquireRequest>;

export const ReleaseRequest = z.strictObject({
  requestId: z.string().min(1).max(200),
  /** How the holder's run ended, counted in its agent type's success rate (once per grant). */
  outcome: z.object({ agentType: z.string().min(1).max(80), succeeded: z.boolean() }).optional(),
});
export type ReleaseRequest = z.input<typeof ReleaseRequest>;

export interface Grant { requestId: string; units: number; grantedAt: string }
export interface Released { requestId: string; released: boolean; was: 'granted' | 'queued' | 'unknown' }

export interface PoolState {
  name: string;
  capacity: number;
  inUse: number;
  available: number;
  grants: GrantRecord[];
  queue: GrantRecord[];
  /** Retiring: no new requests; the run ends once every grant is back. */
  retiring: boolean;
  /** Finished runs and successes per agent type, and the success rate (1.0 before any run). */
  successRates: Record<string, AgentStats & { rate: number }>;
}

/** A retired pool's last word: its success rates (a new pool under the name starts afresh). */
export const ResourcePoolResult = z.object({
  name: z.string(),
  retired: z.literal(true),
  successRates: z.record(z.string(), AgentStats.extend({ rate: z.number() })),
});
export type ResourcePoolResult = z.infer<typeof ResourcePoolResult>;
