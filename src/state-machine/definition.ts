/**
 * A state machine definition (seed 004 Pattern 2): states, transitions with an event, an optional pure guard and an
 * optional action (an MCP tool call), wildcard sources (`from: '*'`), terminal states, and per-state timeouts that fire
 * an event. Checked as a whole before anything starts (`definitionProblems`), each problem naming its field.
 * Pure: the client, the `stateMachine` workflow and the tests share it.
 */
import { z } from 'zod';
import { Duration } from '../schemas/common.js';
import { quote } from '../shared/validation.js';

/** A state or event name: `awaiting_approval`, `tests_passed`. */
export const Name = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'use 1–64 letters, digits, "_", "." or "-", starting with a letter');

/** Where a guard reads: the machine's context or the event's data, by a dotted path (`data.coverage`, `context.approved`). */
/** How many state names an "unknown state" message lists. */
const MAX_LISTED = 20;
const GuardPath = z.string().regex(/^(context|data)(\.[A-Za-z0-9_]+)+$/, 'must be context.<field> or data.<field> (dotted)');
const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One pure condition on the context or the event's data. A guard is a list of them: all must hold. */
export const Condition = z.discriminatedUnion('op', [
  z.strictObject({ path: GuardPath, op: z.enum(['equals', 'notEquals']), value: Scalar }),
  z.strictObject({ path: GuardPath, op: z.enum(['gte', 'gt', 'lte', 'lt']), value: z.number() }),
  z.strictObject({ path: GuardPath, op: z.literal('in'), value: z.array(Scalar).min(1) }),
  z.strictObject({ path: GuardPath, op: z.enum(['exists', 'truthy']) }),
], { error: 'op: must be one of equals, notEquals, gte, gt, lte, lt, in, exists, truthy' });
export type Condition = z.infer<typeof Condition>;

/** A transition's side effect: one MCP tool call, run as an activity with an idempotency key for this transition. */
export const Action = z.strictObject({
  /** A configured MCP server (`store`, `filesystem`, …). */
  server: z.string().min(1),
  tool: z.string().min(1),
  /** Static arguments; the string `${workflowId}` anywhere in a value is replaced by the run's workflow id. */
  args: z.record(z.string(), z.unknown()).default({}),
  /** What it does, in words (the Web UI's activity summary). */
  summary: z.string().max(200).optional(),
});
export type Action = z.infer<typeof Action>;

export const Transition = z.strictObject({
  /** The states it leaves: a list, or `*` for every non-terminal state. */
  from: z.union([z.literal('*'), z.array(Name).min(1)]),
  to: Name,
  event: Name,
  /** Pure conditions on the context and the event's data, all of which must hold for the transition to be taken. */
  guard: z.array(Condition).min(1).optional(),
  action: Action.optional(),
});
export type Transition = z.infer<typeof Transition>;

export const State = z.strictObject({
  description: z.string().max(300).optional(),
  /** The run ends when it reaches a terminal state; a terminal state has no exits. */
  terminal: z.boolean().default(false),
  /** Fires `event` (sent by `timer`) when the machine is still in this state after `after`. */
  timeout: z.strictObject({ after: Duration, event: Name }).optional(),
  /**
   * Waits for a person's decision through the reusable approval gate (`orchestra approve <id> --by <name> [--deny]`),
   * then fires `approved` or `denied` (sent by the approver), or `expired` (sent by `timer`) after `timeout`.
   * These events are the gate's: `send` does not take them in this state.
   */
  approval: z.strictObject({
    subject: z.string().min(1).max(300),
    timeout: z._default(Duration, '24 hours'),
    approved: Name,
    denied: Name,
    expired: Name,
  }).optional(),
});
export type State = z.infer<typeof State>;

