/**
 * The dead-letter queue as the CLI and scripts use it: list, show, discard and redrive the units of work workflows gave
 * up on (src/workflows/support/dead-letters.ts). It reads and writes through the store server's own tools (an MCP
 * connection from the same mcp.config.json the worker reads), and starts redrive runs on Temporal.
 *
 * Redrive is idempotent: the run's id is `redrive-<id>-<n>` (n = the dead letter's redrive count + 1, Temporal refusing
 * a second run of one id), and while a redrive run is still open, asking again returns that run instead of a new one.
 */
import os from 'node:os';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { createToolActivities } from '../activities/mcp.js';
import { loadMcpConfig } from '../mcp/config.js';
import { McpPool } from '../mcp/pool.js';
import type { DeadLetter, ListDeadLettersResult, MarkDeadLetterResult } from '../shared/store-contract.js';
import { RedriveInput } from '../schemas/redrive.js';
import { redriveWorkflowId, type ArgumentChange, type DeadLetterItem } from '../shared/dead-letter.js';
import { PATTERN } from '../shared/search-attributes.js';
import { WORKFLOW_TASK_TIMEOUT } from '../shared/recovery.js';
import { TASK_QUEUE } from '../shared/task-queues.js';
import type { Orchestra } from './api.js';

export type { DeadLetter };

export class DeadLetterError extends Error {
  constructor(message: string, readonly reason: 'unknown' | 'closed' | 'not-redrivable') {
    super(message);
    this.name = 'DeadLetterError';
  }
}

export interface RedriveStarted {
  workflowId: string;
  runId: string;
  url?: string;
  /** False when an equal redrive was already running or done: nothing new started. */
  started: boolean;
  changes: ArgumentChange[];
}

export class DeadLetterQueue {
  private readonly tools: ReturnType<typeof createToolActivities>;

  constructor(private readonly pool: McpPool, private readonly server = 'store') {
    this.tools = createToolActivities(pool);
  }

