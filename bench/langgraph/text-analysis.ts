/**
 * Seed 001 §2 "Parallel Processing" in LangGraph JS: sentiment, keywords, summary and language from START in
 * parallel, joined by combine_results. Each node runs the same function from src/text/ that Orchestra's text
 * activities run, so the work per node is identical and only the orchestration differs.
 */
import { Annotation, END, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';
import {
  analyzeSentiment,
  detectLanguage,
  extractKeywords,
  summarize,
  type KeywordResult,
  type LanguageResult,
  type SentimentResult,
  type SummaryResult,
} from '../../src/text/index.js';

const ParallelState = Annotation.Root({
  input_text: Annotation<string>,
  sentiment_analysis: Annotation<SentimentResult | undefined>,
  keyword_extraction: Annotation<KeywordResult | undefined>,
  text_summarization: Annotation<SummaryResult | undefined>,
  language_detection: Annotation<LanguageResult | undefined>,
  combined_results: Annotation<Record<string, unknown> | undefined>,
});
type ParallelState = typeof ParallelState.State;

export function textAnalysisGraph(checkpointer?: BaseCheckpointSaver) {
  return new StateGraph(ParallelState)
    .addNode('analyze_sentiment', (s: ParallelState) => ({ sentiment_analysis: analyzeSentiment(s.input_text) }))
    .addNode('extract_keywords', (s: ParallelState) => ({ keyword_extraction: extractKeywords(s.input_text) }))
    .addNode('summarize_text', (s: ParallelState) => ({ text_summarization: summarize(s.input_text) }))
    .addNode('detect_language', (s: ParallelState) => ({ language_detection: detectLanguage(s.input_text) }))
    .addNode('combine_results', (s: ParallelState) => ({
      combined_results: {
        sentiment: s.sentiment_analysis,
        keywords: s.keyword_extraction,
        summary: s.text_summarization,
        language: s.language_detection,
      },
    }))
    .addEdge(START, 'analyze_sentiment')
    .addEdge(START, 'extract_keywords')
    .addEdge(START, 'summarize_text')
    .addEdge(START, 'detect_language')
    .addEdge('analyze_sentiment', 'combine_results')
    .addEdge('extract_keywords', 'combine_results')
    .addEdge('summarize_text', 'combine_results')
    .addEdge('detect_language', 'combine_results')
    .addEdge('combine_results', END)
    .compile({ checkpointer });
}

/** Nodes that run per invocation (for the per-step price). */
export const TEXT_ANALYSIS_NODES = 5;
