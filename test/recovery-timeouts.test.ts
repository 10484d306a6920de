/**
 * Recovery time for every kind of activity (src/shared/recovery.ts): what the runs really schedule — tool calls and
 * language-model calls with a short heartbeat timeout, text analyses with a start-to-close sized to their input — and
 * that a language-model call heartbeats while the model thinks, so a slow answer is not mistaken for a dead worker.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { temporal } from '@temporalio/proto';
import { msToNumber, optionalTsToMs } from '@temporalio/common/lib/time.js';
import type { DefinitionRunResult } from '../src/schemas/definition-run.js';
import {
  LLM_CALL_HEARTBEAT_TIMEOUT, LLM_CALL_START_TO_CLOSE_TIMEOUT, SHORT_TEXT_CHARS, SHORT_TEXT_START_TO_CLOSE_TIMEOUT, TEXT_START_TO_CLOSE_TIMEOUT,
  TOOL_CALL_HEARTBEAT_TIMEOUT, TOOL_CALL_START_TO_CLOSE_TIMEOUT,
} from '../src/shared/recovery.js';
import { startLlmServer, withLlmEnv } from './helpers/llm-server.js';
import { useTemporal, withWorker } from './helpers/temporal.js';

type History = temporal.api.history.v1.IHistory;

/** Each scheduled activity as `<type>`: its start-to-close and heartbeat timeouts in ms (0: none), in order. */
function scheduled(history: History): Array<{ type: string; startToClose: number; heartbeat: number }> {
  return (history.events ?? []).flatMap((e) => {
    const a = e.activityTaskScheduledEventAttributes;
    if (!a) return [];
    return [{ type: a.activityType?.name ?? '?', startToClose: optionalTsToMs(a.startToCloseTimeout) ?? 0, heartbeat: optionalTsToMs(a.heartbeatTimeout) ?? 0 }];
  });
}

const ms = (duration: string) => msToNumber(duration);
const TOOL = { startToClose: ms(TOOL_CALL_START_TO_CLOSE_TIMEOUT), heartbeat: ms(TOOL_CALL_HEARTBEAT_TIMEOUT) };
const LLM = { startToClose: ms(LLM_CALL_START_TO_CLOSE_TIMEOUT), heartbeat: ms(LLM_CALL_HEARTBEAT_TIMEOUT) };
const SHORT_TEXT = { startToClose: ms(SHORT_TEXT_START_TO_CLOSE_TIMEOUT), heartbeat: 0 };
const LONG_TEXT = { startToClose: ms(TEXT_START_TO_CLOSE_TIMEOUT), heartbeat: 0 };

describe('recovery timeouts of every activity', () => {
  const t = useTemporal('time-skipping');

  it('schedules tool and language-model calls with a short heartbeat timeout, and text analyses sized to their input', async () => {
    const llm = await startLlmServer(() => 'a short answer');
    try {
      await withLlmEnv({ ORCHESTRA_LLM_BASE_URL: llm.baseUrl, ORCHESTRA_LLM_MODEL: 'stub' }, () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
        const long = 'Durable workflows retry their activities. '.repeat(Math.ceil(SHORT_TEXT_CHARS / 40));
        const run = await orchestra.start('definitionRun', {
          definition: {
            orchestra: 1, name: 'recovery-timeouts', maxParallel: 1,
            steps: {
              mood: { call: 'analyzeSentiment', input: { text: 'a good day' } },
              gist: { call: 'summarize', input: { text: '${ input.long }', sentences: 1 }, dependsOn: ['mood'] },
              draft: { call: 'generateText', input: { prompt: 'say something' }, dependsOn: ['gist'] },
              tools: { call: 'listTools', input: { server: 'store' }, dependsOn: ['draft'] },
              customer: { call: 'store.get_customer', readOnly: true, input: { customer_id: 'cust-001' }, dependsOn: ['tools'] },
            },
          },
          input: { long },
        }, { taskQueue });
        const result = await orchestra.result(run.workflowId) as DefinitionRunResult;
        assert.equal(result.status, 'completed');
        const history = await t.env.client.workflow.getHandle(run.workflowId).fetchHistory();
        assert.deepEqual(scheduled(history), [
          { type: 'analyzeSentiment', ...SHORT_TEXT },
          { type: 'summarize', ...LONG_TEXT },
          { type: 'generateText', ...LLM },
          { type: 'listTools', ...TOOL },
          { type: 'callTool', ...TOOL },
        ]);

        // A pattern's own calls (blogDraft: the model, then BM25 coverage of its short post) are sized the same way.
        const draft = await orchestra.start('blogDraft', { topic: 'Safe retries with idempotency keys' }, { taskQueue });
        await orchestra.result(draft.workflowId);
        const drafted = scheduled(await t.env.client.workflow.getHandle(draft.workflowId).fetchHistory());
        const byType = (type: string) => drafted.filter((a) => a.type === type).map(({ startToClose, heartbeat }) => ({ startToClose, heartbeat }));
        assert.ok(byType('generateText').length >= 1);
        assert.deepEqual(new Set(byType('generateText').map((a) => JSON.stringify(a))), new Set([JSON.stringify(LLM)]));
        assert.ok(byType('callTool').every((a) => a.heartbeat === TOOL.heartbeat), 'every tool call has the short heartbeat timeout');
        assert.ok(drafted.filter((a) => ['rankByRelevance', 'composeDraft'].includes(a.type)).every((a) => a.heartbeat === 0 && a.startToClose > 0));
      }));
    } finally {
      await llm.close();
    }
  });

  it('a language-model call that answers after its heartbeat timeout completes on its first attempt: it heartbeats while it waits', async () => {
    const delayMs = 2 * ms(LLM_CALL_HEARTBEAT_TIMEOUT);
    const llm = await startLlmServer(() => 'worth the wait', { delayMs });
    try {
      await withLlmEnv({ ORCHESTRA_LLM_BASE_URL: llm.baseUrl, ORCHESTRA_LLM_MODEL: 'stub' }, () => withWorker(t.env, t.deps, async ({ orchestra, taskQueue }) => {
        const run = await orchestra.start('definitionRun', {
          definition: { orchestra: 1, name: 'slow-model', steps: { draft: { call: 'generateText', input: { prompt: 'take your time' } } }, output: '${ steps.draft.text }' },
          input: {},
        }, { taskQueue });
        const result = await orchestra.result(run.workflowId) as DefinitionRunResult;
        assert.equal(result.output, 'worth the wait');
        const history = await t.env.client.workflow.getHandle(run.workflowId).fetchHistory();
        const attempts = (history.events ?? []).flatMap((e) => e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : []);
        assert.deepEqual(attempts, [1], 'one attempt: never declared lost while the model thought');
        assert.equal(llm.requests.length, 1);
      }));
    } finally {
      await llm.close();
    }
  });
});
