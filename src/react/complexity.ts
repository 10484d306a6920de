/**
 * Seed 002's orchestrator: analyse the task's complexity, then choose how to run it. The seed names the analysis
 * (complexity, required capabilities, dependencies) but gives no numbers; the rule here is ours, stated and tested:
 *
 *  - subtasks: the goal split at sentence ends, `;`, line breaks, `then`, and at a comma or `and` before a word that
 *    asks for a capability ("Load user_data, validate it and write it as CSV" is three);
 *  - capabilities: what each subtask asks for (seed 003's capabilities, by the words of src/agents/capabilities.ts);
 *  - relevant tools: the tools the planner would consider (src/react/planner.ts), and whether one of them matches
 *    every aspect of the goal on its own (a covering tool).
 *
 * Strategy: `agents` (fan out to dynamic agents) when at least two subtasks ask for at least two different
 * capabilities — the work splits into specialists' parts; `direct` (one tool call, no loop) when the goal is one subtask
 * and one tool covers it (or at most one tool is relevant); `react` (reason → act → observe) otherwise. The complexity score (0…1) summarises
 * the same signals for people and metrics: 0.4 × subtasks + 0.4 × capabilities + 0.2 × relevant tools, each scaled
 * (n − 1) / 2, (n − 1) / 2 and (n − 1) / 4 and capped at 1.
 */
import { capabilitiesAskedFor, startsWithCue, type Capability } from '../agents/capabilities.js';

export const STRATEGIES = ['direct', 'react', 'agents'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface Subtask {
  text: string;
  capabilities: Capability[];
}

export interface TaskAnalysis {
  subtasks: Subtask[];
  capabilities: Capability[];
  relevantTools: number;
  /** The tool that matches every aspect of the goal on its own, if any. */
  coveringTool?: string;
  complexityScore: number;
  strategy: Strategy;
  reason: string;
}

export function splitSubtasks(goal: string): string[] {
  const pieces = goal.split(/[.;!?]+(?:\s+|$)|\n+|,?\s+(?:and\s+)?then\s+/i).map((p) => p.trim()).filter(Boolean);
  // Within a piece, a comma or "and" starts a new subtask only before a word that asks for a capability.
  const joiner = /,\s*(?:and\s+)?|\s+and\s+/gi;
  return pieces.flatMap((piece) => {
    const parts: string[] = [];
    let start = 0;
    for (const match of piece.matchAll(joiner)) {
      const after = match.index + match[0].length;
      if (!startsWithCue(piece.slice(after))) continue;
      parts.push(piece.slice(start, match.index).trim());
      start = after;
    }
    return [...parts, piece.slice(start).trim()].filter(Boolean);
  });
}

export function analyseTask(goal: string, relevantTools: number, coveringTool?: string): TaskAnalysis {
  const subtasks = splitSubtasks(goal).map((text) => ({ text, capabilities: capabilitiesAskedFor(text) }));
  const capabilities = [...new Set(subtasks.flatMap((s) => s.capabilities))];
  const scaled = (n: number, span: number) => Math.min(1, Math.max(0, n - 1) / span);
  const complexityScore = Math.round((0.4 * scaled(subtasks.length, 2) + 0.4 * scaled(capabilities.length, 2) + 0.2 * scaled(relevantTools, 4)) * 100) / 100;
  const counts = `${subtasks.length} subtask${subtasks.length === 1 ? '' : 's'}, ${capabilities.length} capabilit${capabilities.length === 1 ? 'y' : 'ies'}, ${relevantTools} relevant tool${relevantTools === 1 ? '' : 's'}`;
  const common = { subtasks, capabilities, relevantTools, ...(coveringTool ? { coveringTool } : {}), complexityScore };
  const specialised = subtasks.filter((s) => s.capabilities.length > 0).length;
  if (specialised >= 2 && capabilities.length >= 2) {
    return { ...common, strategy: 'agents', reason: `${counts}: specialists' work, fan out to agents` };
  }
  if (subtasks.length <= 1 && (relevantTools <= 1 || coveringTool)) {
    return { ...common, strategy: 'direct', reason: `${counts}: one call answers it${coveringTool ? ` (${coveringTool})` : ''}` };
  }
  return { ...common, strategy: 'react', reason: `${counts}: reason → act → observe` };
}
