/**
 * A server's question during a tool call (MCP elicitation, form mode) as the calling workflow records it: what the
 * activity asks (`elicit` update), what a person answers (`answer` update), the state the `questions` query shows, and
 * the rule the answer's validator applies. Pure: the workflow, the activity, the CLI and the tests share it.
 *
 * An accepted answer is the requested schema's defaults (SEP-1034) under the content given, checked against the
 * requested schema by the MCP SDK's JSON Schema validator without code generation (`@cfworker/json-schema`), which
 * runs inside the workflow sandbox.
 */
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';
import { z } from 'zod';
import { validate } from '../shared/validation.js';
import { Approver } from './approval.js';

export { ANSWER_UPDATE, ELICIT_UPDATE, QUESTIONS_QUERY } from '../shared/elicitation-names.js';

/** A server's question, as the activity asks it. `id` is stable across attempts of the call (see src/mcp/elicitation.ts). */
export const ServerQuestion = z.object({
  id: z.string().min(1).max(300),
  server: z.string().min(1),
  tool: z.string().min(1),
  message: z.string(),
  /** The JSON Schema the answer's content must satisfy (a flat object of primitive properties, per the MCP spec). */
  requestedSchema: z.record(z.string(), z.unknown()),
  /** How long the question waits for an answer before it is declined. */
  timeoutMs: z.number().int().positive(),
});
export type ServerQuestion = z.infer<typeof ServerQuestion>;

export const ANSWER_ACTIONS = ['accept', 'decline', 'cancel'] as const;

/** What a person sends: `{"action":"accept","content":{…},"by":"Ada"}`, or `decline` / `cancel` without content. */
export const QuestionAnswer = z.strictObject({
  /** Which question; may be left out while only one is pending. */
  question: z.string().min(1).optional(),
  action: z.enum(ANSWER_ACTIONS, { error: (issue) => (issue.input === undefined ? 'required' : 'must be "accept", "decline" or "cancel"') }),
  /** The answer's fields (accept only); fields left out take the schema's defaults. */
  content: z.record(z.string(), z.unknown()).optional(),
  by: Approver,
}).refine((a) => a.action === 'accept' || a.content === undefined, { path: ['content'], message: 'only an accepted answer has content' });
export type QuestionAnswer = z.input<typeof QuestionAnswer>;

/** An answer as recorded: a person's, or the decline a timeout gives. */
export interface RecordedAnswer {
  action: (typeof ANSWER_ACTIONS)[number];
  /** Accepted content, defaults applied. */
  content?: Record<string, unknown>;
  /** Who answered; `timeout` when nobody did in time. */
  by: string;
  answeredAt: string;
}

/** A question as the `questions` query shows it. */
export interface Question extends Omit<ServerQuestion, 'timeoutMs'> {
  askedAt: string;
  timesOutAt: string;
  /** The command that answers it. */
  answerWith: string;
  answer?: RecordedAnswer;
}

/**
 * The `answer` validator's rule: why this answer cannot be recorded now, or undefined when it can. Rejected: a malformed
 * answer, no pending question (or several and none named), a question already answered or timed out, and accepted
 * content that does not satisfy the requested schema once its defaults are applied.
 */
export function answerProblem(questions: readonly Question[], nowMs: number, raw: unknown): string | undefined {
  const parsed = validate(QuestionAnswer, raw);
  if (!parsed.ok) return parsed.message;
  const answer = parsed.value;
  const question = questionFor(questions, answer.question);
  if (typeof question === 'string') return question;
  if (question.answer) return `question ${question.id} was already answered: ${question.answer.action} by ${question.answer.by} at ${question.answer.answeredAt}`;
  if (nowMs >= Date.parse(question.timesOutAt)) return `question ${question.id} timed out at ${question.timesOutAt}; it was declined`;
  if (answer.action !== 'accept') return undefined;
  const problems = contentProblems(question.requestedSchema, withDefaults(question.requestedSchema, answer.content ?? {}));
  return problems.length ? `content does not match what ${question.server} asked for: ${problems.join('; ')}` : undefined;
}

/** The question an answer is for: the one it names, else the only pending one; a string says why there is none. */
export function questionFor(questions: readonly Question[], id: string | undefined): Question | string {
  if (id !== undefined) return questions.find((q) => q.id === id) ?? `no question ${id} in this run (asked: ${questions.map((q) => q.id).join(', ') || 'none'})`;
  const pending = questions.filter((q) => !q.answer);
  if (pending.length === 1) return pending[0];
  return pending.length === 0 ? 'no question is pending for this run' : `${pending.length} questions are pending: name one with "question" (${pending.map((q) => q.id).join(', ')})`;
}

/**
 * The content with the schema's defaults for the properties it leaves out (SEP-1034). Written here because the SDK
 * keeps its own helper private; elicitation schemas are flat, so one level is all there is.
 */
export function withDefaults(schema: Record<string, unknown>, content: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, { default?: unknown }>;
  const filled = { ...content };
  for (const [name, property] of Object.entries(properties)) {
    if (filled[name] === undefined && property && Object.hasOwn(property, 'default')) filled[name] = property.default;
  }
  return filled;
}

const validator = new CfWorkerJsonSchemaValidator({ shortcircuit: false, draft: '2020-12' });

/** One line per problem, naming the field: `age: Instance type "string" is invalid. Expected "integer".`, `name: is required`. */
export function contentProblems(schema: Record<string, unknown>, content: Record<string, unknown>): string[] {
  let result;
  try {
    result = validator.getValidator(schema as never)(content);
  } catch (err) {
    return [`the requested schema cannot be checked: ${(err as Error).message}`];
  }
  if (result.valid) return [];
  return (result.errorMessage ?? 'is invalid').split('; ').flatMap((line) => {
    const required = /^#: Instance does not have required property "(.+)"\.$/.exec(line);
    if (required) return [`${required[1]}: is required`];
    if (/^#: Property ".+" does not match schema\.$/.test(line)) return []; // its field's own line says why
    const field = /^#\/([^:]+): (.+)$/.exec(line);
    return [field ? `${field[1]}: ${field[2]}` : line.replace(/^#: /, '')];
  });
}
