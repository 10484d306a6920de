/**
 * The transition logic of a checked machine definition, on xstate 5: the definition becomes an xstate machine and
 * every event goes through xstate's pure `transition()` (no actor, no timers: it only computes the next snapshot and
 * the actions to run, which the workflow then runs as activities). xstate runs deterministically in the workflow
 * sandbox — the pure functions read neither the clock nor randomness — so the workflow, the client and the tests use the
 * same logic. Guards are pure conditions (./definition.ts) evaluated here, which also words why one did not hold.
 */
import { assign, initialTransition, setup, transition as nextSnapshot, type AnyMachineSnapshot } from 'xstate';
import { sourcesOf, type Condition, type MachineDefinition } from './definition.js';

/** An event as the machine sees it. */
export interface MachineEvent {
  type: string;
  data: Record<string, unknown>;
}

/** What taking an event does: the transition chosen (by index in the definition) and the snapshot it leads to. */
export type Step =
  | { taken: true; transition: number; next: AnyMachineSnapshot }
  | { taken: false; reason: string };

export class Machine {
  private readonly logic;

  constructor(readonly definition: MachineDefinition) {
    const on = new Map<string, Map<string, number[]>>();
    definition.transitions.forEach((transition, index) => {
      for (const from of sourcesOf(definition, transition)) {
        const events = on.get(from) ?? new Map<string, number[]>();
        events.set(transition.event, [...(events.get(transition.event) ?? []), index]);
        on.set(from, events);
      }
    });
    const states = Object.fromEntries(Object.entries(definition.states).map(([name, state]) => [name, {
      ...(state.terminal ? { type: 'final' as const } : {}),
      on: Object.fromEntries([...(on.get(name) ?? new Map<string, number[]>())].map(([event, indexes]) => [event, indexes.map((index) => {
        const t = definition.transitions[index];
        return {
          target: t.to,
          ...(t.guard ? { guard: { type: 'holds' as const, params: { conditions: t.guard } } } : {}),
          actions: [{ type: 'record' as const, params: { transition: index } }],
        };
      })])),
    }]));
    this.logic = setup({
      types: { context: {} as Record<string, unknown>, events: {} as MachineEvent },
      guards: {
        holds: ({ context, event }, params: { conditions: Condition[] }) => guardFailure(params.conditions, context, event.data) === undefined,
      },
      actions: {
        // The event's data joins the context; the transition's own action is the workflow's to run (an activity).
        record: assign(({ context, event }) => ({ ...context, ...event.data })),
      },
    }).createMachine({ id: definition.name, initial: definition.initial, context: definition.context, states });
  }

  /** The snapshot a run starts from. */
  start(): AnyMachineSnapshot {
    return initialTransition(this.logic)[0];
  }

  /** The events `state` has transitions for (guards not considered), in definition order. */
  eventsFrom(state: string): string[] {
    const events = this.definition.transitions
      .filter((t) => sourcesOf(this.definition, t).includes(state))
      .map((t) => t.event);
    return [...new Set(events)];
  }

  /**
   * Takes `event` in `snapshot`: the first transition (in definition order) whose guard holds. When none does, says
   * why, per transition tried. An event the state has no transition for is the caller's to reject before this.
   */
  take(snapshot: AnyMachineSnapshot, event: MachineEvent): Step {
    const state = String(snapshot.value);
    const candidates = this.definition.transitions
      .map((t, index) => ({ t, index }))
      .filter(({ t }) => t.event === event.type && sourcesOf(this.definition, t).includes(state));
    if (!candidates.length) return { taken: false, reason: `"${state}" has no transition on "${event.type}"` };
    const [next] = nextSnapshot(this.logic, snapshot, event);
    const enabled = this.logic.getTransitionData(snapshot as never, event);
    if (!enabled.length) {
      const reasons = candidates.map(({ t }) => `to ${t.to}: ${guardFailure(t.guard ?? [], snapshot.context, event.data) ?? 'holds'}`);
      return { taken: false, reason: `guard not met (${reasons.join('; ')})` };
    }
    const target = [...(enabled[0].target ?? [])][0]?.key;
    const chosen = candidates.find(({ t }) => t.to === target && guardFailure(t.guard ?? [], snapshot.context, event.data) === undefined)!;
    return { taken: true, transition: chosen.index, next };
  }
}

/** Why a guard's conditions do not hold (the first that fails), or undefined when they all hold. Pure. */
export function guardFailure(conditions: Condition[], context: Record<string, unknown>, data: Record<string, unknown>): string | undefined {
  for (const condition of conditions) {
    const actual = valueAt({ context, data }, condition.path);
    const shown = actual === undefined ? 'missing' : JSON.stringify(actual);
    const fails = (() => {
      switch (condition.op) {
        case 'equals': return actual !== condition.value && `must equal ${JSON.stringify(condition.value)}`;
        case 'notEquals': return actual === condition.value && `must not equal ${JSON.stringify(condition.value)}`;
        case 'gte': return !(typeof actual === 'number' && actual >= condition.value) && `must be ≥ ${condition.value}`;
        case 'gt': return !(typeof actual === 'number' && actual > condition.value) && `must be > ${condition.value}`;
        case 'lte': return !(typeof actual === 'number' && actual <= condition.value) && `must be ≤ ${condition.value}`;
        case 'lt': return !(typeof actual === 'number' && actual < condition.value) && `must be < ${condition.value}`;
        case 'in': return !condition.value.some((v) => v === actual) && `must be one of ${condition.value.map((v) => JSON.stringify(v)).join(', ')}`;
        case 'exists': return actual === undefined && 'must be present';
        case 'truthy': return !actual && 'must be set and true';
      }
    })();
    if (fails) return `${condition.path} is ${shown}, ${fails}`;
  }
  return undefined;
}

function valueAt(root: Record<string, unknown>, path: string): unknown {
  let current: unknown = root;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
