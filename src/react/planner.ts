/**
 * The offline reasoner of a ReAct run: chooses the next tool call from the tools' descriptions and the observations,
 * or decides to stop, with no language model. Pure and deterministic (the workflow runs it; the tests pin it).
 *
 * The method, a greedy cover of the goal's aspects:
 *  - Relevance: every tool's description was scored against the goal with BM25 (the `rankByRelevance` activity). A tool
 *    is relevant when it matched some of the goal's words and its score is at least `minRelevance` of the best one's.
 *  - Aspects: the goal's words that some relevant tool matched — what the tools can do about the goal. A tool whose call
 *    succeeded has covered the aspects it matched.
 *  - Choice: among relevant tools not yet called with the same arguments and not refused by a person, the one that
 *    covers the most aspects still uncovered (ties: the higher BM25 score), whose required arguments can be filled
 *    (src/react/arguments.ts; observations fill them, so `search_documents` makes `get_document` possible).
 *  - Stop when every aspect is covered (`goal_covered`), when no relevant tool can add an aspect or be called
 *    (`nothing_left`, or `no_relevant_tool` when nothing matched at all), or after `maxConsecutiveFailures` failed calls
 *    in a row (`repeated_failures`). The workflow also stops at its iteration limit.
 */
import { fillArguments, type Arguments } from './arguments.js';
import { toolId, type ToolOption, type ToolRelevance } from './tools.js';

export interface PlannerOptions {
  /** A tool is relevant from this share of the best tool's BM25 score. Default 0.25. */
  minRelevance: number;
  /** Stop after this many failed calls in a row. Default 2. */
  maxConsecutiveFailures: number;
}

export const PLANNER_DEFAULTS: PlannerOptions = { minRelevance: 0.25, maxConsecutiveFailures: 2 };

/** What the planner knows of one step taken. */
export interface TakenStep {
  tool: string;
  args: Arguments;
  /** `ok` the call succeeded; `failed` it failed; `refused` a person did not approve it. */
  outcome: 'ok' | 'failed' | 'refused';
}

export interface PlannerState {
  goal: string;
  context: Arguments;
  tools: readonly ToolOption[];
  relevance: readonly ToolRelevance[];
  steps: readonly TakenStep[];
  /** The successful calls' results, in order. */
  observations: readonly unknown[];
}

export type StopReason = 'goal_covered' | 'nothing_left' | 'no_relevant_tool' | 'repeated_failures';

export type PlannerDecision =
  | { kind: 'act'; tool: ToolOption; args: Arguments; thought: string }
  | { kind: 'finish'; reason: StopReason; thought: string };

/** The relevant tools, best first, with their relevance. */
export function relevantTools(state: Pick<PlannerState, 'tools' | 'relevance'>, options: PlannerOptions = PLANNER_DEFAULTS) {
  return state.relevance
    .filter((r) => r.score > 0 && r.normalizedScore >= options.minRelevance)
    .flatMap((r) => {
      const tool = state.tools.find((t) => toolId(t) === r.id);
      return tool ? [{ tool, relevance: r }] : [];
    });
}

/** The aspects of the goal: its words that some relevant tool matched. */
export function goalAspects(relevant: ReturnType<typeof relevantTools>): string[] {
  return [...new Set(relevant.flatMap((r) => r.relevance.matchedTerms))];
}

/** The best relevant tool that matches every aspect of the goal on its own, if one does (one call may answer it). */
export function coveringTool(state: Pick<PlannerState, 'tools' | 'relevance'>, options: PlannerOptions = PLANNER_DEFAULTS): string | undefined {
  const relevant = relevantTools(state, options);
  const aspects = goalAspects(relevant);
  return relevant.find((r) => aspects.every((a) => r.relevance.matchedTerms.includes(a)))?.relevance.id;
}

export function nextStep(state: PlannerState, options: PlannerOptions = PLANNER_DEFAULTS): PlannerDecision {
  const relevant = relevantTools(state, options);
  if (relevant.length === 0) return { kind: 'finish', reason: 'no_relevant_tool', thought: 'no tool\'s description matches the goal' };

  const aspects = new Set(goalAspects(relevant));
  const covered = new Set(state.steps.filter((s) => s.outcome === 'ok')
    .flatMap((s) => relevant.find((r) => toolId(r.tool) === s.tool)?.relevance.matchedTerms ?? []));
  const uncovered = [...aspects].filter((a) => !covered.has(a));
  if (uncovered.length === 0) {
    return { kind: 'finish', reason: 'goal_covered', thought: `every aspect of the goal a tool can address is covered: ${[...aspects].join(', ')}` };
  }
  const recent = state.steps.slice(-options.maxConsecutiveFailures);
  if (recent.length === options.maxConsecutiveFailures && recent.every((s) => s.outcome === 'failed')) {
    return { kind: 'finish', reason: 'repeated_failures', thought: `the last ${recent.length} calls failed` };
  }

  const refused = new Set(state.steps.filter((s) => s.outcome === 'refused').map((s) => s.tool));
  const ranked = relevant
    .map((r) => ({ ...r, gain: r.relevance.matchedTerms.filter((t) => !covered.has(t)) }))
    .filter((r) => r.gain.length > 0 && !refused.has(toolId(r.tool)))
    .sort((a, b) => b.gain.length - a.gain.length || b.relevance.score - a.relevance.score);
  const unfilled: string[] = [];
  for (const { tool, relevance, gain } of ranked) {
    const filled = fillArguments(tool, state.goal, state.context, state.observations);
    if (!filled.ok) {
      unfilled.push(`${toolId(tool)} (needs ${filled.missing.join(', ')})`);
      continue;
    }
    const id = toolId(tool);
    if (state.steps.some((s) => s.tool === id && sameArgs(s.args, filled.args))) continue;
    return {
      kind: 'act',
      tool,
      args: filled.args,
      thought: `${id} addresses ${gain.map((t) => `"${t}"`).join(', ')} of the goal (BM25 ${relevance.score})`,
    };
  }
  return {
    kind: 'finish',
    reason: 'nothing_left',
    thought: `no relevant tool can add to what was observed${unfilled.length ? `; not callable: ${unfilled.join('; ')}` : ''}; uncovered: ${uncovered.join(', ')}`,
  };
}

function sameArgs(a: Arguments, b: Arguments): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(args: Arguments): Arguments {
  return Object.fromEntries(Object.keys(args).sort().map((k) => [k, args[k]]));
}
