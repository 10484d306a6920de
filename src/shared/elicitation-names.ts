/**
 * The names of the run's question handlers (MCP elicitation), apart from the schemas that check questions and answers
 * (src/schemas/elicitation.ts): every workflow that calls a tool imports them, and each workflow evaluates its
 * imports again in its first task, so they carry no zod.
 */

/** The update the tool-call activity sends its own workflow when a server asks something. */
export const ELICIT_UPDATE = 'elicit';
/** The update that delivers a person's answer (`orchestra answer`, or the Web UI's update action). */
export const ANSWER_UPDATE = 'answer';
/** The query listing the run's questions, pending and answered. */
export const QUESTIONS_QUERY = 'questions';
