/**
 * What an agent does, per agent type, as MCP tool calls and the judgements on their results. Pure: the `dataAgent`
 * workflow runs the calls (each checked against the template's allowed tools) and applies these rules.
 *
 *  - reading a source: a path (with `/` or a file extension) is read with `filesystem.read_text_file`; a dataset name
 *    (a store table or view, e.g. `user_data`) with `store.query` (`SELECT * FROM <name> LIMIT <batch_size>`);
 *  - validation: quality = the share of records with every field present (not null, not empty); the agent succeeds
 *    when the quality reaches its `quality_threshold`;
 *  - transformation: records become JSON or CSV (`transformation_type`), written to `agents/<team>/<agent_id>.<ext>`;
 *  - coordination: the team's outcomes are appended to the store's event log (`AgentTeamCoordinated`).
 */
import type { ToolCall } from '../shared/tool-call.js';

const DATASET = /^[a-z][a-z0-9_]{0,62}$/;
const PATH = /\/|\.[A-Za-z0-9]{1,5}$/;

export class AgentWorkError extends Error {}

/** The call that reads `source` (at most `limit` records from a dataset). */
export function sourceCall(source: string, limit: number): ToolCall {
  if (PATH.test(source)) return { server: 'filesystem', tool: 'read_text_file', args: { path: source } };
  if (!DATASET.test(source)) throw new AgentWorkError(`source "${source}" is neither a path nor a dataset name (lower case letters, digits, _)`);
  const rows = Math.max(1, Math.min(500, Math.floor(limit)));
  return { server: 'store', tool: 'query', args: { sql: `SELECT * FROM ${source} LIMIT ${rows}`, max_rows: rows } };
}

export type DataRecord = Record<string, unknown>;

/** The records a source call returned: a query's rows, or a file's non-empty lines as `{line}` records. */
export function recordsOf(result: unknown): DataRecord[] {
  const rows = (result as { rows?: unknown } | null)?.rows;
  if (Array.isArray(rows)) return rows.filter((r): r is DataRecord => typeof r === 'object' && r !== null);
  const content = typeof result === 'string' ? result : (result as { content?: unknown } | null)?.content;
  if (typeof content === 'string') return content.split('\n').filter((l) => l.trim()).map((line) => ({ line }));
  return [];
}

/** Share of records with every field present (0 for no records), rounded to 4 places. */
export function recordQuality(records: readonly DataRecord[]): number {
  if (records.length === 0) return 0;
  const complete = records.filter((r) => Object.values(r).every((v) => v !== null && v !== undefined && v !== '')).length;
  return Math.round((complete / records.length) * 10_000) / 10_000;
}

/** Records as JSON (one array) or CSV (a header from the first record's fields, values quoted as needed). */
export function transformRecords(records: readonly DataRecord[], format: string): { content: string; extension: string } {
  if (format !== 'csv') return { content: `${JSON.stringify(records, null, 2)}\n`, extension: 'json' };
  const columns = Object.keys(records[0] ?? {});
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return { content: [columns.join(','), ...records.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n', extension: 'csv' };
}
