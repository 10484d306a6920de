/**
 * Static checks of a definition, run before anything starts (by the CLI, and again by the interpreter at the start of
 * a run): the schema (every error with its path), step references, cycles (naming the cycle), unreachable steps,
 * expressions that do not parse or read steps that are not upstream, calls to unknown activities or MCP servers, child
 * definitions that are not known. Pure and deterministic: the workflow runs the same checks.
 */
import { problemsOf, type Problem } from '../shared/validation.js';
import { actionOf, Definition, type Join, type Step } from './definition.js';
import { dependencies, findCycle, switchRoutes, upstream, type Scope } from './dag.js';
import { compile, conditionExpression, expressionsIn, ExpressionError, stepReferences } from './expressions.js';
import { callTarget, isRegisteredActivity, REGISTERED_ACTIVITIES } from './registry.js';

/** Where (a path into the definition: `steps.charge.retry.maximumAttempts`) and why. */
export type { Problem };

export interface CheckContext {
  /** Configured MCP server names; when given, a call to another server is a problem. */
  servers?: readonly string[];
  /** Names of definitions a `workflow` step may start; when given, another name is a problem. */
  definitions?: readonly string[];
  /** Registered Orchestra workflow types a `workflow` step may start; when given, another type is a problem. */
  workflowTypes?: readonly string[];
}

export type Checked = { ok: true; definition: Definition } | { ok: false; problems: Problem[] };

/** Parses and checks a definition; either the definition (defaults applied) or every problem found. */
export function checkDefinition(raw: unknown, context: CheckContext = {}): Checked {
  // One parse per schema instance: the workflow sandbox builds the schema afresh in every run, so zod's compiled fast
  // path (made on a schema's first parse) would cost more than it saves, here and in the one-shot CLI.
  const parsed = Definition.safeParse(raw, { jitless: true });
  if (!parsed.success) {
    return { ok: false, problems: problemsOf(parsed.error) };
  }
  const problems: Problem[] = [];
  const definition = parsed.data;
  checkScope(definition.steps, 'steps', new Set(), context, problems);
  if (definition.output !== undefined) checkExpressions(definition.output, 'output', new Set(Object.keys(definition.steps)), problems);
  if (definition.onFailure) checkInline(definition.onFailure, 'onFailure', new Set(Object.keys(definition.steps)), context, problems);
  return problems.length ? { ok: false, problems } : { ok: true, definition };
}

/** `steps.charge: …; steps.b.dependsOn: …` — one line per problem. */
export function describeProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}

function checkScope(scope: Scope, path: string, outer: ReadonlySet<string>, context: CheckContext, problems: Problem[]): void {
  const ids = Object.keys(scope);
  const routedBy = new Map<string, string[]>();
  for (const [id, step] of Object.entries(scope)) {
    for (const [i, dep] of (step.dependsOn ?? []).entries()) {
      if (dep === id) problems.push({ path: `${path}.${id}.dependsOn[${i}]`, message: 'a step cannot depend on itself' });
      else if (!ids.includes(dep)) problems.push({ path: `${path}.${id}.dependsOn[${i}]`, message: `unknown step "${dep}"` });
    }
    if (step.switch) {
      const targets = [...step.switch.cases.map((c, i) => [c.then, `cases[${i}].then`] as const),
        ...(step.switch.default ? [[step.switch.default, 'default'] as const] : [])];
      for (const [target, at] of targets) {
        if (target === id) problems.push({ path: `${path}.${id}.switch.${at}`, message: 'a switch cannot route to itself' });
        else if (!ids.includes(target)) problems.push({ path: `${path}.${id}.switch.${at}`, message: `unknown step "${target}"` });
        else routedBy.set(target, [...new Set([...(routedBy.get(target) ?? []), id])]);
      }
    }
  }
  for (const [target, switches] of routedBy) {
    if (switches.length > 1) problems.push({ path: `${path}.${target}`, message: `is routed to by more than one switch (${switches.join(', ')}); give each its own step` });
  }

  const deps = dependencies(scope);
  const cycle = findCycle(deps);
  if (cycle) {
    problems.push({ path, message: `the steps depend on each other in a cycle: ${cycle.join(' → ')}` });
    return; // upstream sets are meaningless on a cycle
  }
  for (const [id, step] of Object.entries(scope)) {
    const visible = new Set([...outer, ...upstream(deps, id)]);
    checkStep(step, `${path}.${id}`, visible, context, problems);
  }
  checkUnreachable(scope, path, deps, problems);
}

