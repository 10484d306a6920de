import { z } from 'zod';
import { CAPABILITIES } from '../agents/capabilities.js';
import { STRATEGIES } from '../react/complexity.js';
import { PLANNER_DEFAULTS } from '../react/planner.js';
import { FallbackRecord } from './blog-draft.js';
import { Duration } from './common.js';

export const StrategyChoice = z.enum(['auto', ...STRATEGIES]);

export const ReactOrchestratorInput = z.object({
  /** What to achieve, in words. */
  goal: z.string({ error: 'must be a string' }).trim().min(3, 'must be at least 3 characters').max(2_000, 'must be at most 2000 characters'),
  /** The MCP servers whose tools the run may use. */
  servers: z.array(z.string().min(1)).min(1).max(10).default(['store', 'filesystem']),
  /** Only these tools (`server.tool`), when given. */
  tools: z.array(z.string().regex(/^[^.\s]+\.[^\s]+$/, 'must be <server>.<tool>')).min(1).max(200).optional(),
  /** Named values tool arguments may take (`{"customer_id":"cust-001"}`); the offline planner uses them first. */
  context: z.record(z.string(), z.unknown()).default({}),
  /** `auto`: by the complexity analysis (src/react/complexity.ts); or force `direct`, `react` or `agents`. */
  strategy: StrategyChoice.default('auto'),
  /** `auto`: the language model when one is configured (ORCHESTRA_LLM_*), else the offline planner; `offline`: never. */
  reasoner: z.enum(['auto', 'offline']).default('auto'),
  /** Reason → act → observe at most this many times. */
  maxIterations: z.number().int().min(1).max(25).default(6),
  /** The offline planner's relevance floor: a share of the best tool's BM25 score. */
  minRelevance: z.number().min(0).max(1).default(PLANNER_DEFAULTS.minRelevance),
  /** How long a destructive call waits for a person's approval before it is skipped. */
  approvalTimeout: z._default(Duration, '24 hours'),
  /** The resource pool the agents of the `agents` strategy draw from. */
  agentPool: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'use 1–40 letters, digits, "_" or "-"').default('agents'),
});
export type ReactOrchestratorInput = z.input<typeof ReactOrchestratorInput>;

export const ReactStep = z.object({
  step: z.number().int(),
  by: z.enum(['llm', 'planner']),
  thought: z.string().optional(),
  action: z.object({ tool: z.string(), args: z.record(z.string(), z.unknown()) }).optional(),
  /** A destructive tool's approval, when one was asked. */
  approval: z.object({ status: z.enum(['approved', 'denied', 'timed_out']), approver: z.string().optional() }).optional(),
  observation: z.union([
    z.object({ ok: z.literal(true), preview: z.string() }),
    z.object({ ok: z.literal(false), errorType: z.string(), message: z.string() }),
  ]).optional(),
});
export type ReactStep = z.infer<typeof ReactStep>;

export const TaskAnalysisSchema = z.object({
  subtasks: z.array(z.object({ text: z.string(), capabilities: z.array(z.enum(CAPABILITIES)) })),
  capabilities: z.array(z.enum(CAPABILITIES)),
  relevantTools: z.number().int(),
  coveringTool: z.string().optional(),
  complexityScore: z.number(),
  strategy: z.enum(STRATEGIES),
  reason: z.string(),
});

export const STOP_REASONS = ['answered', 'goal_covered', 'nothing_left', 'no_relevant_tool', 'repeated_failures', 'iteration_limit', 'direct', 'agents'] as const;

export const ReactOrchestratorResult = z.object({
  goal: z.string(),
  strategy: z.enum(STRATEGIES),
  /** Whether the strategy was chosen by the analysis or given. */
  strategyChosenBy: z.enum(['analysis', 'input']),
  analysis: TaskAnalysisSchema,
  /** Who reasoned: the language model, the offline planner, both (the model failed part-way), or nobody (`agents`). */
  reasoner: z.enum(['llm', 'offline', 'mixed', 'none']),
  model: z.string().optional(),
  /** Why the offline planner took over from the model, when it did. */
  fallback: FallbackRecord.optional(),
  steps: z.array(ReactStep),
  answer: z.string(),
  stoppedBecause: z.enum(STOP_REASONS),
  /** The agent team's result, for the `agents` strategy. */
  agents: z.unknown().optional(),
});
export type ReactOrchestratorResult = z.infer<typeof ReactOrchestratorResult>;
