/**
 * The CLI's view of runs: connecting, finding a run (a clear "not found"), and reporting how a run ended — its
 * result, or its failure as `{status, failure: {type, message, details}}` (src/client/failure.ts).
 */
import { WorkflowExecutionStatusName, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { OUTCOME } from '../shared/search-attributes.js';
import { Orchestra } from './api.js';
import { failureDocument } from './failure.js';
import { CliError, err, out, print, RunNotFoundError } from './output.js';

export async function withClient<T>(fn: (orchestra: Orchestra) => Promise<T>): Promise<T> {
  const orchestra = await Orchestra.connect();
  try {
    return await fn(orchestra);
  } finally {
    await orchestra.close();
  }
}

/** The run's description; a missing run is a RunNotFoundError. */
export async function describeRun(orchestra: Orchestra, workflowId: string) {
  try {
    return await orchestra.describe(workflowId);
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw new RunNotFoundError(workflowId, orchestra.target.namespace);
    throw e;
  }
}

export function isClosed(status: WorkflowExecutionStatusName): boolean {
  return status !== 'RUNNING';
}

export function outcomeOf(run: { typedSearchAttributes: { get(key: typeof OUTCOME): string | undefined } }): string | undefined {
  return run.typedSearchAttributes.get(OUTCOME);
}

/**
 * Prints how a run ended. A result: its JSON on stdout. A failure: the failure document on stdout (one line with
 * --json) and its type and message on stderr; exit 1. A cancelled fan-out adds what its branches did (the `progress`
 * query keeps the aggregate when the run carries no result).
 */
export async function printEnding(orchestra: Orchestra, workflowId: string, ending: Promise<unknown>, json: boolean): Promise<void> {
  let result: unknown;
  try {
    result = await ending;
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw new RunNotFoundError(workflowId, orchestra.target.namespace);
    if (!(e instanceof WorkflowFailedError)) throw e;
    const doc = failureDocument(e);
    if (doc.status === 'CANCELLED' && doc.failure.details === null) {
      const aggregate = (await orchestra.progressWithin(workflowId))?.details?.aggregate;
      if (aggregate) doc.failure.details = aggregate;
    }
    print(doc, json);
    throw new CliError(`workflow ${doc.status === 'FAILED' ? 'failed' : doc.status.toLowerCase().replace('_', ' ')} — ${doc.failure.type}: ${doc.failure.message}`, 1);
  }
  print(result, json);
}

export { err, out };
