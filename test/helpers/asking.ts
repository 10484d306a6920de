/** The asking server (test/helpers/asking-server.ts) as tests use it: its spec, the call that asks, the pending question. */
import path from 'node:path';
import type { Orchestra } from '../../src/client/api.js';
import type { StdioServerSpec } from '../../src/mcp/config.js';
import { projectRoot } from '../../src/runtime/paths.js';
import { QUESTIONS_QUERY, type Question } from '../../src/schemas/elicitation.js';
import type { ToolCall } from '../../src/shared/tool-call.js';
import { eventually } from './eventually.js';

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
