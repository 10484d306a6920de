/**
 * The factory's choice of agent type (seed 003 Part 2, `_select_optimal_data_processing_agent_type`). Candidates are
 * the templates that have every required capability; each is scored
 *
 *     score = 0.4 × capability match + 0.4 × success rate + 0.2 × resource efficiency
 *
 * with the seed's capability match, required capabilities / the template's capabilities (a specialist beats a
 * generalist), the success rate of the type's finished runs (1.0 before any, as the seed registers templates), and a
 * resource efficiency the seed leaves open, ours: 1 / the pool units the type holds (1 unit → 1.0, 2 units → 0.5).
 * The highest score wins; ties go to the template registered first. Pure: the workflow and the tests share it.
 */
import type { Capability } from './capabilities.js';
import type { AgentTemplate } from './templates.js';

export const SCORE_WEIGHTS = { capabilityMatch: 0.4, successRate: 0.4, resourceEfficiency: 0.2 } as const;

export interface CandidateScore {
  type: string;
  capabilityMatch: number;
  successRate: number;
  resourceEfficiency: number;
  score: number;
}

/** Success rate per agent type (types without finished runs are absent: 1.0). */
export type SuccessRates = Readonly<Record<string, number>>;

export function scoreCandidates(required: readonly Capability[], templates: readonly AgentTemplate[], rates: SuccessRates): CandidateScore[] {
  return templates
    .filter((t) => required.every((c) => t.capabilities.includes(c)))
    .map((t) => {
      const capabilityMatch = required.length / t.capabilities.length;
      const successRate = rates[t.type] ?? 1;
      const resourceEfficiency = 1 / t.units;
      const score = SCORE_WEIGHTS.capabilityMatch * capabilityMatch + SCORE_WEIGHTS.successRate * successRate
        + SCORE_WEIGHTS.resourceEfficiency * resourceEfficiency;
      return { type: t.type, capabilityMatch: round(capabilityMatch), successRate: round(successRate), resourceEfficiency: round(resourceEfficiency), score: round(score) };
    })
    .map((s, order) => ({ s, order }))
    .sort((a, b) => b.s.score - a.s.score || a.order - b.order)
    .map(({ s }) => s);
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
