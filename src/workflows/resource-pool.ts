/**
 * The agents' resource pool (seed 003 Part 2's DataProcessingResourcePool) as a long-lived entity workflow, one per
 * pool name (`resource-pool-<name>`). Agents take capacity with the `acquire` update and give it back with `release`:
 *
 *  - `acquire {requestId, holder, units, agentType?}` — the validator rejects a request for more units than the pool
 *    has at all (it could never be granted); otherwise the request joins a FIFO queue and the update answers once it is
 *    granted (the caller waits while the pool is full). The same requestId again returns the same grant, so a retried
 *    activity never takes twice.
 *  - `release {requestId, outcome?}` — frees a grant, or withdraws a request still queued (its waiting `acquire` fails
 *    as `RequestWithdrawn`); unknown ids are a no-op, so a holder and its parent may both release. The outcome
 *    (`agentType`, `succeeded`) is counted once per grant in that type's success rate.
 *  - `retire` — no new requests from now on (the validator rejects them); the run ends, answering its success rates,
 *    once every grant and queued request is back. A new pool under the name starts afresh.
 *  - the `pool` query: capacity, grants, queue and success rates.
 *
 * Success rates live here, with the capacity, because an outcome arrives with its release: one update frees the units
 * and counts the run, so the two never disagree, and every team run reads the rates the earlier ones left. The state is
 * carried across continue-as-new, which happens once the history passes `continueAsNewAfterEvents` (or Temporal
 * suggests it) and no update is in flight.
 */
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, defineQuery, defineUpdate, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  AcquireRequest,
  POOL_ACQUIRE_UPDATE,
  POOL_QUERY,
  POOL_RELEASE_UPDATE,
  ReleaseRequest,
  ResourcePoolInput,
  POOL_RETIRE_UPDATE,
  type AgentStats,
  type ResourcePoolResult,
  type Grant,
  type GrantRecord,
  type PoolState,
  type Released,
} from '../schemas/resource-pool.js';
import { validate } from '../shared/validation.js';
import { parseInput, rejectedUpdate } from './support/input.js';
import { ProgressReporter } from './support/progress.js';

export const acquireUpdate = defineUpdate<Grant, [AcquireRequest]>(POOL_ACQUIRE_UPDATE);
export const releaseUpdate = defineUpdate<Released, [ReleaseRequest]>(POOL_RELEASE_UPDATE);
export const retireUpdate = defineUpdate<PoolState, []>(POOL_RETIRE_UPDATE);
export const poolQuery = defineQuery<PoolState>(POOL_QUERY);

export async function resourcePool(raw: ResourcePoolInput): Promise<ResourcePoolResult> {
  const input = parseInput(ResourcePoolInput, raw);
  const progress = new ProgressReporter('resourcePool');
  const grants: GrantRecord[] = input.carried?.grants ?? [];
  const queue: GrantRecord[] = input.carried?.queue ?? [];
  const stats: Record<string, AgentStats> = input.carried?.stats ?? {};
  const withdrawn = new Set<string>();
  let retiring = false;
  const inUse = () => grants.reduce((sum, g) => sum + g.units, 0);

  const state = (): PoolState => ({
    name: input.name,
    capacity: input.capacity,
    inUse: inUse(),
    available: input.capacity - inUse(),
    grants: [...grants],
    queue: [...queue],
    retiring,
    successRates: Object.fromEntries(Object.entries(stats).map(([type, s]) => [type, { ...s, rate: s.runs ? s.successes / s.runs : 1 }])),
  });
  const show = () => progress.update({
    step: `${inUse()}/${input.capacity} units in use, ${queue.length} waiting`,
    state: queue.length ? 'waiting' : 'running',
    details: { grants: grants.length, queued: queue.length },
  });
  /** Grants queued requests in order while they fit (FIFO: a large request at the head is not overtaken). */
  const dispatch = () => {
    while (queue.length && queue[0].units <= input.capacity - inUse()) grants.push({ ...queue.shift()!, at: new Date(Date.now()).toISOString() });
    show();
  };
  const grantOf = (requestId: string): Grant | undefined => {
    const g = grants.find((x) => x.requestId === requestId);
    return g && { requestId: g.requestId, units: g.units, grantedAt: g.at };
  };

  setHandler(poolQuery, state);
  setHandler(acquireUpdate, async (request) => {
    const existing = grantOf(request.requestId);
    if (existing) return existing;
    if (!queue.some((q) => q.requestId === request.requestId)) {
      queue.push({ requestId: request.requestId, holder: request.holder, units: request.units, ...(request.agentType ? { agentType: request.agentType } : {}), at: new Date(Date.now()).toISOString() });
      dispatch();
    }
    await condition(() => grantOf(request.requestId) !== undefined || withdrawn.has(request.requestId));
    const grant = grantOf(request.requestId);
    if (!grant) throw ApplicationFailure.create({ type: 'RequestWithdrawn', nonRetryable: true, message: `request ${request.requestId} was released before it was granted` });
    return grant;
  }, {
    validator: (raw) => {
      const parsed = validate(AcquireRequest, raw);
      if (!parsed.ok) throw rejectedUpdate(parsed.message);
      if (retiring) throw rejectedUpdate(`the pool "${input.name}" is retiring and takes no new requests`);
      if (parsed.value.units > input.capacity) throw rejectedUpdate(`units: asks for ${parsed.value.units}; the pool has ${input.capacity} in all`);
    },
  });
  setHandler(releaseUpdate, (request) => {
    const granted = grants.findIndex((g) => g.requestId === request.requestId);
    const queued = queue.findIndex((q) => q.requestId === request.requestId);
    let was: Released['was'] = 'unknown';
    if (granted >= 0) {
      grants.splice(granted, 1);
      was = 'granted';
      if (request.outcome) {
        const s = (stats[request.outcome.agentType] ??= { runs: 0, successes: 0 });
        s.runs += 1;
        if (request.outcome.succeeded) s.successes += 1;
      }
    } else if (queued >= 0) {
      queue.splice(queued, 1);
      withdrawn.add(request.requestId);
      was = 'queued';
    }
    dispatch();
    return { requestId: request.requestId, released: was !== 'unknown', was };
  }, {
    validator: (raw) => {
      const parsed = validate(ReleaseRequest, raw);
      if (!parsed.ok) throw rejectedUpdate(parsed.message);
    },
  });

  setHandler(retireUpdate, () => {
    retiring = true;
    progress.update({ step: `retiring: waiting for ${grants.length + queue.length} grants and requests to come back` });
    return state();
  }, { validator: () => { if (retiring) throw rejectedUpdate(`the pool "${input.name}" is already retiring`); } });

  show();
  const retired = () => retiring && grants.length === 0 && queue.length === 0;
  await condition(() => retired() || workflowInfo().historyLength >= input.continueAsNewAfterEvents || workflowInfo().continueAsNewSuggested);
  // Waiting acquires are update handlers in flight: let them finish (they are granted as capacity frees) before moving on.
  await condition(allHandlersFinished);
  if (retired()) {
    progress.update({ step: `retired: ${Object.keys(stats).length} agent types' success rates`, state: 'completed', outcome: 'retired' });
    return { name: input.name, retired: true, successRates: state().successRates };
  }
  return continueAsNew<typeof resourcePool>({ ...input, carried: { grants, queue, stats } });
}
