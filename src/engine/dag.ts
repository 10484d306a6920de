/**
 * The dependency graph of one scope of steps (a definition's `steps`, or a loop's body): each step's dependencies are
 * its `dependsOn` plus, for a step a `switch` routes to, that switch (it runs only when chosen). Pure: the static
 * checks, the graph drawing and the interpreter all read the graph through here.
 */
import type { Step } from './definition.js';

export type Scope = Record<string, Step>;

/** The switch that routes to each step, by target id. */
export function switchRoutes(scope: Scope): Map<string, string> {
  const routes = new Map<string, string>();
  for (const [id, step] of Object.entries(scope)) {
    if (!step.switch) continue;
    for (const target of [...step.switch.cases.map((c) => c.then), ...(step.switch.default ? [step.switch.default] : [])]) {
      if (!routes.has(target)) routes.set(target, id);
    }
  }
  return routes;
}

/** Each step's direct dependencies (ids that exist in the scope; unknown ids are the checks' business). */
export function dependencies(scope: Scope): Map<string, string[]> {
  const routes = switchRoutes(scope);
  const deps = new Map<string, string[]>();
  for (const [id, step] of Object.entries(scope)) {
    const direct = [...(step.dependsOn ?? []), ...(routes.has(id) ? [routes.get(id)!] : [])];
    deps.set(id, [...new Set(direct)].filter((d) => Object.hasOwn(scope, d)));
  }
  return deps;
}

/** The first cycle found, as a path that ends where it starts (`a → b → a`), or undefined. */
export function findCycle(deps: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of deps.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle.reverse(); // dependency order: the step that runs first comes first
  }
  return undefined;
}

/** Every step a step transitively depends on (assumes no cycle). */
export function upstream(deps: Map<string, string[]>, id: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(deps.get(id) ?? [])];
  while (todo.length) {
    const next = todo.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(deps.get(next) ?? []));
  }
  return seen;
}

/** Step ids in an order where each comes after its dependencies ; ties keep file order. Steps on a cycle are left out. */
export function topologicalOrder(deps: Map<string, string[]>): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  for (let progressed = true; progressed;) {
    progressed = false;
    for (const [id, ds] of deps) {
      if (!placed.has(id) && ds.every((d) => placed.has(d))) {
        placed.add(id);
        order.push(id);
        progressed = true;
      }
    }
  }
  return order;
}