  /** Over the store server of the configured mcp.config.json (its output kept quiet). */
  static open(): DeadLetterQueue {
    return new DeadLetterQueue(new McpPool(loadMcpConfig(), { onServerStderr: () => undefined, log: () => undefined }));
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  async list(filter: { status?: DeadLetter['status']; source?: string } = {}, limit = 1_000): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.call<ListDeadLettersResult>('list_dead_letters', { ...filter, limit: Math.min(1_000, limit - letters.length), ...(cursor ? { cursor } : {}) });
      letters.push(...page.dead_letters);
      cursor = page.next_cursor ?? undefined;
    } while (cursor && letters.length < limit);
    return letters;
  }

  async get(id: string): Promise<DeadLetter> {
    const found = (await this.list({}, Number.MAX_SAFE_INTEGER)).find((letter) => letter.id === id);
    if (!found) throw new DeadLetterError(`no dead letter "${id}" (orchestra dlq list shows them)`, 'unknown');
    return found;
  }

  /** Closes a dead letter on purpose, with the reason and who decided. */
  async discard(id: string, reason: string, by: string): Promise<MarkDeadLetterResult> {
    const letter = await this.get(id);
    if (letter.status === 'resolved') throw new DeadLetterError(`${id} is already resolved: ${letter.note ?? ''}`, 'closed');
    return this.call<MarkDeadLetterResult>('mark_dead_letter', {
      id, status: 'resolved', note: JSON.stringify({ discarded: true, by, reason }).slice(0, 2_000), idempotency_key: `discard:${id}`,
    });
  }

  /** Runs the dead letter's call again as a new `redrive` run, with `args` instead of the original arguments if given. */
  async redrive(orchestra: Orchestra, id: string, options: { args?: Record<string, unknown>; by?: string; taskQueue?: string } = {}): Promise<RedriveStarted> {
    const letter = await this.get(id);
    const item = deadLetterItem(letter);
    const running = await openRedrive(orchestra, letter);
    if (running) return { ...running, started: false, changes: [] };
    if (letter.status === 'resolved') throw new DeadLetterError(`${id} is resolved (${letter.note ?? 'no note'}): nothing to redrive`, 'closed');
    const args = options.args ?? item.call.args ?? {};
    const changes = diffArguments(item.call.args ?? {}, args);
    const input = RedriveInput.parse({
      deadLetterId: id,
      call: { ...item.call, args },
      original: { workflowId: item.workflowId, runId: item.runId, workflowType: item.workflowType, step: item.step },
      requestedBy: options.by ?? os.userInfo().username,
      changes,
    });
    const workflowId = redriveWorkflowId(id, letter.redrive_count + 1);
    let started = true;
    let runId: string;
    try {
      const handle = await orchestra.client.workflow.start('redrive', {
        taskQueue: options.taskQueue ?? TASK_QUEUE,
        workflowId,
        args: [input],
        staticSummary: `Redrive ${id}: ${item.call.server}.${item.call.tool} of ${item.workflowId} (${item.step})`,
        staticDetails: `Dead letter ${id} from [${item.workflowId}](${orchestra.url(item.workflowId, item.runId) ?? item.workflowId}), ` +
          `step ${item.step}, asked by ${input.requestedBy}. ` +
          (changes.length ? `Changed: ${changes.map((c) => `${c.path} ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`).join('; ')}` : 'Same arguments.'),
        memo: { deadLetterId: id, originalWorkflowId: item.workflowId, originalRunId: item.runId },
        workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT,
        typedSearchAttributes: [{ key: PATTERN, value: 'redrive' }],
        // A second start of the same id — running or closed — fails, and we return the run that exists.
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      runId = handle.firstExecutionRunId;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      started = false;
      runId = (await orchestra.describe(workflowId)).runId;
    }
    return { workflowId, runId, url: orchestra.url(workflowId, runId), started, changes };
  }

  private async call<T>(tool: string, args: Record<string, unknown>): Promise<T> {
    return await this.tools.callTool({ server: this.server, tool, args }) as T;
  }
}

/** The redrive run a dead letter's note names, when it is still running. */
async function openRedrive(orchestra: Orchestra, letter: DeadLetter): Promise<{ workflowId: string; runId: string; url?: string } | undefined> {
  const note = parseNote(letter.note);
  if (letter.status !== 'redriven' || typeof note?.run !== 'string') return undefined;
  try {
    const described = await orchestra.describe(note.run);
    if (described.status.name !== 'RUNNING') return undefined;
    return { workflowId: note.run, runId: described.runId, url: orchestra.url(note.run, described.runId) };
  } catch {
    return undefined;
  }
}

export function parseNote(note: string | null): Record<string, unknown> | undefined {
  if (!note) return undefined;
  try {
    const parsed: unknown = JSON.parse(note);
    return typeof parsed === 'object' && parsed !== null ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** The dead letter's item as Orchestra's workflows write it; items from elsewhere cannot be redriven. */
export function deadLetterItem(letter: DeadLetter): DeadLetterItem {
  const item = letter.item as Partial<DeadLetterItem> | null;
  const call = item?.call;
  if (!item || typeof item.workflowId !== 'string' || typeof item.step !== 'string' || !call || typeof call.server !== 'string' || typeof call.tool !== 'string') {
    throw new DeadLetterError(`${letter.id} (from ${letter.source}) does not hold a tool call Orchestra recorded, so it cannot be redriven`, 'not-redrivable');
  }
  return item as DeadLetterItem;
}

/**
 * What changed between two argument objects, as paths (`address.city`, `items`): objects are compared key by key,
 * anything else (arrays included) as a whole. Hand-written: a dozen lines, where a JSON-patch library would add a
 * dependency for output a person reads anyway.
 */
export function diffArguments(before: unknown, after: unknown, at = ''): ArgumentChange[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffArguments(before[key], after[key], at ? `${at}.${key}` : key));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: at || '(arguments)', ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
}
