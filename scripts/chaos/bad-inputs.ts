/**
 * Generated bad inputs (fast-check), per workflow type: each must be refused by the workflow's own schema with a clear
 * error — every problem names its field and the reason — before anything starts, quickly (no hang). Inputs are the
 * type's example with one field replaced by something else or removed, or any JSON value at all. A sample is also sent
 * past the client, straight to the server, where the workflow refuses it at its first step and the store is unchanged.
 */
import fc from 'fast-check';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { InvalidInputError, validateInput } from '../../src/client/api.js';
import { catalog, type WorkflowType } from '../../src/schemas/catalog.js';
import type { Problem } from '../../src/shared/validation.js';
import { ChaosStack, type ScenarioReport } from './stack.js';

const SEED = 20_261_129;
/**
 * A clear problem names its field (`items[2].quantity`, or `(input)` for the whole value) and gives a reason a person
 * can read on one screen. The path starts at an input field (an identifier); below that, keys a person chose (a state's
 * name) may be any text.
 */
const FIELD = /^(\(input\)$|[A-Za-z_$][\w$]*(\[|\.|$))/;
const MAX_REASON = 1_000;
const isClear = (problem: Problem) => FIELD.test(problem.path) && /\S/.test(problem.message) && problem.message.length <= MAX_REASON;

/** The example with the value at one path replaced (or removed, when `value` is the removal marker). */
const REMOVE = Symbol('remove');
function mutated(example: unknown, pick: number, value: unknown): unknown {
  const paths: Array<Array<string | number>> = [];
  const walk = (node: unknown, at: Array<string | number>) => {
    if (at.length) paths.push(at);
    if (Array.isArray(node)) node.forEach((child, i) => walk(child, [...at, i]));
    else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) walk(child, [...at, key]);
  };
  walk(example, []);
  const copy = structuredClone(example) as Record<string | number, unknown>;
  if (!paths.length) return value;
  const at = paths[pick % paths.length];
  let parent: Record<string | number, unknown> = copy;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  if (value === REMOVE) delete parent[at.at(-1)!];
  else parent[at.at(-1)!] = value;
  return copy;
}

const wrongValue = fc.oneof(
  fc.constant(REMOVE), fc.constant(null), fc.constant(''), fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.double(),
  fc.string({ maxLength: 3 }), fc.string({ minLength: 5_000, maxLength: 12_000 }), fc.boolean(), fc.constant([]), fc.constant({}),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }), fc.anything({ maxDepth: 3 }),
);

function badInputs(type: WorkflowType, count: number): unknown[] {
  const example = catalog[type].example;
  const input = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.nat(), wrongValue).map(([pick, value]) => mutated(example, pick, value)) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
  );
  return fc.sample(input, { numRuns: count, seed: SEED });
}

export async function badInputsScenario(perType: number, throughServer: number): Promise<ScenarioReport> {
  const notes: string[] = [];
  let started = 0;
  let clear = 0;
  let validByChance = 0;
  let slowest = 0;
  const unclear: string[] = [];
  for (const type of Object.keys(catalog) as WorkflowType[]) {
    let rejected = 0;
    for (const input of badInputs(type, perType)) {
      started += 1;
      const t0 = performance.now();
      try {
        validateInput(type, input);
        validByChance += 1; // the change happened to keep the input valid: not a bad input
      } catch (err) {
        if (!(err instanceof InvalidInputError)) {
          unclear.push(`${type}: ${String(err)}`);
          continue;
        }
        if (err.problems.length > 0 && err.problems.every(isClear)) {
          clear += 1;
          rejected += 1;
        } else unclear.push(`${type}: ${err.issues.slice(0, 200)}`);
      } finally {
        slowest = Math.max(slowest, performance.now() - t0);
      }
    }
    notes.push(`${type}: ${rejected} refused with field and reason`);
  }

  // A sample straight to the server (no client-side check): refused by the workflow before any step, store unchanged.
  let serverRefused = 0;
  let serverSent = 0;
  let effectsChanged = 0;
  if (throughServer > 0) {
    const stack = await ChaosStack.start('bad-inputs');
    try {
      stack.startWorker();
      const warm = await stack.orchestra.start('callTools', { calls: [{ server: 'store', tool: 'list_customers', args: {} }] }, { taskQueue: stack.taskQueue });
      await stack.orchestra.result(warm.workflowId);
      const effects = () => stack.store((db) => ['payments', 'reservations', 'notifications', 'tickets', 'users', 'events']
        .map((table) => { try { return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n; } catch { return 0; } }).join(','));
      const before = effects();
      for (const type of Object.keys(catalog) as WorkflowType[]) {
        const refusedHere = badInputs(type, perType).filter((input) => { try { validateInput(type, input); return false; } catch { return true; } }).slice(0, throughServer);
        for (const [i, input] of refusedHere.entries()) {
          serverSent += 1;
          const handle = await stack.env.client.workflow.start(type, { taskQueue: stack.taskQueue, workflowId: `chaos-bad-${type}-${i}`, args: [input] });
          try {
            await handle.result();
          } catch (err) {
            if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure && err.cause.type === 'InvalidInput' && err.cause.nonRetryable) serverRefused += 1;
          }
        }
      }
      if (effects() !== before) effectsChanged = 1;
    } finally {
      await stack.stop();
    }
    notes.push(`straight to the server: ${serverRefused} of ${serverSent} refused as InvalidInput at the first step; store ${effectsChanged ? 'CHANGED' : 'unchanged'}`);
  }
  notes.push(...unclear.slice(0, 5).map((u) => `unclear: ${u}`));
  return {
    scenario: `${perType} generated bad inputs per workflow type`,
    started,
    finished: clear + validByChance,
    lost: unclear.length + (serverSent - serverRefused),
    duplicated: effectsChanged,
    notes,
    figures: { refusedClearly: clear, validByChance, unclear: unclear.length, slowestValidationMs: +slowest.toFixed(1), fastCheckSeed: SEED },
  };
}
