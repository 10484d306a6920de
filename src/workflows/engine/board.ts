/**
 * Where each step of a definition run is — pending, running, completed, failed, skipped or compensated — published
 * through the `progress` query (details.steps), the Web UI's current details and the status search attribute.
 * Nested steps have paths: `steps.gather.branches.users`, `steps.refine.loop[2].search`, `steps.each.map[4]`.
 */
import type { ProgressReporter } from '../support/progress.js';

export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'compensated';

export interface StepState {
  status: StepStatus;
  error?: { type: string; message: string };
  /** A failure a catch step recovered from. */
  caught?: { type: string; message: string };
  note?: string;
}

/** A map's items shown one by one (per map); past these an item is only counted, in `items`, so details stay bounded. */
export const ITEMS_SHOWN = 20;

/** A map's items counted by status (those not shown one by one, and those run by its partitions). */
export type ItemCounts = Partial<Record<StepStatus, number>>;

export class StepBoard {
  readonly steps: Record<string, StepState> = {};
  /** By map path: its items past ITEMS_SHOWN, counted by status. */
  readonly items: Record<string, ItemCounts> = {};
  private readonly counted = new Map<string, StepStatus>();

  /** `name` and `version` are the definition's; `path` the scope shown (a loop child shows its loop's body). */
  constructor(private readonly name: string, private readonly version: string, ids: string[], private readonly progress: ProgressReporter, private readonly path = 'steps') {
    for (const id of ids) this.steps[`${path}.${id}`] = { status: 'pending' };
  }

  set(path: string, state: StepState, now?: string): void {
    const hidden = hiddenItem(path);
    if (!hidden) this.steps[path] = state;
    else if (hidden.rest === '') { // the item itself is counted; what it holds is not shown
      const before = this.counted.get(path);
      if (before) this.count(hidden.map, { [before]: -1 });
      this.count(hidden.map, { [state.status]: 1 });
      this.counted.set(path, state.status);
    }
    const top = Object.entries(this.steps).filter(([p]) => p.startsWith(`${this.path}.`) && !p.slice(this.path.length + 1).includes('.'));
    this.progress.update({
      step: now ?? `${path.replace(/^steps\./, '')} ${state.status}`,
      done: top.filter(([, s]) => s.status !== 'pending' && s.status !== 'running').length,
      total: top.length,
      details: { definition: this.name, version: this.version, steps: { ...this.steps }, ...(Object.keys(this.items).length ? { items: Object.fromEntries(Object.entries(this.items).map(([map, counts]) => [map, { ...counts }])) } : {}) },
    });
  }

  /** Adds to a map's item counts (a partition's, when it ends). */
  count(map: string, counts: ItemCounts): void {
    const now = (this.items[map] ??= {});
    for (const [status, n] of Object.entries(counts) as Array<[StepStatus, number]>) {
      const sum = (now[status] ?? 0) + n;
      if (sum) now[status] = sum;
      else delete now[status]; // a status no item is in any more
    }
  }

  status(path: string): StepStatus | undefined {
    return this.steps[path]?.status;
  }
}

/** The first map item on the path that is past ITEMS_SHOWN: its map's path and what follows the item (`''`: the item). */
function hiddenItem(path: string): { map: string; rest: string } | undefined {
  for (const m of path.matchAll(/\.map\[(\d+)\]/g)) {
    if (Number(m[1]) >= ITEMS_SHOWN) return { map: path.slice(0, m.index), rest: path.slice(m.index + m[0].length) };
  }
  return undefined;
}
