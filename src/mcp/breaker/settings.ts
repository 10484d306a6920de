/**
 * A circuit breaker's settings, per MCP server: the `breaker` field of a server's entry in mcp.config.json. Defaults
 * are seed 002's CircuitBreaker (failure_threshold 5, timeout 60 s); the window is the same 60 s.
 *
 * ```json
 * "store": { "command": "node", "args": […], "breaker": { "failureThreshold": 3, "cooldown": "10s" } }
 * ```
 */
import { z } from 'zod';
import { Duration, toMs } from '../../schemas/common.js';

export const BreakerSettingsInput = z.strictObject({
  /** Set false to call the server without a breaker. @default true */
  enabled: z.boolean().default(true),
  /** Infrastructure failures within `window` that open the breaker. @default 5 */
  failureThreshold: z.number().int().min(1).max(10_000).default(5),
  /** How far back failures count towards the threshold. @default "60s" */
  window: z._default(Duration, '60s'),
  /** How long an open breaker refuses calls before it lets one probe through (half-open). @default "60s" */
  cooldown: z._default(Duration, '60s'),
  /** How long a probe may run before another worker may probe instead (the prober may have died). @default "60s" */
  probeTimeout: z._default(Duration, '60s'),
});
export type BreakerSettingsInput = z.input<typeof BreakerSettingsInput>;

/** Settings in milliseconds, as the breaker uses them. */
export interface BreakerSettings {
  enabled: boolean;
  failureThreshold: number;
  windowMs: number;
  cooldownMs: number;
  probeTimeoutMs: number;
}

/** Validated settings (defaults applied) in milliseconds. */
export function breakerSettings(input: z.output<typeof BreakerSettingsInput> | undefined): BreakerSettings {
  const parsed = input ?? BreakerSettingsInput.parse({});
  return {
    enabled: parsed.enabled,
    failureThreshold: parsed.failureThreshold,
    windowMs: toMs(parsed.window)!,
    cooldownMs: toMs(parsed.cooldown)!,
    probeTimeoutMs: toMs(parsed.probeTimeout)!,
  };
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = breakerSettings(undefined);
