/**
 * `orchestra breakers`: each MCP server's circuit breaker as the workers share it (src/mcp/breaker/board.ts) — state,
 * failures that count now, next probe time and the last change; `--history` lists the recorded state changes with why
 * and which failures. Reads the board file of this host (ORCHESTRA_BREAKER_DB, default <ORCHESTRA_HOME>/breakers.db).
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { BreakerBoard, breakerDbPath } from '../../mcp/breaker/board.js';
import { out, print, table } from '../output.js';

export function breakerCommands(program: Command): void {
  program.command('breakers')
    .description("the MCP servers' circuit breakers: state, recent failures, next probe time (--history: every state change)")
    .option('--history [server]', 'list the recorded state changes, newest first (of one server, or all)')
    .option('--limit <n>', 'how many state changes --history shows', '20')
    .option('--json', 'print JSON')
    .action((opts: BreakersOptions) => show(opts));
}

interface BreakersOptions { history?: string | true; limit: string; json?: boolean }

function show(opts: BreakersOptions): void {
  const file = breakerDbPath();
  if (!fs.existsSync(file)) {
    if (opts.json) { print([], true); return; }
    out(`no circuit breaker has recorded anything yet (${file}): every server is closed`);
    return;
  }
  const board = new BreakerBoard(file, { readonly: true });
  try {
    if (opts.history) {
      const transitions = board.transitions(opts.history === true ? undefined : opts.history, Number(opts.limit) || 20);
      if (opts.json) { print(transitions, true); return; }
      if (!transitions.length) {
        out('no state changes recorded');
        return;
      }
      for (const line of table(['at', 'server', 'change', 'by', 'why'], transitions.map((t) => [
        t.at, t.server, `${t.from} → ${t.to}`, t.worker,
        `${t.reason}${t.failures.length ? `; failures: ${t.failures.map((f) => `${f.type} (${f.message.slice(0, 60)})`).join(', ')}` : ''}`,
      ]))) out(line);
      return;
    }
    const breakers = board.list();
    if (opts.json) { print(breakers, true); return; }
    if (!breakers.length) {
      out('no circuit breaker has recorded anything yet: every server is closed');
      return;
    }
    for (const line of table(['server', 'state', 'failures', 'next probe', 'since', 'last change'], breakers.map((b) => [
      b.server, b.state, `${b.recentFailures}/${b.failureThreshold}`, b.nextProbeAt ?? '-', b.since,
      b.lastTransition ? `${b.lastTransition.from} → ${b.lastTransition.to}: ${b.lastTransition.reason}` : '-',
    ]))) out(line);
  } finally {
    board.close();
  }

}
