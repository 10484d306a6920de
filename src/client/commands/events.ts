/**
 * `orchestra events`: the event-driven order lifecycle from the outside. `events publish` delivers an event
 * (signal-with-start), `events <orderId>` lists the order's events in the store's event log, and `events replay
 * <orderId>` rebuilds the order from the log alone and compares it with its workflow's state (exit 1 when they differ).
 */
import type { Command } from 'commander';
import { loadMcpConfig } from '../../mcp/config.js';
import { McpPool } from '../../mcp/pool.js';
import { toolResultOf } from '../../shared/tool-result.js';
import { orderEventLog, OrderClosedError, publishOrderEvent, replayOrder, type StoreCall } from '../order-events.js';
import { CliError, NothingHappenedError, out, print, readJson, table } from '../output.js';
import { withClient } from '../runs.js';

/** Runs `fn` with the configured store server (the same mcp.config.json the worker reads), closed afterwards. */
async function withStore<T>(fn: (callStore: StoreCall) => Promise<T>): Promise<T> {
  const pool = new McpPool(loadMcpConfig(), { onServerStderr: () => undefined, log: () => undefined });
  try {
    return await fn(async (tool, args) => {
      const result = await pool.callTool('store', { name: tool, arguments: args });
      const value = toolResultOf(result) as Record<string, unknown>;
      if (result.isError) throw new CliError(`store.${tool} failed: ${JSON.stringify(value)}`, 1);
      return value;
    });
  } finally {
    await pool.close();
  }
}

export function eventCommands(program: Command): void {
  const events = program.command('events')
    .description('the event-driven order lifecycle: publish events, list an order\'s event log, replay it');

  events.command('list <orderId>', { isDefault: true })
    .description('the order\'s events in the store\'s event log, in order, with their versions')
    .option('--json', 'machine-readable output')
    .action(async (orderId: string, opts: { json?: boolean }) => {
      const stored = await withStore((callStore) => orderEventLog(callStore, orderId));
      if (opts.json) return print(stored, true);
      if (!stored.length) {
        out(`no events for order ${orderId}`);
        return;
      }
      for (const line of table(['VERSION', 'TYPE', 'EVENT ID', 'RECORDED'],
        stored.map((e) => [String(e.aggregate_version), e.type, e.event_id, e.recorded_at]))) out(line);
    });

  events.command('publish <orderId> <type>')
    .description('publish an event to the order\'s workflow, starting it with the order\'s first event')
    .option('-d, --data <json>', 'the event\'s data: a JSON object, or @file.json', '{}')
    .option('--id <eventId>', 'the event\'s id (repeats with the same id are processed once); default <orderId>>(type)')
    .action(async (orderId: string, type: string, opts: { data: string; id?: string }) => {
      const event = { id: opts.id ?? `${orderId}>${type}`, orderId, type, data: readJson(opts.data, '--data') } as never;
      await withClient(async (orchestra) => {
        try {
          const { workflowId } = await publishOrderEvent(orchestra, event);
          out(`published ${type} (${opts.id ?? `${orderId}>${type}`}) to ${workflowId}`);
        } catch (e) {
          if (e instanceof OrderClosedError) throw new NothingHappenedError(e.message);
          throw e;
        }
      });
    });

  events.command('replay <orderId>')
    .description('rebuild the order from its event log alone (the workflow\'s reducer) and compare with the workflow\'s state')
    .option('--json', 'machine-readable output')
    .action(async (orderId: string, opts: { json?: boolean }) => {
      const report = await withClient((orchestra) => withStore((callStore) => replayOrder(orchestra, callStore, orderId)));
      if (opts.json) print(report, true);
      else {
        out(`${report.events} events replayed: ${report.fromLog.status} at version ${report.fromLog.version}`);
        out(report.equal ? 'equal to the workflow\'s state' : `differs from the workflow's state in: ${report.differences.join(', ')}`);
      }
      if (!report.equal) throw new CliError(`order ${orderId}: the event log and the workflow disagree`, 1);
    });
}
