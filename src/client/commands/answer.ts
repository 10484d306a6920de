/**
 * `orchestra answer`: answers the question an MCP server asked a run during a tool call (elicitation; see
 * src/workflows/support/questions.ts) — accept with content, decline or cancel. The run's `answer` update checks the
 * content against the server's requested schema; a rejected answer records nothing (exit 2).
 */
import type { Command } from 'commander';
import { ANSWER_UPDATE, QuestionAnswer, type Question } from '../../schemas/elicitation.js';
import { validate } from '../../shared/validation.js';
import { out, print, readJson, UsageError } from '../output.js';
import { withClient } from '../runs.js';
import { sendUpdate } from './steer.js';

export function answerCommands(program: Command): void {
  program.command('answer')
    .description('answer the question an MCP server asked a run during a tool call: accept with --content, or --decline / --cancel')
    .argument('<workflowId>')
    .requiredOption('--by <name>', 'who answers: a name (e.g. "Ada Lovelace", ops-lead) or an e-mail address')
    .option('--content <json>', 'the answer\'s fields as a JSON object (or @file.json); fields left out take the server\'s defaults')
    .option('--decline', 'decline to answer')
    .option('--cancel', 'cancel the question')
    .option('--question <id>', 'which question, when the run has more than one pending (orchestra status shows them)')
    .option('--json', 'print the answered question as JSON')
    .action(async (id: string, opts: { by: string; content?: string; decline?: boolean; cancel?: boolean; question?: string; json?: boolean }) => {
      if (opts.decline && opts.cancel) throw new UsageError('--decline and --cancel: give one of them');
      const action = opts.decline ? 'decline' : opts.cancel ? 'cancel' : 'accept';
      const content = opts.content === undefined ? undefined : readJson(opts.content, '--content');
      const parsed = validate(QuestionAnswer, { action, by: opts.by, ...(opts.question ? { question: opts.question } : {}), ...(content === undefined ? {} : { content }) });
      if (!parsed.ok) throw new UsageError(`invalid answer, nothing was sent: ${parsed.message}`);
      await withClient(async (orchestra) => {
        const question = await sendUpdate(orchestra, id, ANSWER_UPDATE, [parsed.value]) as Question;
        if (opts.json) return print(question, true);
        const given = question.answer;
        out(`${given?.action} by ${given?.by} at ${given?.answeredAt}: ${question.server} asked "${question.message}"` +
          (given?.content ? ` → ${JSON.stringify(given.content)}` : ''));
      });
    });
}
