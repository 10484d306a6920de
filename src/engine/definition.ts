/**
 * The declarative definition format, version 1: a workflow written as a file (YAML or JSON) instead of code.
 *
 *   orchestra: 1
 *   name: order-fulfilment
 *   steps:
 *     price:  { call: store.query, input: { sql: "SELECT …" } }
 *     charge: { call: store.charge_payment, dependsOn: [price], input: { amount: "${ steps.price.rows[0].price }" },
 *               compensate: { call: store.refund_payment, input: { payment_id: "${ result.payment_id }" } } }
 *
 * Steps live in a map keyed by their id, so every error has a path a person can follow
 * (`steps.charge.retry.maximumAttempts: …`). Each step does exactly one thing, named by its one action key (`call`,
 * `set`, `fail`, `switch`, `parallel`, `map`, `loop`, `wait`, `approval`, `workflow`); the other keys say when and how
 * it runs. Every default lives here, in the schema; `orchestra schema` prints the JSON Schema generated from it.
 *
 * In zod/mini (src/shared/zod-mini.ts says why): `definitionRun` builds this module in every run's first task and
 * checks its definition against it. Same accepted definitions, output, messages and JSON Schema as zod classic.
 */
import { z } from 'zod/mini';
import '../shared/zod-mini.js'; // English messages, as classic zod gives
import { Duration } from '../schemas/common.js';

/** Step ids are identifiers so expressions can name them: `steps.charge_payment.payment_id`. */
export const StepId = z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'step ids are identifiers: letters, digits and "_", not starting with a digit'));

/**
 * A JSONata expression (https://jsonata.org) over the run's context: `input`, `steps.<id>` (earlier outputs),
 * `item`/`index` in a map, `iteration`/`previous` in a loop, `result` in an output mapping or a compensation, `error`
 * in a catch or onFailure step. Conditions take the bare expression (`steps.score.value > 0.8`) or `${ … }`.
 */
export const Expression = z.string().check(z.minLength(1, 'must be an expression'));

/**
 * A value with expressions inside: any JSON, where a string that is exactly `${ expr }` becomes the expression's value
 * and a string with `${ expr }` among text becomes that text with the values spliced in.
 */
export const Mapping = z.unknown();

export const RetryOptions = z.strictObject({
  /** Attempts in all, the first included. @default 3 */
  maximumAttempts: z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 3),
  /** @default "1s" */
  initialInterval: z._default(Duration, '1s'),
  /** @default 2 */
  backoffCoefficient: z._default(z.number().check(z.gte(1), z.lte(10)), 2),
  /** @default "30s" */
  maximumInterval: z._default(Duration, '30s'),
  /** Error types never retried (business rejections); the tools' own non-retryable types are always included. */
  nonRetryableErrorTypes: z._default(z.array(z.string().check(z.minLength(1))), []),
});

/** How many branches (or items) must complete: all, any one, N of M, or at most P% may fail. */
export const Join = z.union([
  z.enum(['all', 'any']),
  z.strictObject({ quorum: z.number().check(z.int(), z.gte(1)) }),
  z.strictObject({ toleratedFailurePercentage: z.number().check(z.gte(0), z.lte(100)) }),
]);
export type Join = z.infer<typeof Join>;

/** Once the join is decided: cancel the branches still running, or let them finish. @default "cancel" */
export const OnDecided = z.enum(['cancel', 'keep']);

const Call = z.string().check(z.regex(/^[A-Za-z0-9_-]+(\.\S+)?$/, 'name a registered activity ("sentiment") or an MCP tool as <server>.<tool> ("store.charge_payment")'));

const SwitchCase = z.strictObject({ when: Expression, then: StepId });

const Wait = z.union([
  Duration,
  z.strictObject({ for: Duration }),
  z.strictObject({ until: Expression }),
]);

const Approval = z.strictObject({
  /** What the person is asked to decide; may contain `${ … }`. */
  subject: z.string().check(z.minLength(1)),
  /** @default "24h" */
  timeout: z._default(Duration, '24h'),
});

const ChildWorkflow = z.union([
  z.strictObject({ definition: z.string().check(z.minLength(1)), input: z.optional(Mapping) }),
  z.strictObject({ type: z.string().check(z.minLength(1)), input: z.optional(Mapping) }),
]);

const Fail = z.strictObject({
  /** The failure's type, for callers to branch on. @default "DefinitionFailure" */
  type: z._default(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9]*$/)), 'DefinitionFailure'),
  message: z.string().check(z.minLength(1)),
});

/**
 * A `map` over more items than this splits them into child workflows (as parallelAggregate does past 1,000 branches):
 * Temporal allows 2,000 pending activities and ~51k history events per workflow.
 */
export const MAP_PARTITION_SIZE = 1000;

