/**
 * One branch of `syncBranches` (seed 003 Part 1's specialised branches): for each of its items, in order, ingest the
 * records through an MCP tool call (a read-only store query, or a text file of the filesystem sandbox), validate them
 * and transform them. An item that fails is reported with its error; the others go on.
 *
 * When the sync point stops the branch (`stopBranch`: the parent merges without it, or rebalances its work), the item
 * in flight is cancelled and the branch returns what it finished, naming the items it did not get to, so a finished
 * item is never processed again.
 */
import { CancellationScope, defineSignal, isCancellation, setHandler } from '@temporalio/workflow';
import { STOP_BRANCH_SIGNAL, type BranchInput, type BranchResult, type ItemResult, type PlannedItem } from '../schemas/sync-branches.js';
import { LANE_ROLES } from '../sync-branches/batch.js';
import { meanQuality } from '../sync-branches/merge.js';
import { recordsOfRows, recordsOfText, transformRecord, validateRecords, type RawRecord } from '../sync-branches/records.js';
import { describeFailure } from './support/failures.js';
import { ProgressReporter } from './support/progress.js';
import { callTool, toolText } from './support/tools.js';

export const stopBranchSignal = defineSignal<[reason: string]>(STOP_BRANCH_SIGNAL);

export async function syncBranch(input: BranchInput): Promise<BranchResult> {
  const progress = new ProgressReporter('syncBranch');
  const startedAt = Date.now();
  const processed: ItemResult[] = [];
  const remaining: string[] = [];
  let stopped: string | undefined;
  let current: CancellationScope | undefined;
  setHandler(stopBranchSignal, (reason) => {
    stopped ??= reason;
    current?.cancel();
  });

  const role = LANE_ROLES[input.lane];
  for (const [index, item] of input.items.entries()) {
    if (stopped !== undefined) {
      remaining.push(item.id);
      continue;
    }
    progress.update({ step: `${role}: ${item.id}`, done: index, total: input.items.length });
    current = new CancellationScope();
    try {
      processed.push(await current.run(() => processItem(item, input)));
    } catch (err) {
      if (!isCancellation(err)) {
        const { type, message } = describeFailure(err);
        processed.push({ item: item.id, branch: input.branch, records: [], error: { type, message } });
      } else if (stopped !== undefined) {
        remaining.push(item.id);
      } else {
        throw err; // the branch itself was cancelled
      }
    }
  }
  const stop = stopped !== undefined ? `; stopped (${stopped}), ${remaining.length} left` : '';
  progress.update({ step: `${processed.length} of ${input.items.length} items processed${stop}`, done: processed.length, state: 'completed', outcome: stopped ? 'stopped' : 'completed' });
  return { branch: input.branch, lane: input.lane, capability: input.capability, processed, remaining, durationMs: Date.now() - startedAt };
}

/** ingest → validate → transform. */
async function processItem(item: PlannedItem, input: BranchInput): Promise<ItemResult> {
  const raw = await ingest(item, input.maxRecords);
  const checked = validateRecords(raw, item.rules);
  const records = checked.map((record) => ({
    item: item.id,
    branch: input.branch,
    quality: record.quality,
    ...(record.problems.length ? { problems: record.problems } : {}),
    fields: transformRecord(record.fields),
  }));
  const quality = meanQuality(records.map((r) => r.quality));
  return { item: item.id, branch: input.branch, records, ...(quality === undefined ? {} : { quality }) };
}

async function ingest(item: PlannedItem, maxRecords: number): Promise<RawRecord[]> {
  const summary = `ingest ${item.id} (${item.sourceType})`;
  if (item.from === 'store') {
    const result = await callTool({ server: 'store', tool: 'query', args: { sql: item.sql, params: item.params, max_rows: maxRecords } },
      { readOnly: true, summary });
    return recordsOfRows(result);
  }
  const text = toolText(await callTool({ server: 'filesystem', tool: 'read_text_file', args: { path: item.path, head: maxRecords } },
    { readOnly: true, summary }));
  return recordsOfText(text).slice(0, maxRecords);
}
