/**
 * The tools a ReAct run may use, as the reasoners see them: what `listTools` reports per tool, its server, and the
 * tool's relevance to the goal. Pure: the workflow, the planner, the complexity analysis and the tests share it.
 */
import type { ToolAnnotations } from '../shared/tool-retry.js';

/** A JSON Schema object as MCP servers publish a tool's input. */
export interface InputSchema {
  type?: string;
  properties?: Record<string, PropertySchema>;
  required?: string[];
}

export interface PropertySchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  default?: unknown;
}

/** One tool of one server, as a reasoner may choose it. */
export interface ToolOption {
  server: string;
  name: string;
  description?: string;
  inputSchema: InputSchema;
  annotations?: ToolAnnotations;
}

/** A tool's relevance to the goal: its BM25 score against the goal, normalised to the best tool (0…1), and the goal's
 * words its description matched. Computed once per run by the `rankByRelevance` activity. */
export interface ToolRelevance {
  /** The tool, as `toolId` names it. */
  id: string;
  score: number;
  normalizedScore: number;
  matchedTerms: string[];
}

/** `store.search_documents`: how tools are named in transcripts and relevance lists. */
export function toolId(tool: Pick<ToolOption, 'server' | 'name'>): string {
  return `${tool.server}.${tool.name}`;
}

/**
 * The text a tool is ranked by: its name split into words, its description, and its arguments' names and
 * descriptions (`search_documents` → "search documents Full-text search … query limit tag").
 */
export function toolDocument(tool: ToolOption): string {
  const words = (name: string) => name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
  const args = Object.entries(tool.inputSchema.properties ?? {})
    .filter(([name]) => name !== 'idempotency_key')
    .map(([name, schema]) => `${words(name)}${schema.description ? ` ${schema.description}` : ''}`);
  return [words(tool.name), tool.description ?? '', ...args].join('. ');
}

/**
 * Whether a tool may change or destroy what exists, by its MCP annotations as the spec defines their defaults: a tool
 * that is not read-only is destructive unless it says `destructiveHint: false`. Such calls need a person's approval.
 */
export function isDestructive(annotations: ToolAnnotations | undefined): boolean {
  return annotations?.readOnlyHint !== true && annotations?.destructiveHint !== false;
}

/** Whether a tool only reads (`readOnlyHint: true`): such calls need no idempotency key. */
export function isReadOnly(annotations: ToolAnnotations | undefined): boolean {
  return annotations?.readOnlyHint === true;
}
