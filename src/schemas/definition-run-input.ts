/**
 * `definitionRun`'s input: what the workflow itself checks (parseInput) in its first task. Its own module, in zod/mini
 * (src/shared/zod-mini.ts says why), apart from the result's schemas (./definition-run.ts, which re-exports this module
 * for the catalogue and the client): every module a workflow imports is evaluated again in each workflow's first task.
 * The definition travels in the input, so a run's history holds exactly what it ran.
 */
import { z } from 'zod/mini';
import '../shared/zod-mini.js'; // English messages, as classic zod gives

export const DefinitionRunInput = z.object({
  /** The definition (`orchestra: 1`, …); checked in full by the interpreter before any step (src/engine/checks.ts). */
  definition: z.record(z.string(), z.unknown()),
  /** The run's input: `input` in expressions, checked against the definition's `input` JSON Schema before start. */
  input: z._default(z.unknown(), {}),
  /** Definitions its `workflow` steps start by name (resolved by the client from the definitions folder). */
  definitions: z._default(z.record(z.string(), z.record(z.string(), z.unknown())), {}),
});
export type DefinitionRunInput = z.input<typeof DefinitionRunInput>;