/** Steps that can never run: downstream of a step that always fails, or behind a switch case that always matches. */
function checkUnreachable(scope: Scope, path: string, deps: Map<string, string[]>, problems: Problem[]): void {
  const alwaysFails = (step: Step) => step.fail !== undefined && step.if === undefined && !step.catch && !step.continueOnFailure;
  for (const [id, step] of Object.entries(scope)) {
    const failing = [...upstream(deps, id)].find((up) => alwaysFails(scope[up]));
    if (failing) problems.push({ path: `${path}.${id}`, message: `is unreachable: it runs after "${failing}", which always fails` });
    if (step.if !== undefined && /^\s*(\$\{\s*)?false(\s*\})?\s*$/.test(step.if)) {
      problems.push({ path: `${path}.${id}.if`, message: 'is unreachable: its condition is always false' });
    }
    if (step.switch) {
      const always = step.switch.cases.findIndex((c) => /^\s*(\$\{\s*)?true(\s*\})?\s*$/.test(c.when));
      const shadowed = always < 0 ? [] : [...step.switch.cases.slice(always + 1).map((c) => c.then), ...(step.switch.default ? [step.switch.default] : [])];
      for (const target of shadowed) {
        if (switchRoutes(scope).get(target) === id && step.switch.cases[always].then !== target) {
          problems.push({ path: `${path}.${target}`, message: `is unreachable: switch "${id}" always takes case ${always} first` });
        }
      }
    }
  }
}

