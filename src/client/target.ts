/**
 * What `run` and `start` run: the workflow type named by their first argument, with the `--input` given. The argument
 * can also name a definition file or a registered definition (src/client/definitions.ts): it runs as `definitionRun`.
 */
import { specOf } from './api.js';
import type { WorkflowType } from '../schemas/catalog.js';
import { definitionTarget } from './definitions.js';

export interface RunTarget {
  type: WorkflowType;
  input: unknown;
}

export type TargetResolver = (nameOrFile: string, input: unknown) => RunTarget | undefined;

/** Tried in order before the catalog of workflow types; the first that answers wins. */
export const targetResolvers: TargetResolver[] = [definitionTarget];

export function resolveTarget(nameOrFile: string, input: unknown): RunTarget {
  for (const resolve of targetResolvers) {
    const target = resolve(nameOrFile, input);
    if (target) return target;
  }
  specOf(nameOrFile); // throws UnknownWorkflowError naming the known types
  return { type: nameOrFile as WorkflowType, input: input ?? {} };
}
