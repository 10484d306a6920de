/** `timeline`, `stats` and `trace`: how a run's steps went, how runs go overall, and a run's traces as a tree. */
import type { Command } from 'commander';
import { readSpans, traceFile } from '../../observability/span-file.js';
import { durationText, missingParents, renderTrace, traceTree, tracesOf } from '../../observability/trace-tree.js';
import { FILE_SCHEDULE_DELAY_MS, traceDestination } from '../../observability/tracing.js';
import { toMs } from '../../schemas/common.js';
import { listQuery } from '../list-query.js';
import { CliError, out, print, table, UsageError } from '../output.js';
import { describeRun, outcomeOf, withClient } from '../runs.js';
import { runStats, type Latency } from '../stats.js';
import { timeline } from '../timeline.js';

const positive = (value: string, option: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${option}: must be a positive whole number`);
  return n;
};

/** `--since 2h` (a duration back from now) or `--since 2026-11-29T18:00:00Z` (a time). */
export function sinceTime(value: string, now = Date.now()): Date {
  const back = /^\d{4}-\d{2}-\d{2}/.test(value) ? undefined : toMs(value);
  const at = back !== undefined ? new Date(now - back) : new Date(value);
  if (Number.isNaN(at.getTime()) || (back !== undefined && back <= 0)) {
    throw new UsageError(`--since: must be a duration such as "30m", "2h", "7d", or an ISO time such as 2026-11-29T18:00:00Z`);
  }
  return at;
}

/** How long `trace` waits for a run's spans still in a process's batch (processes write theirs every
 *  FILE_SCHEDULE_DELAY_MS): a run that just ended shows whole; a run still going waits this long for its open spans. */
const TRACE_SETTLE_MS = 10 * FILE_SCHEDULE_DELAY_MS;

/** The run's spans, read again until every span's parent is in the file (or TRACE_SETTLE_MS has passed). */
async function settledTrace(file: string, id: string) {
  const deadline = Date.now() + TRACE_SETTLE_MS;
  for (;;) {
    const spans = readSpans(file);
    const traceIds = tracesOf(spans, id);
    if ((traceIds.length && !missingParents(spans, traceIds)) || Date.now() >= deadline) return { spans, traceIds };
    await new Promise((resolve) => setTimeout(resolve, FILE_SCHEDULE_DELAY_MS / 2));
  }
}

const latencyCells = (l: Latency) => [String(l.count), durationText(l.p50Ms), durationText(l.p95Ms), durationText(l.maxMs)];

export function observeCommands(program: Command): void {
  program.command('timeline')
    .description("a run's steps in order: each activity, timer, child and update with start, end, duration, outcome and attempts")
    .argument('<workflowId>')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withClient(async (orchestra) => {
        await describeRun(orchestra, id);
        const steps = timeline(await orchestra.history(id));
        if (opts.json) return print(steps, true);
        if (!steps.length) return out('no steps yet');
        for (const line of table(['STEP', 'START', 'END', 'DURATION', 'OUTCOME', 'ATTEMPTS'], steps.map((s) => [
          s.step, s.start, s.end ?? '', s.durationMs === undefined ? '' : durationText(s.durationMs), s.outcome, s.attempts ? String(s.attempts) : '',
        ]), 60)) out(line);
      });
    });

  program.command('stats')
    .description('how runs went: counts by status and outcome; latency p50/p95/max per workflow type and per step')
    .option('--pattern <type>', 'only this workflow type (OrchestraPattern)')
    .option('--since <when>', 'only runs started since then: a duration back from now (2h, 7d) or an ISO time')
    .option('--limit <n>', 'at most this many runs, newest first', '500')
    .option('--histories <n>', 'per-step latency from at most this many closed runs\' histories, newest first', '50')
    .option('--json', 'machine-readable output')
    .action(async (opts: { pattern?: string; since?: string; limit: string; histories: string; json?: boolean }) => {
      const limit = positive(opts.limit, '--limit');
      const histories = positive(opts.histories, '--histories');
      const since = opts.since === undefined ? undefined : sinceTime(opts.since);
      const query = listQuery({ pattern: opts.pattern, query: since ? `StartTime >= "${since.toISOString()}"` : undefined });
      await withClient(async (orchestra) => {
        const runs = (await orchestra.list(query, limit)).map((r) => ({ ...r, outcome: outcomeOf(r) }));
        const closed = runs.filter((r) => r.closeTime).slice(0, histories);
        const timelines = await Promise.all(closed.map(async (r) => ({
          type: r.type, steps: timeline(await orchestra.client.workflow.getHandle(r.workflowId, r.runId).fetchHistory()),
        })));
        const stats = runStats(runs, timelines);
        if (opts.json) return print({ query: query ?? null, ...stats }, true);
        if (!stats.runs) return out('no runs');
        out(`${stats.runs} runs${query ? ` (${query})` : ''}`);
        out(`  by status:  ${Object.entries(stats.byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}`);
        out(`  by outcome: ${Object.entries(stats.byOutcome).map(([k, v]) => `${k} ${v}`).join(', ') || '(none recorded)'}`);
        out('');
        out('Run latency (start to close), per workflow type:');
        for (const line of table(['TYPE', 'RUNS', 'P50', 'P95', 'MAX'], Object.entries(stats.workflows).map(([t, l]) => [t, ...latencyCells(l)]))) out(`  ${line}`);
        out('');
        out(`Step latency (scheduled to ended, retries included), from ${stats.historiesRead} closed runs' histories:`);
        const rows = Object.entries(stats.steps).flatMap(([type, steps]) => Object.entries(steps).map(([step, l]) => [type, step, ...latencyCells(l)]));
        for (const line of table(['TYPE', 'STEP', 'COUNT', 'P50', 'P95', 'MAX'], rows)) out(`  ${line}`);
      });
    });

  program.command('trace')
    .description("a run's traces as a tree: the start, the workflow, each activity and MCP call, with durations (from the local trace file)")
    .argument('<workflowId>')
    .option('--file <path>', 'the trace file (default: ORCHESTRA_TRACE_FILE, else <ORCHESTRA_HOME>/traces/spans.jsonl)')
    .option('--json', 'the spans, as stored')
    .action(async (id: string, opts: { file?: string; json?: boolean }) => {
      const file = opts.file ?? traceFile();
      const { spans, traceIds } = await settledTrace(file, id);
      if (!traceIds.length) {
        const destination = traceDestination();
        const where = destination.kind === 'otlp' ? ` Traces are exported over OTLP (${destination.endpoint}): look the run up in your tracing backend.`
          : destination.kind === 'off' ? ' Tracing is off (OTEL_SDK_DISABLED / OTEL_TRACES_EXPORTER=none).' : '';
        throw new CliError(`no spans for "${id}" in ${file}.${where}`, 2);
      }
      if (opts.json) return print(spans.filter((s) => traceIds.includes(s.traceId)), true);
      for (const traceId of traceIds) {
        out(`trace ${traceId}`);
        for (const line of renderTrace(traceTree(spans, traceId))) out(`  ${line}`);
      }
    });
}
