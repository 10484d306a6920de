import { z } from 'zod';
import { CAPABILITIES } from '../agents/capabilities.js';
import { DEFAULT_TEMPLATES } from '../agents/templates.js';
import { PoolName } from './resource-pool.js';

const Capability = z.enum(CAPABILITIES);

export const AgentTemplateSchema = z.object({
  type: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'use lower case letters, digits and _'),
  capabilities: z.array(Capability).min(1),
  tools: z.array(z.string().regex(/^[^.\s]+\.[^\s]+$/, 'must be <server>.<tool>')).min(1),
  units: z.number().int().min(1).max(100),
});

export const AgentTask = z.object({
  description: z.string().trim().min(1).max(500),
  capabilities: z.array(Capability).min(1, 'must name at least one capability'),
  /** Task parameters (data_source, batch_size, rules, quality_required, output_format, sla_seconds, …). */
  params: z.record(z.string(), z.unknown()).default({}),
});

/** Seed 003's data batch queue entry. */
export const DataBatch = z.object({
  type: z.string().min(1),
  complexity: z.enum(['low', 'medium', 'high']).optional(),
  description: z.string().max(500).optional(),
  source: z.string().max(200).optional(),
  size: z.number().int().min(1).max(500).optional(),
  deadline: z.number().int().min(1).optional(),
  validation_type: z.string().optional(),
  quality: z.number().min(0).max(1).optional(),
  output_format: z.enum(['json', 'csv']).optional(),
});

export const AgentTeamInput = z.object({
  /** The work, as tasks naming capabilities … */
  tasks: z.array(AgentTask).max(20).default([]),
  /** … and/or as seed 003's data batch queue (analysed into requirements by the seed's rules). */
  batches: z.array(DataBatch).max(20).default([]),
  /** The resource pool the agents draw from (`resource-pool-<name>`; started with `poolCapacity` if it is not running). */
  pool: PoolName.default('agents'),
  poolCapacity: z.number().int().min(1).max(1_000).default(4),
  /** The registered agent templates. */
  templates: z.array(AgentTemplateSchema).min(1).default(() => DEFAULT_TEMPLATES.map((t) => ({ ...t, capabilities: [...t.capabilities], tools: [...t.tools] }))),
}).refine((input) => input.tasks.length + input.batches.length > 0, { message: 'give tasks or batches', path: ['tasks'] });
export type AgentTeamInput = z.input<typeof AgentTeamInput>;

export const CandidateScoreSchema = z.object({
  type: z.string(), capabilityMatch: z.number(), successRate: z.number(), resourceEfficiency: z.number(), score: z.number(),
});

/** What the factory decided for one requirement (the seed's AgentSpecification). */
export const AgentSpecification = z.object({
  agentId: z.string(),
  agentType: z.string(),
  task: z.string(),
  capabilities: z.array(Capability),
  tools: z.array(z.string()),
  units: z.number().int(),
  specialisation: z.record(z.string(), z.unknown()),
  candidates: z.array(CandidateScoreSchema),
});
export type AgentSpecification = z.infer<typeof AgentSpecification>;

export const AgentOutcome = z.object({
  agentId: z.string(),
  agentType: z.string(),
  workflowId: z.string(),
  succeeded: z.boolean(),
  summary: z.string(),
  calls: z.array(z.string()),
  errorType: z.string().optional(),
});
export type AgentOutcome = z.infer<typeof AgentOutcome>;

export const DataAgentInput = z.object({
  spec: AgentSpecification,
  pool: PoolName,
  poolCapacity: z.number().int().min(1),
  team: z.string(),
  /** For a coordinator: the outcomes of the agents it coordinates. */
  peers: z.array(AgentOutcome).default([]),
});
export type DataAgentInput = z.input<typeof DataAgentInput>;

export const AgentTeamResult = z.object({
  agents: z.array(AgentOutcome),
  specifications: z.array(AgentSpecification),
  coordinator: z.boolean(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  summary: z.string(),
});
export type AgentTeamResult = z.infer<typeof AgentTeamResult>;
