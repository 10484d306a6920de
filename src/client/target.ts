/**
 * What `run` and `start` run: the workflow type named by their first argument, with the `--input` given. One place to
 * extend when that argument can name something else (e.g. a definition file that maps to a workflow type + input).
 */
import { specOf } from './api.js';
import type { WorkflowType } from '../schemas/catalog.js';

export interface RunTarget {
  type: WorkflowType;
  input: unknown;
}

export type TargetResolver = (nameOrFile: string, input: unknown) => RunTarget | undefined;

/** Tried in order before the catalog of workflow types; the first that answers wins. */
export const targetResolvers: TargetResolver[] = [];

export function resolveTarget(nameOrFile: string, input: unknown): RunTarget {
  for (const resolve of targetResolvers) {
    const target = resolve(nameOrFile, input);
    if (target) return target;
  }
  specOf(nameOrFile); // throws UnknownWorkflowError naming the known types
  return { type: nameOrFile as WorkflowType, input: input ?? {} };
}
