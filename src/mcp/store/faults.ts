/**
 * Test-only fault injection, configured by STORE_FAULTS (JSON, off by default), e.g.
 *   {"charge_payment":{"fail":2}}            the first 2 calls return a retryable InjectedFault, before any effect
 *   {"reserve_inventory":{"hang":true}}     every call hangs until cancelled (hang: N = the first N calls)
 *   {"charge_payment":{"failAfterEffect":1}} the first call commits its effect, then returns InjectedFault
 *   {"query":{"delayMs":200}}               every call waits 200 ms first (cancellable)
 * Occurrences are counted in the database's fault_log table, so several server processes and the tests agree.
 */
import { z } from 'zod';
import { describeIssues } from '../../shared/validation.js';
import { storeToolInputs } from './tools.js';

export const faultSpecSchema = z.strictObject({
  fail: z.number().int().min(0).optional(),
  hang: z.union([z.boolean(), z.number().int().min(0)]).optional(),
  failAfterEffect: z.number().int().min(0).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
});
export type FaultSpec = z.infer<typeof faultSpecSchema>;

const toolNames = Object.keys(storeToolInputs) as [string, ...string[]];
export const faultConfigSchema = z.partialRecord(z.enum(toolNames), faultSpecSchema);
export type FaultConfig = Partial<Record<string, FaultSpec>>;

/** Parses STORE_FAULTS; throws a readable error for bad JSON, unknown tools or unknown fault kinds. */
export function parseFaults(raw: string | undefined): FaultConfig {
  if (raw === undefined || raw.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new Error(`STORE_FAULTS is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = faultConfigSchema.safeParse(json);
  if (!parsed.success) throw new Error(`STORE_FAULTS: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** How many of the first calls a `hang` setting applies to. */
export function hangLimit(spec: FaultSpec | undefined): number {
  if (spec?.hang === true) return Number.POSITIVE_INFINITY;
  if (typeof spec?.hang === 'number') return spec.hang;
  return 0;
}