function checkStep(step: Step, path: string, visible: ReadonlySet<string>, context: CheckContext, problems: Problem[]): void {
  const within = (mapping: unknown, at: string, extra: ReadonlySet<string> = visible) => checkExpressions(mapping, `${path}.${at}`, extra, problems);
  if (step.if !== undefined) checkCondition(step.if, `${path}.if`, visible, problems);
  if (step.input !== undefined) within(step.input, 'input');
  if (step.output !== undefined) within(step.output, 'output');
  if (step.catch) checkInline(step.catch, `${path}.catch`, visible, context, problems);
  if (step.compensate) checkInline(step.compensate, `${path}.compensate`, visible, context, problems);

  switch (actionOf(step)) {
    case 'call': {
      const target = callTarget(step.call!);
      if (target.kind === 'activity' && !isRegisteredActivity(target.name)) {
        problems.push({ path: `${path}.call`, message: `unknown activity "${target.name}" (registered: ${Object.keys(REGISTERED_ACTIVITIES).join(", ")}); MCP tools are written <server>.<tool>` });
      }
      if (target.kind === 'tool' && context.servers && !context.servers.includes(target.server)) {
        problems.push({ path: `${path}.call`, message: `unknown MCP server "${target.server}"; configured: ${context.servers.join(', ') || 'none'}` });
      }
      break;
    }
    case 'set':
      within(step.set, 'set');
      break;
    case 'fail':
      within(step.fail!.message, 'fail.message');
      break;
    case 'switch':
      step.switch!.cases.forEach((c, i) => checkCondition(c.when, `${path}.switch.cases[${i}].when`, visible, problems));
      break;
    case 'parallel': {
      const { branches, join } = step.parallel!;
      checkJoin(join, Object.keys(branches).length, `${path}.parallel.join`, problems);
      for (const [id, branch] of Object.entries(branches)) checkInline(branch, `${path}.parallel.branches.${id}`, visible, context, problems);
      break;
    }
    case 'map':
      checkExpression(step.map!.items, `${path}.map.items`, visible, problems);
      checkInline(step.map!.step, `${path}.map.step`, visible, context, problems);
      if (step.map!.partitionSize !== undefined && holdsUndo([step.map!.step])) {
        problems.push({ path: `${path}.map.partitionSize`, message: 'a map run in child workflows cannot hold steps with compensate: their undos would not reach the run' });
      }
      break;
    case 'loop': {
      const body = step.loop!.steps;
      checkScope(body, `${path}.loop.steps`, visible, context, problems);
      checkCondition(step.loop!.until, `${path}.loop.until`, new Set([...visible, ...Object.keys(body)]), problems);
      if (step.loop!.iterationsPerRun && holdsUndo(Object.values(body))) {
        problems.push({ path: `${path}.loop.iterationsPerRun`, message: 'a loop that continues as new cannot hold steps with compensate: their undos would not be carried over' });
      }
      break;
    }
    case 'wait':
      if (typeof step.wait === 'object' && 'until' in step.wait) checkExpression(step.wait.until, `${path}.wait.until`, visible, problems);
      break;
    case 'approval':
      within(step.approval!.subject, 'approval.subject');
      break;
    case 'workflow': {
      const child = step.workflow!;
      if ('definition' in child && context.definitions && !context.definitions.includes(child.definition)) {
        problems.push({ path: `${path}.workflow.definition`, message: `unknown definition "${child.definition}"; known: ${context.definitions.join(', ') || 'none'}` });
      }
      if ('type' in child && context.workflowTypes && !context.workflowTypes.includes(child.type)) {
        problems.push({ path: `${path}.workflow.type`, message: `unknown workflow type "${child.type}"` });
      }
      if (child.input !== undefined) within(child.input, 'workflow.input');
      break;
    }
  }
}

/** Whether any of these steps, or a step they hold, registers an undo. */
export function holdsUndo(steps: Step[]): boolean {
  return steps.some((s) => s.compensate !== undefined || holdsUndo([
    ...(s.catch ? [s.catch] : []), ...Object.values(s.parallel?.branches ?? {}), ...(s.map ? [s.map.step] : []), ...Object.values(s.loop?.steps ?? {}),
  ]));
}

/** A step that belongs to another (catch, compensate, a branch, a map's step, onFailure): no DAG edges of its own. */
function checkInline(step: Step, path: string, visible: ReadonlySet<string>, context: CheckContext, problems: Problem[]): void {
  if (step.dependsOn?.length) problems.push({ path: `${path}.dependsOn`, message: 'has no meaning here: this step runs as part of the step that holds it' });
  checkStep(step, path, visible, context, problems);
}

function checkJoin(join: Join, total: number, path: string, problems: Problem[]): void {
  if (typeof join === 'object' && 'quorum' in join && join.quorum > total) {
    problems.push({ path: `${path}.quorum`, message: `asks for ${join.quorum} of ${total} branches` });
  }
}

function checkExpressions(mapping: unknown, path: string, visible: ReadonlySet<string>, problems: Problem[]): void {
  for (const { expression, where } of expressionsIn(mapping, path)) checkExpression(expression, where, visible, problems);
}

function checkCondition(condition: string, path: string, visible: ReadonlySet<string>, problems: Problem[]): void {
  checkExpression(conditionExpression(condition), path, visible, problems);
}

function checkExpression(expression: string, path: string, visible: ReadonlySet<string>, problems: Problem[]): void {
  try {
    compile(expression, path);
    for (const ref of stepReferences(expression, path)) {
      if (!visible.has(ref)) {
        problems.push({ path, message: `\`${expression}\` reads steps.${ref}, which is not upstream of this step: add "${ref}" to dependsOn (or check the name)` });
      }
    }
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    problems.push({ path, message: err.message.slice(path.length + 2) });
  }
}
