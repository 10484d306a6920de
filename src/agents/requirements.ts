/**
 * What agents a piece of work needs (seed 003 Part 2, `_analyze_data_processing_agent_requirements`) and how each is
 * specialised (`_create_data_processing_specialization_parameters`). Pure.
 *
 * From a batch queue, as the seed: a high-complexity `streaming` batch needs data ingestion (source, batch size, SLA
 * 600 s); a `validation` batch needs data validation (rules, quality 0.95, SLA 400 s); ours as well: a `transformation`
 * batch needs data transformation. Whatever the source of the requirements: more than two → a coordinating agent is
 * added (pipeline coordination, with the count of agents it coordinates).
 */
import type { Capability } from './capabilities.js';

export interface Requirement {
  description: string;
  capabilities: Capability[];
  /** Task parameters the specialisation reads (data_source, batch_size, rules, quality_required, sla_seconds, …). */
  params: Record<string, unknown>;
}

export interface Batch {
  type: string;
  complexity?: string;
  description?: string;
  source?: string;
  size?: number;
  deadline?: number;
  validation_type?: string;
  quality?: number;
  output_format?: string;
}

/** The seed's rule: more than two requirements need a coordinator. */
export const COORDINATE_ABOVE = 2;

export function requirementsFromBatches(batches: readonly Batch[]): Requirement[] {
  return batches.flatMap((batch): Requirement[] => {
    const description = batch.description ?? `${batch.type} batch${batch.source ? ` from ${batch.source}` : ''}`;
    if (batch.type === 'streaming' && (batch.complexity ?? 'medium') === 'high') {
      return [{ description, capabilities: ['data_ingestion'], params: { data_source: batch.source, batch_size: batch.size ?? 1000, sla_seconds: batch.deadline ?? 600 } }];
    }
    if (batch.type === 'validation') {
      return [{ description, capabilities: ['data_validation'], params: { data_source: batch.source, rules: batch.validation_type ?? 'comprehensive', quality_required: batch.quality ?? 0.95, sla_seconds: batch.deadline ?? 400 } }];
    }
    if (batch.type === 'transformation') {
      return [{ description, capabilities: ['data_transformation'], params: { data_source: batch.source, output_format: batch.output_format ?? 'json', sla_seconds: batch.deadline ?? 300 } }];
    }
    return [];
  });
}

/** The requirements, plus a coordinator when more than two agents are needed. */
export function withCoordinator(requirements: readonly Requirement[]): Requirement[] {
  if (requirements.length <= COORDINATE_ABOVE) return [...requirements];
  return [...requirements, {
    description: 'Coordinate multiple specialized data processing agents',
    capabilities: ['pipeline_coordination'],
    params: { agent_count: requirements.length, coordination_complexity: 'high' },
  }];
}

/** The specialisation parameters of an agent of `agentType` for `requirement` (the seed's keys and defaults). */
export function specialisationParameters(agentType: string, requirement: Requirement, agentId: string): Record<string, unknown> {
  const p = requirement.params;
  const base: Record<string, unknown> = { agent_id: agentId };
  const source = p.data_source ?? p.source;
  if (agentType === 'data_ingestion_specialist' || agentType === 'data_engineer') {
    Object.assign(base, { ingestion_source: source ?? 'user_data', batch_size: Number(p.batch_size ?? 1000), data_format: p.format ?? ['json'], schema_validation: p.validate_schema ?? true });
  }
  if (agentType === 'data_validation_specialist' || agentType === 'data_engineer') {
    Object.assign(base, { validation_source: source ?? 'user_data', validation_rules: p.rules ?? 'comprehensive', quality_thresholds: p.quality_required ?? {}, anomaly_detection: p.detect_anomalies ?? true, confidence_intervals: p.confidence_level ?? 0.95 });
  }
  if (agentType === 'data_transformation_specialist' || agentType === 'data_engineer') {
    Object.assign(base, { transformation_source: source ?? 'user_data', transformation_type: p.output_format ?? 'json', schema_mapping: p.schema_mapping ?? {}, aggregation_rules: p.aggregations ?? [], partition_strategy: p.partitioning ?? 'date' });
  }
  if (agentType === 'pipeline_coordinator') Object.assign(base, { agent_count: p.agent_count ?? 0 });
  return {
    ...base,
    quality_threshold: typeof p.quality_required === 'number' ? p.quality_required : p.quality_requirement ?? 0.8,
    response_time_target: p.sla_seconds ?? 300,
    iteration_limit: p.max_iterations ?? 3,
  };
}
