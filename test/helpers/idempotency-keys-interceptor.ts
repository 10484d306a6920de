/**
 * A workflow interceptor for replay tests: reports the idempotency key of every tool call a workflow schedules to the
 * `idempotencyKeys` sink, which the test registers with `callDuringReplay: true` — so a replay shows which keys the
 * current code would send for a recorded run.
 */
import { proxySinks, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export interface IdempotencyKeySinks extends Sinks {
  idempotencyKeys: { scheduled(key: string): void };
}

const { idempotencyKeys } = proxySinks<IdempotencyKeySinks>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [{
    async scheduleActivity(input, next) {
      const key = (input.args[0] as { idempotencyKey?: unknown } | undefined)?.idempotencyKey;
      if (typeof key === 'string') idempotencyKeys.scheduled(key);
      return next(input);
    },
  }],
});
