/**
 * The agent templates registered with the factory (seed 003 Part 2's `register_agent_template`): each agent type, the
 * capabilities it has, the MCP tools it may call (`server.tool`; any other call fails as `AgentToolNotAllowed`) and the
 * units of the resource pool one agent of the type holds while it runs. Pure data: a team's input may register others.
 */
import type { Capability } from './capabilities.js';

export interface AgentTemplate {
  type: string;
  capabilities: Capability[];
  tools: string[];
  /** Resource-pool units one agent of this type holds while it runs. */
  units: number;
}

export const DEFAULT_TEMPLATES: readonly AgentTemplate[] = [
  {
    type: 'data_ingestion_specialist',
    capabilities: ['data_ingestion'],
    tools: ['store.query', 'filesystem.read_text_file'],
    units: 1,
  },
  {
    type: 'data_validation_specialist',
    capabilities: ['data_validation', 'quality_monitoring'],
    tools: ['store.query'],
    units: 1,
  },
  {
    type: 'data_transformation_specialist',
    capabilities: ['data_transformation', 'data_aggregation'],
    tools: ['store.query', 'filesystem.create_directory', 'filesystem.write_file'],
    units: 2,
  },
  {
    // A generalist covers several capabilities: the capability match (required / offered) favours specialists.
    type: 'data_engineer',
    capabilities: ['data_ingestion', 'data_validation', 'data_transformation', 'data_aggregation'],
    tools: ['store.query', 'filesystem.read_text_file', 'filesystem.create_directory', 'filesystem.write_file'],
    units: 2,
  },
  {
    type: 'pipeline_coordinator',
    capabilities: ['pipeline_coordination'],
    tools: ['store.append_event'],
    units: 1,
  },
];
