/**
 * The capabilities agents are matched by (seed 003 Part 2's DataProcessingCapability), and the words that ask for each
 * in a task's text. Pure: the complexity analysis, the factory, the schemas and the workflows share it.
 */
export const CAPABILITIES = [
  'data_ingestion',
  'data_validation',
  'data_transformation',
  'data_aggregation',
  'quality_monitoring',
  'pipeline_coordination',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Word stems that ask for a capability (matched at the start of a word, case-insensitive). Coordination is never asked
 * for in words: the factory adds a coordinator when more than two agents are needed. */
export const CAPABILITY_CUES: Readonly<Record<Capability, readonly string[]>> = {
  data_ingestion: ['ingest', 'load', 'import', 'read', 'fetch', 'collect', 'gather', 'pull', 'find', 'search', 'look up', 'list'],
  data_validation: ['validat', 'check', 'verif', 'audit', 'clean'],
  data_transformation: ['transform', 'convert', 'reformat', 'export', 'normali', 'write', 'save'],
  data_aggregation: ['aggregat', 'sum', 'count', 'total', 'group', 'summari', 'report'],
  quality_monitoring: ['monitor', 'quality', 'anomal', 'watch'],
  pipeline_coordination: [],
};

/** The capabilities a piece of text asks for, in CAPABILITIES order. */
export function capabilitiesAskedFor(text: string): Capability[] {
  const lower = text.toLowerCase();
  return CAPABILITIES.filter((capability) => CAPABILITY_CUES[capability]
    .some((cue) => new RegExp(`(^|[^\\p{L}])${cue}`, 'u').test(lower)));
}

/** Whether the text starts with a word that asks for some capability (a new subtask: "… and validate it"). */
export function startsWithCue(text: string): boolean {
  const lower = text.trimStart().toLowerCase();
  return CAPABILITIES.some((capability) => CAPABILITY_CUES[capability].some((cue) => lower.startsWith(cue)));
}
