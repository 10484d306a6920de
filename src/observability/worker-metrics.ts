/** The worker's side of the metrics: the workflow sink's receiver and an activity interceptor counting retries. */
import type { ActivityInboundCallsInterceptor, InjectedSinks, WorkerOptions } from '@temporalio/worker';
import type { OrchestraSinks } from '../shared/metrics-sink.js';
import { activityRetries, approvals, branches, compensations } from './metrics.js';

export const metricsSinks: InjectedSinks<OrchestraSinks> = {
  orchestraMetrics: {
    compensation: { fn: (info, outcome) => compensations.inc({ pattern: info.workflowType, outcome }) },
    approvalRequested: { fn: () => undefined }, // the pending level is counted in the cluster: ./approvals-pending.ts
    approvalResolved: { fn: (_info, decision) => approvals.inc({ decision }) },
    branch: { fn: (info, outcome) => branches.inc({ pattern: info.workflowType, outcome }) },
  },
};

/** Merges the metrics sink and the retry-counting activity interceptor into worker options. */
export function withMetrics<T extends Partial<WorkerOptions>>(options: T): T {
  const interceptors = options.interceptors ?? {};
  const countRetries = (ctx: { info: { attempt: number; activityType: string } }): { inbound: ActivityInboundCallsInterceptor } => ({
    inbound: {
      execute: (input, next) => {
        if (ctx.info.attempt > 1) activityRetries.inc({ activity: ctx.info.activityType });
        return next(input);
      },
    },
  });
  return {
    ...options,
    interceptors: { ...interceptors, activity: [...(interceptors.activity ?? []), countRetries] },
    sinks: { ...options.sinks, ...metricsSinks },
  };
}
