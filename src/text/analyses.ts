/** The analyses `analyzeText` runs, by name (a module of its own so that naming them loads no language model). */
export const TEXT_ANALYSES = ['sentiment', 'keywords', 'summary', 'language'] as const;
export type TextAnalysis = (typeof TEXT_ANALYSES)[number];
