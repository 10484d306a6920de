/**
 * The language model from workflow code: the `generateText` activity (src/activities/llm.ts) with the retry policy
 * generation uses everywhere — three attempts, exponential backoff from 2 s, a short per-attempt limit — so a dead
 * endpoint costs seconds, not minutes, before a workflow falls back (see ./fallback.ts). The endpoint and its key live
 * in the worker's environment, never in workflow input or history.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { GeneratedText, GenerateTextInput, LlmActivities } from '../../activities/llm.js';
import type { ChooseToolCallInput, LlmToolActivities, ModelStep } from '../../activities/llm-tools.js';
import { recoveryTimeouts } from '../../shared/recovery.js';
import { queueFor } from './queues.js';

export const LLM_NOT_CONFIGURED = 'LlmNotConfigured';

/** How generation and reasoning calls are retried: three attempts, exponential backoff from 2 s. */
const GENERATION_RETRY = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '20 seconds',
  maximumAttempts: 3,
  nonRetryableErrorTypes: [LLM_NOT_CONFIGURED, 'LlmRequestRejected', 'InvalidInput'],
};

/** Each call heartbeats while the model answers: a dead worker's call runs elsewhere within seconds (src/shared/recovery.ts). */
const llm = proxyActivities<LlmActivities & LlmToolActivities>({ ...recoveryTimeouts('llm'), retry: GENERATION_RETRY });

/** One generation, named in the Web UI by what it writes. */
export function generateText(summary: string, input: GenerateTextInput): Promise<GeneratedText> {
  return llm.generateText.executeWithOptions({ ...recoveryTimeouts('llm'), summary, taskQueue: queueFor('agents') }, [input]);
}

/** One reasoning step of a ReAct run by the model (tool calling), named in the Web UI (`reason: step 2`). */
export function chooseToolCall(summary: string, input: ChooseToolCallInput): Promise<ModelStep> {
  return llm.chooseToolCall.executeWithOptions({ ...recoveryTimeouts('llm'), summary, taskQueue: queueFor('agents') }, [input]);
}
