/**
 * Agents reach their resource pool (src/workflows/resource-pool.ts) through these activities: workflows cannot send
 * updates to other workflows, activities can, with the worker's own Temporal client. The pool is started on first use
 * (on this activity's task queue, with the capacity given) and found again by its id afterwards.
 *
 * `acquireResources` waits while the pool is full (the update answers when the grant is made), heartbeating so a
 * cancelled agent stops waiting at once; its queued request is then withdrawn by the agent's `releaseResources`.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import {
  POOL_ACQUIRE_UPDATE,
  POOL_QUERY,
  POOL_RELEASE_UPDATE,
  poolWorkflowId,
  type AcquireRequest,
  type Grant,
  type PoolState,
  type Released,
  type ReleaseRequest,
} from '../schemas/resource-pool.js';

export interface PoolRef {
  pool: string;
  /** The capacity the pool starts with if it is not running yet. */
  capacity: number;
}

const HEARTBEAT_MS = 2_000;

export function createPoolActivities() {
  return {
    async acquireResources(input: PoolRef & { request: AcquireRequest }): Promise<Grant> {
      const ctx = Context.current();
      const handle = await ensurePool(input);
      const timer = setInterval(() => ctx.heartbeat({ waitingFor: input.pool }), HEARTBEAT_MS);
      try {
        return await Promise.race([
          handle.executeUpdate<Grant, [AcquireRequest]>(POOL_ACQUIRE_UPDATE, { args: [input.request] }),
          new Promise<never>((_, reject) => ctx.cancellationSignal.addEventListener('abort', () => reject(new CancelledFailure('acquire cancelled')), { once: true })),
        ]);
      } catch (err) {
        throw updateFailure(err);
      } finally {
        clearInterval(timer);
      }
    },

    async releaseResources(input: { pool: string; request: ReleaseRequest }): Promise<Released> {
      const handle = Context.current().client.workflow.getHandle(poolWorkflowId(input.pool));
      try {
        return await handle.executeUpdate<Released, [ReleaseRequest]>(POOL_RELEASE_UPDATE, { args: [input.request] });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { requestId: input.request.requestId, released: false, was: 'unknown' };
        throw updateFailure(err);
      }
    },

    async poolStatus(input: PoolRef): Promise<PoolState> {
      return (await ensurePool(input)).query<PoolState>(POOL_QUERY);
    },
  };
}

export type PoolActivities = ReturnType<typeof createPoolActivities>;

async function ensurePool(input: PoolRef) {
  const ctx = Context.current();
  const workflowId = poolWorkflowId(input.pool);
  try {
    await ctx.client.workflow.start('resourcePool', {
      workflowId,
      taskQueue: ctx.info.taskQueue,
      args: [{ name: input.pool, capacity: input.capacity }],
      staticSummary: `Resource pool "${input.pool}": ${input.capacity} units for agents`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return ctx.client.workflow.getHandle(workflowId);
}

/** A rejected or failed update keeps its type (`InvalidUpdate`, `RequestWithdrawn`) and does not retry. */
function updateFailure(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    return ApplicationFailure.create({ type: err.cause.type ?? 'PoolUpdateFailed', message: err.cause.message, nonRetryable: true });
  }
  return err;
}
