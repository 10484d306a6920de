/**
 * Input and result of `definitionRun`, the interpreter of declarative definitions (src/engine/, src/workflows/
 * definition-run.ts): the result here, and (re-exported from ./definition-run-input.ts, which the workflow imports) the
 * input.
 */
import { z } from 'zod';

export * from './definition-run-input.js';

export const StepState = z.object({
  status: z.enum(['pending', 'running', 'completed', 'failed', 'skipped', 'compensated']),
  error: z.object({ type: z.string(), message: z.string() }).optional(),
  caught: z.object({ type: z.string(), message: z.string() }).optional(),
  note: z.string().optional(),
});

export const DefinitionRunResult = z.object({
  name: z.string(),
  version: z.string(),
  status: z.literal('completed'),
  /** The definition's `output` mapping, or every step's output by id. */
  output: z.unknown(),
  /** Each step's end state, by path (`steps.charge`, `steps.gather.branches.users`, …). */
  steps: z.record(z.string(), StepState),
  /** A map's items counted by status, by the map's path: those past the first 20 and those run in partitions. */
  items: z.record(z.string(), z.record(z.string(), z.number())).optional(),
});
export type DefinitionRunResult = z.infer<typeof DefinitionRunResult>;

/** What a failed run carries in its failure's details: where each step ended and what compensation did. */
export interface DefinitionRunFailure {
  name: string;
  version: string;
  failedStep?: string;
  steps: Record<string, z.infer<typeof StepState>>;
  items?: Record<string, Record<string, number>>;
  compensations: unknown[];
}

/** `order-fulfilment v2: …` — the Web UI's one-line summary of a run. */
export function definitionSummary(definition: Record<string, unknown>): string {
  const name = typeof definition.name === 'string' ? definition.name : 'definition';
  const version = definition.version === undefined ? '1' : String(definition.version);
  const description = typeof definition.description === 'string' ? `: ${definition.description.replace(/\s+/g, ' ').trim()}` : '';
  const line = `${name} v${version}${description}`;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