export const ACTIONS = ['call', 'set', 'fail', 'switch', 'parallel', 'map', 'loop', 'wait', 'approval', 'workflow'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Step {
  description?: string;
  dependsOn?: string[];
  if?: string;
  input?: unknown;
  output?: unknown;
  retry?: z.output<typeof RetryOptions>;
  timeout?: string | number;
  catch?: Step;
  continueOnFailure?: boolean;
  compensate?: Step;
  readOnly?: boolean;
  call?: string;
  set?: unknown;
  fail?: z.output<typeof Fail>;
  switch?: { cases: Array<z.output<typeof SwitchCase>>; default?: string };
  parallel?: { branches: Record<string, Step>; join: Join; onDecided: 'cancel' | 'keep' };
  map?: { items: string; step: Step; maxConcurrency?: number; partitionSize?: number; join: Join; onDecided: 'cancel' | 'keep' };
  loop?: { steps: Record<string, Step>; until: string; maxIterations: number; iterationsPerRun?: number };
  wait?: z.output<typeof Wait>;
  approval?: z.output<typeof Approval>;
  workflow?: z.output<typeof ChildWorkflow>;
}

export const Step: z.ZodMiniType<Step, unknown> = z.lazy(() => z.strictObject({
  description: z.optional(z.string()),
  /** Steps that must finish first (a DAG); ready steps run concurrently, at most `maxParallel` at a time. */
  dependsOn: z.optional(z.pipe(z.transform((v: unknown) => (typeof v === 'string' ? [v] : v)), z.array(StepId))),
  /** Run only when this holds; otherwise the step is skipped. */
  if: z.optional(Expression),
  /** The step's input: a call's arguments, a child's input (mapping with `${ … }`). */
  input: z.optional(Mapping),
  /** Shapes what the step returns into its output (`result` is the raw result). @default the raw result */
  output: z.optional(Mapping),
  retry: z.optional(RetryOptions),
  /** How long the step may take, retries included. */
  timeout: z.optional(Duration),
  /** A fallback step run when this one fails; its output becomes this step's output (`error` says what failed). */
  catch: z.optional(Step),
  /** A failure is recorded and dependents still run. @default false */
  continueOnFailure: z._default(z.boolean(), false),
  /** The step that undoes this one (`result` is this step's result), run in reverse order if the run fails. */
  compensate: z.optional(Step),
  /** Declares an MCP tool call a read: retried freely and sent without an idempotency key. @default false */
  readOnly: z._default(z.boolean(), false),

  call: z.optional(Call),
  set: z.optional(Mapping),
  fail: z.optional(Fail),
  switch: z.optional(z.strictObject({ cases: z.array(SwitchCase).check(z.minLength(1)), default: z.optional(StepId) })),
  parallel: z.optional(z.strictObject({
    branches: z.record(StepId, Step).check(z.refine((b) => Object.keys(b).length > 0, 'needs at least one branch')),
    join: z._default(Join, 'all'),
    onDecided: z._default(OnDecided, 'cancel'),
  })),
  map: z.optional(z.strictObject({
    /** An expression giving the list to map over. */
    items: Expression,
    /** The step run once per item (`item`, `index` in its expressions). */
    step: Step,
    /** Items in flight at once. @default the definition's maxParallel */
    maxConcurrency: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000))),
    /**
     * More items than this run in child workflows (`definitionMap`) of at most this many each, so the run's history
     * stays bounded. A map whose step holds a `compensate` runs inline (its undos belong to the run).
     * @default 1000 (MAP_PARTITION_SIZE)
     */
    partitionSize: z.optional(z.number().check(z.int(), z.gte(1), z.lte(MAP_PARTITION_SIZE))),
    join: z._default(Join, 'all'),
    onDecided: z._default(OnDecided, 'cancel'),
  })),
  loop: z.optional(z.strictObject({
    /** The body: steps (a DAG of their own) run once per iteration. */
    steps: z.record(StepId, Step).check(z.refine((b) => Object.keys(b).length > 0, 'needs at least one step')),
    /** Stop once this holds after an iteration (`iteration`, `steps.<body step>`). */
    until: Expression,
    maxIterations: z.number().check(z.int(), z.gte(1), z.lte(100_000)),
    /** Run the loop as a child workflow that continues as new after this many iterations (long loops). */
    iterationsPerRun: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000))),
  })),
  wait: z.optional(Wait),
  approval: z.optional(Approval),
  workflow: z.optional(ChildWorkflow),
}).check(z.superRefine((step, ctx) => {
  const actions = ACTIONS.filter((a) => step[a] !== undefined);
  if (actions.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: actions.length ? `a step does one thing: choose one of ${actions.join(', ')}` : `a step needs one action: ${ACTIONS.join(', ')}`,
    });
  }
})));

export const Definition = z.strictObject({
  /** The format version. */
  orchestra: z.literal(1, 'this file is not an Orchestra definition: start it with `orchestra: 1`'),
  name: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,60}$/, 'use 1–60 letters, digits, ".", "-" or "_"')),
  version: z._default(z.pipe(z.union([z.string().check(z.minLength(1)), z.number()]), z.transform(String)), '1'),
  description: z.optional(z.string()),
  /** A JSON Schema the run's input must satisfy; checked before the run starts. */
  input: z.optional(z.record(z.string(), z.unknown())),
  /** The whole run's limit; past it the run fails and compensates. */
  timeout: z.optional(Duration),
  /** Steps running at once, at most. @default 10 (seed 002's max_parallel_steps) */
  maxParallel: z._default(z.number().check(z.int(), z.gte(1), z.lte(1000)), 10),
  steps: z.record(StepId, Step).check(z.refine((s) => Object.keys(s).length > 0, 'needs at least one step')),
  /** The run's result (mapping over `input` and `steps`). @default every step's output */
  output: z.optional(Mapping),
  /** A step run when the run fails, after compensation (`error` says what failed). */
  onFailure: z.optional(Step),
});
export type Definition = z.output<typeof Definition>;
export type DefinitionInput = z.input<typeof Definition>;

/** The action a step performs (the schema guarantees exactly one). */
export function actionOf(step: Step): Action {
  return ACTIONS.find((a) => step[a] !== undefined)!;
}

/** The JSON Schema of the format, for editors: `# yaml-language-server: $schema=definition.schema.json`. */
export function definitionJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://orchestra.dev/schemas/definition-1.json',
    title: 'Orchestra workflow definition',
    ...z.toJSONSchema(Definition, { io: 'input', unrepresentable: 'any' }),
  };
}
