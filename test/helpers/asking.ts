/** The asking server (test/helpers/asking-server.ts) as tests use it: its spec, the call that asks, the pending question. */
import path from 'node:path';
import { after, before } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Orchestra } from '../../src/client/api.js';
import type { StdioServerSpec } from '../../src/mcp/config.js';
import { projectRoot } from '../../src/runtime/paths.js';
import { QUESTIONS_QUERY, type Question } from '../../src/schemas/elicitation.js';
import type { ToolCall } from '../../src/shared/tool-call.js';
import { eventually } from './eventually.js';
import { storeSpec, tempDir, testPool } from './mcp.js';
import { localEnv, timeSkippingEnv } from './temporal.js';

const ASKING_SERVER = path.join(projectRoot, 'test/helpers/asking-server.ts');

/** The server, as `asking`; with `pidFile`, each call writes the server's process id there. */
export function askingSpec(pidFile?: string): StdioServerSpec {
  return {
    name: 'asking', transport: 'stdio', command: process.execPath, args: ['--import', 'tsx', ASKING_SERVER],
    env: pidFile ? { ASKING_PID_FILE: pidFile } : {}, cwd: projectRoot,
  };
}

/** The `book_table` call; with `elicitation`, the server may ask during it. */
export const booking = (elicitation?: ToolCall['elicitation']): ToolCall =>
  ({ server: 'asking', tool: 'book_table', args: { restaurant: 'Chez Ada' }, ...(elicitation ? { elicitation } : {}) });

export interface Booked { asked: boolean; action?: string; content?: Record<string, unknown> }
export type CallToolsResult = { outcomes: Array<{ call: string; ok: boolean; result: Booked }> };

/** The run's first unanswered question, once it is asked. */
export async function pendingQuestion(orchestra: Orchestra, workflowId: string): Promise<Question> {
  return eventually(async () => {
    const questions = await orchestra.handle(workflowId).query<Question[]>(QUESTIONS_QUERY);
    return questions.find((q) => !q.answer) ?? false;
  }, { what: `a pending question in ${workflowId}` });
}

export interface AskingContext {
  env: TestWorkflowEnvironment;
  /** The asking server, and the store (it takes the dead letter of a call that fails for good, so a failure shows). */
  pool: ReturnType<typeof testPool>;
  /** Where the asking server writes its process id at each call. */
  pidFile: string;
}

/** For a `describe` block: a Temporal server and a pool over the asking server and a store. Read it inside the tests. */
export function useAskingServer(server: 'time-skipping' | 'local'): AskingContext {
  const t = {} as AskingContext;
  before(async () => {
    t.env = server === 'local' ? await localEnv() : await timeSkippingEnv();
    const dir = tempDir('asking');
    t.pidFile = path.join(dir, 'pid');
    t.pool = testPool([askingSpec(t.pidFile), storeSpec(path.join(dir, 'store.db'))]);
  });
  after(async () => {
    await t.pool?.close();
    await t.env?.teardown();
  });
  return t;
}
