/**
 * The workers of one process: by default one per queue — the base queue (workflows and any activity) and each
 * capability's activity queue — so a single `npm start` or `npm run worker` serves everything; `--queues` narrows a
 * process to some capabilities so each can be scaled on its own (see "Scaling out" in the README).
 */
import type { Worker, WorkerOptions } from '@temporalio/worker';
import { CAPABILITIES, type Capability } from '../shared/task-queues.js';
import { createWorker, type OrchestraWorkerOptions } from './worker.js';

export interface WorkerLimits {
  /** Tasks each worker runs at once (activities, and workflow tasks on the base queue). SDK default 100 / 40. */
  maxConcurrent?: number;
  /** Activities per second this worker process starts, per queue (WorkerOptions.maxActivitiesPerSecond). */
  maxActivitiesPerSecond?: number;
  /** Activities per second the server hands out on each queue, across every worker polling it
   * (WorkerOptions.maxTaskQueueActivitiesPerSecond): a quota shared by the whole fleet. */
  maxTaskQueueActivitiesPerSecond?: number;
}

export interface WorkerPoolOptions extends Omit<OrchestraWorkerOptions, 'capability'> {
  /** What to poll (default all: workflows, tools, analysis, agents). */
  queues?: readonly Capability[];
  limits?: WorkerLimits;
}

function limitOptions(limits: WorkerLimits = {}, capability: Capability): Partial<WorkerOptions> {
  return {
    ...(limits.maxConcurrent ? { maxConcurrentActivityTaskExecutions: limits.maxConcurrent } : {}),
    ...(limits.maxConcurrent && capability === 'workflows' ? { maxConcurrentWorkflowTaskExecutions: limits.maxConcurrent } : {}),
    ...(limits.maxActivitiesPerSecond ? { maxActivitiesPerSecond: limits.maxActivitiesPerSecond } : {}),
    ...(limits.maxTaskQueueActivitiesPerSecond ? { maxTaskQueueActivitiesPerSecond: limits.maxTaskQueueActivitiesPerSecond } : {}),
  };
}

export async function createWorkers(options: WorkerPoolOptions): Promise<Worker[]> {
  const { queues = CAPABILITIES, limits, ...rest } = options;
  return Promise.all([...new Set(queues)].map((capability) => createWorker({
    ...rest, capability, overrides: { ...limitOptions(limits, capability), ...rest.overrides },
  })));
}

/** Runs every worker until they all stop (SIGINT/SIGTERM shuts each down gracefully), or until `until` settles. */
export async function runWorkers<T>(workers: Worker[], until?: Promise<T>): Promise<T | undefined> {
  if (!until) {
    await Promise.all(workers.map((worker) => worker.run()));
    return undefined;
  }
  const [result] = await Promise.all(workers.map((worker) => worker.runUntil(until)));
  return result;
}
