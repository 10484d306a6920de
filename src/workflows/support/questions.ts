/**
 * The calling workflow's side of a server's question during a tool call (MCP elicitation): a durable human decision,
 * the same shape as the approval gate (src/workflows/support/approval.ts).
 *
 * - The tool-call activity sends the `elicit` update when its server asks (src/mcp/elicitation.ts). The question is
 *   recorded once per id: the same question asked again by a retried attempt finds the first one, answered or not.
 * - A person answers with the `answer` update (`orchestra answer <workflowId> --by <name> --content <json>`, or
 *   `--decline` / `--cancel`; in the Web UI, the update `answer`). Its validator rejects, before anything is recorded,
 *   a malformed answer, an answer to no pending question or to one already answered, one after the time-out, and
 *   content that does not match the server's requested schema once its defaults are applied (src/schemas/elicitation.ts).
 * - A question nobody answers within its timeout is declined (a workflow timer; `by: "timeout"`).
 * - While a question waits, the run's progress is `waiting` with `details.pendingQuestion`; the `questions` query lists
 *   them all. The activity polls that query for the answer and hands it back to the server.
 *
 * The handlers are registered by `callTool` for calls that allow elicitation (before the activity can ask); they add
 * no command to a run's history until a question arrives.
 */
import { condition, defineQuery, defineUpdate, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import type * as ElicitationSchemas from '../../schemas/elicitation.js';
import type { Question, QuestionAnswer, RecordedAnswer, ServerQuestion } from '../../schemas/elicitation.js';
import { ANSWER_UPDATE, ELICIT_UPDATE, QUESTIONS_QUERY } from '../../shared/elicitation-names.js';
import { validate } from '../../shared/validation.js';
import { rejectedUpdate } from './input.js';
import { currentProgress } from './progress.js';

export const elicitUpdate = defineUpdate<Question, [ServerQuestion]>(ELICIT_UPDATE);
export const answerUpdate = defineUpdate<Question, [QuestionAnswer]>(ANSWER_UPDATE);
export const questionsQuery = defineQuery<Question[]>(QUESTIONS_QUERY);

const iso = (ms: number) => new Date(ms).toISOString();

class ServerQuestions {
  private readonly questions: Question[] = [];
  /** What the run showed before its first pending question, shown again once none is pending. */
  private before?: { step: string; state: 'running' | 'waiting' | 'completed' | 'failed' };

  constructor() {
    setHandler(elicitUpdate, (question) => this.ask(question), {
      validator: (raw) => {
        const parsed = validate(checks().ServerQuestion, raw);
        if (!parsed.ok) throw rejectedUpdate(`invalid question: ${parsed.message}`);
      },
    });
    setHandler(answerUpdate, (answer) => this.answer(answer), {
      validator: (raw) => {
        const problem = checks().answerProblem(this.questions, Date.now(), raw);
        if (problem) throw rejectedUpdate(problem);
      },
    });
    setHandler(questionsQuery, () => this.questions);
  }

  private ask(asked: ServerQuestion): Question {
    const known = this.questions.find((q) => q.id === asked.id);
    if (known) return known;
    const { timeoutMs, ...rest } = asked;
    const now = Date.now();
    const question: Question = {
      ...rest,
      askedAt: iso(now),
      timesOutAt: iso(now + timeoutMs),
      answerWith: `orchestra answer ${workflowInfo().workflowId} --question '${asked.id}' --by <name> (--content <json> | --decline | --cancel)`,
    };
    this.questions.push(question);
    this.show();
    void this.declineWhenLate(question, timeoutMs);
    return question;
  }

  private answer(raw: QuestionAnswer): Question {
    // Validated: the question exists and is pending, the content matches its schema.
    const question = checks().questionFor(this.questions, raw.question) as Question;
    this.settle(question, {
      action: raw.action,
      ...(raw.action === 'accept' ? { content: checks().withDefaults(question.requestedSchema, raw.content ?? {}) } : {}),
      by: raw.by.trim(),
      answeredAt: iso(Date.now()),
    });
    return question;
  }

  private async declineWhenLate(question: Question, timeoutMs: number): Promise<void> {
    try {
      if (await condition(() => question.answer !== undefined, timeoutMs)) return;
      this.settle(question, { action: 'decline', by: 'timeout', answeredAt: iso(Date.now()) });
    } catch (err) {
      if (!isCancellation(err)) throw err;
      // The run is being cancelled: its tool call is too; the question is closed as cancelled.
      if (!question.answer) this.settle(question, { action: 'cancel', by: 'cancellation', answeredAt: iso(Date.now()) });
    }
  }

  private settle(question: Question, answer: RecordedAnswer): void {
    question.answer = answer;
    this.show();
  }

  /** The run's progress: waiting with the first pending question, or back to what it showed before. */
  private show(): void {
    const progress = currentProgress();
    if (!progress) return;
    const pending = this.questions.find((q) => !q.answer);
    if (pending) {
      this.before ??= { step: progress.snapshot.step, state: progress.snapshot.state };
      progress.update({ step: `waiting for an answer: ${pending.server} asks "${pending.message}"`, state: 'waiting', details: { pendingQuestion: pending } });
    } else if (this.before) {
      progress.update({ ...this.before, details: { pendingQuestion: undefined } });
      this.before = undefined;
    }
  }
}

let installed: ServerQuestions | undefined;

/**
 * The schemas that check questions and answers (zod and a JSON Schema validator), loaded when the run first accepts
 * questions rather than with this module: every workflow that calls a tool imports this module, and each workflow
 * evaluates its imports again in its first task. They are loaded before any use: a question arrives in a later
 * activation than the one that accepts questions (the asking activity is scheduled by it), and the import (a module
 * of this bundle) resolves within that activation. Deterministic: no command, nothing from outside.
 */
let schemas: typeof ElicitationSchemas | undefined;
function checks(): typeof ElicitationSchemas {
  if (!schemas) throw new Error('the question schemas are not loaded: acceptServerQuestions() was not called in an earlier activation');
  return schemas;
}

/** Registers the run's question handlers (once); call it before a tool call that may ask. */
export function acceptServerQuestions(): void {
  if (installed) return;
  installed = new ServerQuestions();
  void import(/* webpackMode: "eager" */ '../../schemas/elicitation.js').then((loaded) => { schemas = loaded; });
}
