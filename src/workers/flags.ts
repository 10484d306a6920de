/**
 * The worker's command-line options, shared by `npm run worker -- …` and `orchestra worker …`: which queues to poll,
 * how much to run at once, and activity rate limits. Checked before anything starts.
 */
import { Option, type Command } from 'commander';
import { CAPABILITIES, isCapability, type Capability } from '../shared/task-queues.js';
import type { WorkerLimits } from './pool.js';

export interface WorkerFlags {
  queues?: string;
  maxConcurrent?: string;
  maxActivitiesPerSecond?: string;
  maxQueueActivitiesPerSecond?: string;
  mcpConfig?: string;
}

export interface WorkerPlan {
  queues: Capability[];
  limits: WorkerLimits;
}

/** A bad worker option; the message names the option and says what it takes. */
export class WorkerFlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerFlagError';
  }
}

export function addWorkerOptions(command: Command): Command {
  return command
    .addOption(new Option('--queues <list>', `what to poll, comma-separated: ${CAPABILITIES.join(', ')} (default: all)`))
    .option('--max-concurrent <n>', 'tasks each queue\'s worker runs at once (activities; workflow tasks too on the workflows queue)')
    .option('--max-activities-per-second <n>', 'activities this process starts per second, per queue')
    .option('--max-queue-activities-per-second <n>', 'activities per second per queue across every worker (a server-side quota)')
    .option('--mcp-config <file>', 'the MCP servers config (default ORCHESTRA_MCP_CONFIG, else mcp.config.json)');
}

function positiveNumber(value: string | undefined, option: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new WorkerFlagError(`${option}: must be a positive ${integer ? 'whole number' : 'number'} (got "${value}")`);
  }
  return n;
}

export function workerPlan(flags: WorkerFlags): WorkerPlan {
  let queues: Capability[] = [...CAPABILITIES];
  if (flags.queues !== undefined) {
    const named = flags.queues.split(',').map((q) => q.trim()).filter(Boolean);
    const unknown = named.filter((q) => !isCapability(q));
    if (!named.length || unknown.length) {
      throw new WorkerFlagError(`--queues: ${unknown.length ? `unknown ${unknown.map((q) => `"${q}"`).join(', ')}` : 'empty'}; ` +
        `choose from ${CAPABILITIES.join(', ')}`);
    }
    queues = named as Capability[];
  }
  return {
    queues,
    limits: {
      maxConcurrent: positiveNumber(flags.maxConcurrent, '--max-concurrent', true),
      maxActivitiesPerSecond: positiveNumber(flags.maxActivitiesPerSecond, '--max-activities-per-second', false),
      maxTaskQueueActivitiesPerSecond: positiveNumber(flags.maxQueueActivitiesPerSecond, '--max-queue-activities-per-second', false),
    },
  };
}