export const MachineDefinition = z.strictObject({
  name: Name,
  description: z.string().max(500).optional(),
  initial: Name,
  states: z.record(Name, State).refine((states) => Object.keys(states).length > 0, 'must define at least one state'),
  /** In priority order: for one state and event, the first transition whose guard holds is taken. */
  transitions: z.array(Transition).min(1, 'must define at least one transition'),
  /** The machine's starting context; each taken event's `data` is merged into it. */
  context: z.record(z.string(), z.unknown()).default({}),
}).superRefine((definition, ctx) => {
  for (const problem of definitionProblems(definition)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});
export type MachineDefinitionInput = z.input<typeof MachineDefinition>;
export type MachineDefinition = z.output<typeof MachineDefinition>;

export interface DefinitionProblem {
  path: (string | number)[];
  message: string;
}

/** The states a transition leaves: its list, or every non-terminal state for `*`. */
export function sourcesOf(definition: Pick<MachineDefinition, 'states'>, transition: Transition): string[] {
  if (transition.from !== '*') return transition.from;
  return Object.entries(definition.states).filter(([, state]) => !state.terminal).map(([name]) => name);
}

/**
 * What is wrong with a definition as a whole: unknown states, unreachable states, terminal states with exits (or
 * timeouts, approvals), events a timeout or approval fires that its state cannot take, ambiguous transitions (for one
 * state and event, an unguarded transition must be the only one, or the last), and a machine that can never end.
 */
export function definitionProblems(definition: Pick<MachineDefinition, 'initial' | 'states' | 'transitions'>): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const { states, transitions } = definition;
  const known = (name: string) => Object.hasOwn(states, name);
  const names = Object.keys(states);
  const stateList = names.slice(0, MAX_LISTED).map((name) => quote(name)).join(', ') + (names.length > MAX_LISTED ? `, … (${names.length} states)` : '');
  const unknown = (name: string) => `unknown state ${quote(name)} (states: ${stateList})`;

  if (!known(definition.initial)) problems.push({ path: ['initial'], message: unknown(definition.initial) });
  else if (states[definition.initial].terminal) problems.push({ path: ['initial'], message: `${quote(definition.initial)} is terminal: the machine would end before it starts` });
  if (!Object.values(states).some((state) => state.terminal)) {
    problems.push({ path: ['states'], message: 'no state is terminal: mark at least one `terminal: true` so a run can end' });
  }

  transitions.forEach((transition, index) => {
    if (!known(transition.to)) problems.push({ path: ['transitions', index, 'to'], message: unknown(transition.to) });
    if (transition.from === '*') return;
    transition.from.forEach((from, i) => {
      if (!known(from)) problems.push({ path: ['transitions', index, 'from', i], message: unknown(from) });
      else if (states[from].terminal) problems.push({ path: ['transitions', index, 'from', i], message: `${quote(from)} is terminal and cannot have exits` });
    });
  });

  // Ambiguity: per state and event, the transitions in priority order; an unguarded one shadows every later one.
  const byStateEvent = new Map<string, number[]>();
  transitions.forEach((transition, index) => {
    for (const from of sourcesOf(definition, transition)) {
      const key = `${from}\u0000${transition.event}`;
      byStateEvent.set(key, [...(byStateEvent.get(key) ?? []), index]);
    }
  });
  for (const [key, indexes] of byStateEvent) {
    const [from, event] = key.split('\u0000');
    const unguarded = indexes.findIndex((index) => !transitions[index].guard);
    if (unguarded !== -1 && unguarded < indexes.length - 1) {
      const shadowed = indexes.slice(unguarded + 1).map((index) => `transitions[${index}]`).join(', ');
      problems.push({
        path: ['transitions', indexes[unguarded]],
        message: `ambiguous: in ${quote(from)}, ${quote(event)} is taken by this unguarded transition, so ${shadowed} can never be `
          + '(guard it, or list it last)',
      });
    }
  }

  for (const [name, state] of Object.entries(states)) {
    const fired: [string, string][] = [
      ...(state.timeout ? [['timeout', state.timeout.event] as [string, string]] : []),
      ...(state.approval ? (['approved', 'denied', 'expired'] as const).map((k) => [`approval.${k}`, state.approval![k]] as [string, string]) : []),
    ];
    if (state.terminal && fired.length) {
      problems.push({ path: ['states', name, fired[0][0].split('.')[0]], message: `${quote(name)} is terminal: it cannot fire events` });
      continue;
    }
    for (const [field, event] of fired) {
      if (!byStateEvent.has(`${name}\u0000${event}`)) {
        problems.push({ path: ['states', name, ...field.split('.')], message: `fires ${quote(event)}, but no transition leaves ${quote(name)} on it` });
      }
    }
  }

  if (known(definition.initial)) {
    const reached = new Set([definition.initial]);
    for (let grew = true; grew;) {
      grew = false;
      for (const transition of transitions) {
        if (reached.has(transition.to) || !known(transition.to)) continue;
        if (sourcesOf(definition, transition).some((from) => reached.has(from))) {
          reached.add(transition.to);
          grew = true;
        }
      }
    }
    for (const name of Object.keys(states)) {
      if (!reached.has(name)) problems.push({ path: ['states', name], message: `unreachable: no transitions lead to ${quote(name)} from ${quote(definition.initial)}` });
    }
  }
  return problems;
}
