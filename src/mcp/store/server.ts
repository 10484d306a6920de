/**
 * Orchestra's store MCP server: a thin MCP layer over Store (store.ts). Run it on its own over stdio:
 *
 *   node --import tsx src/mcp/store/server.ts
 *
 * or over Streamable HTTP, so workers on several machines share one store (see http.ts):
 *
 *   STORE_MCP_TOKEN=… npm run store -- --http 127.0.0.1:8766
 *
 * Env: STORE_DB (database file or :memory:; default <ORCHESTRA_HOME or ./.orchestra>/store.db),
 * STORE_QUERY_TIMEOUT_MS (analytics query time limit, queue wait included, default 5000), STORE_QUERY_PROCESSES (query
 * processes side by side, default 2), STORE_FAULTS (test-only fault injection, JSON).
 *
 * Results: success → JSON text content + `structuredContent` (the result object). Failure → `isError: true`, text
 * `<Type>: <message>` and `structuredContent: { error: { type, message, retryable, details? } }`. No tool declares an
 * outputSchema (the SDK client would validate error results against it).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { orchestraHome } from '../../runtime/paths.js';
import { StoreFailure, toErrorBody } from './errors.js';
import { hangLimit, parseFaults, type FaultConfig } from './faults.js';
import { STORE_LIMITS } from './limits.js';
import { httpAddressFromArgv, serveStoreOverHttp } from './http.js';
import { Store, abortableSleep } from './store.js';
import { READ_ONLY_TOOLS, storeToolDescriptions, storeToolInputs, type StoreToolName, type StoreToolParsed } from './tools.js';

export const STORE_SERVER_NAME = 'orchestra-store';
export const STORE_SERVER_VERSION = '0.1.0';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type Handler<T extends StoreToolName> = (args: StoreToolParsed<T>, extra: Extra) => unknown;

export interface StoreServerOptions {
  store: Store;
  /** Test-only fault injection (see faults.ts). */
  faults?: FaultConfig;
}

/** The result as text and structuredContent; a result over STORE_LIMITS.replyBytes becomes a ResultTooLarge error. */
export function successResult(result: unknown, tool = 'the tool'): CallToolResult {
  const text = JSON.stringify(result);
  const bytes = Buffer.byteLength(text);
  if (bytes > STORE_LIMITS.replyBytes) {
    return errorResult(new StoreFailure('ResultTooLarge',
      `the result of ${tool} is ${bytes} bytes as JSON; the limit is ${STORE_LIMITS.replyBytes}. Ask for less (a smaller limit, fewer columns, the next page).`,
      { bytes, limit: STORE_LIMITS.replyBytes }));
  }
  return {
    content: [{ type: 'text', text }],
    structuredContent: result as Record<string, unknown>,
  };
}

export function errorResult(error: unknown): CallToolResult {
  const body = toErrorBody(error);
  return {
    isError: true,
    content: [{ type: 'text', text: `${body.type}: ${body.message}` }],
    structuredContent: { error: body },
  };
}

/** Builds the MCP server with every store tool registered. Connect it to any transport. */
export function createStoreServer({ store, faults = {} }: StoreServerOptions): McpServer {
  const server = new McpServer(
    { name: STORE_SERVER_NAME, version: STORE_SERVER_VERSION },
    {
      instructions: 'Orchestra store: customers, inventory, payments (integer cents), notifications, shipping labels, tickets, '
        + 'read-only analytics SQL, full-text document search, an event log and a dead-letter queue. Writing tools take an '
        + 'idempotency_key. Errors are isError results with structuredContent.error = { type, message, retryable }.',
    },
  );

  /** Injected faults before the effect: delay, hang until cancelled, fail. */
  const beforeEffect = async (tool: StoreToolName, signal: AbortSignal) => {
    const spec = faults[tool];
    if (!spec) return;
    if (spec.delayMs) {
      store.logFault(tool, 'delay', `${spec.delayMs} ms`);
      await abortableSleep(spec.delayMs, signal);
    }
    if (store.claimFault(tool, 'hang', hangLimit(spec))) {
      await new Promise<never>((_, reject) => {
        const onAbort = () => reject(new StoreFailure('Cancelled', 'cancelled while hanging (injected fault)'));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    if (spec.fail && store.claimFault(tool, 'fail', spec.fail)) {
      throw new StoreFailure('InjectedFault', `injected failure of ${tool} before its effect (STORE_FAULTS)`);
    }
  };

  /** Injected fault after the effect committed: the caller sees a retryable error although the work is done. */
  const afterEffect = (tool: StoreToolName) => {
    const spec = faults[tool];
    if (spec?.failAfterEffect && store.claimFault(tool, 'fail_after_effect', spec.failAfterEffect)) {
      throw new StoreFailure('InjectedFault', `injected failure of ${tool} after its effect was committed (STORE_FAULTS)`);
    }
  };

  const register = <T extends StoreToolName>(tool: T, handler: Handler<T>) => {
    const readOnly = READ_ONLY_TOOLS.has(tool);
    const callback = async (args: StoreToolParsed<T>, extra: Extra): Promise<CallToolResult> => {
      // Record that a cancellation reached the server (synchronously, while the database is surely open).
      const onAbort = () => store.logFault(tool, 'cancelled', String(extra.signal.reason ?? 'aborted'));
      extra.signal.addEventListener('abort', onAbort, { once: true });
      try {
        await beforeEffect(tool, extra.signal);
        const result = await handler(args, extra);
        afterEffect(tool);
        return successResult(result, tool);
      } catch (error) {
        if (!(error instanceof StoreFailure)) process.stderr.write(`[store] ${tool} failed unexpectedly: ${(error as Error)?.stack ?? String(error)}\n`);
        return errorResult(error);
      } finally {
        extra.signal.removeEventListener('abort', onAbort);
      }
    };
    server.registerTool(tool, {
      description: storeToolDescriptions[tool],
      inputSchema: storeToolInputs[tool],
      annotations: { readOnlyHint: readOnly, idempotentHint: true, destructiveHint: tool === 'delete_user', openWorldHint: false },
    }, callback as never);
  };

  register('get_customer', (args) => store.getCustomer(args));
  register('list_customers', (args) => store.listCustomers(args));
  register('create_user', (args) => store.createUser(args));
  register('delete_user', (args) => store.deleteUser(args));
  register('reserve_inventory', (args) => store.reserveInventory(args));
  register('release_inventory', (args) => store.releaseInventory(args));
  register('charge_payment', (args) => store.chargePayment(args));
  register('refund_payment', (args) => store.refundPayment(args));
  register('send_notification', (args) => store.sendNotification(args));
  register('cancel_notification', (args) => store.cancelNotification(args));
  register('create_shipping_label', (args) => store.createShippingLabel(args));
  register('cancel_shipping_label', (args) => store.cancelShippingLabel(args));
  register('create_ticket', (args) => store.createTicket(args));
  register('get_ticket', (args) => store.getTicket(args));
  register('query', (args, extra) => store.query(args, extra.signal));
  register('search_documents', (args) => store.searchDocuments(args));
  register('get_document', (args) => store.getDocument(args));
  register('get_products', (args) => store.getProducts(args));
  register('append_event', (args) => store.appendEvent(args));
  register('list_events', (args) => store.listEvents(args));
  register('record_dead_letter', (args) => store.recordDeadLetter(args));
  register('list_dead_letters', (args) => store.listDeadLetters(args));
  register('mark_dead_letter', (args) => store.markDeadLetter(args));
  register('analytics_report', async (args, extra) => {
    const progressToken = extra._meta?.progressToken;
    const report = await store.analyticsReport(args, {
      signal: extra.signal,
      onProgress: progressToken === undefined ? undefined : (progress, total, message) =>
        extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total, message } }),
    });
    // The SDK client handles a notification one microtask after reading it but a response at once, and forgets the
    // progress token with the response: written back to back, the last progress notification would be dropped.
    if (progressToken !== undefined) await abortableSleep(15, extra.signal);
    return report;
  });

  return server;
}

/** The database file from the environment: STORE_DB, else <ORCHESTRA_HOME or ./.orchestra>/store.db. */
export function storeDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.STORE_DB?.trim();
  if (configured === ':memory:') return configured;
  return path.resolve(configured || path.join(orchestraHome(), 'store.db'));
}

function positiveIntegerFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** Starts the server on stdio; exits when stdin closes or on SIGINT/SIGTERM. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const faults = parseFaults(env.STORE_FAULTS);
  const store = new Store({
    path: storeDbPath(env),
    queryTimeoutMs: positiveIntegerFromEnv(env, 'STORE_QUERY_TIMEOUT_MS'),
    queryProcesses: positiveIntegerFromEnv(env, 'STORE_QUERY_PROCESSES'),
  });
  const http = httpAddressFromArgv(process.argv);
  if (http !== undefined) return serveStoreOverHttp(store, faults, http, env);
  const server = createStoreServer({ store, faults });
  let closing = false;
  const shutdown = async (code = 0) => {
    if (closing) return;
    closing = true;
    try {
      await server.close(); // aborts in-flight requests first, so their cancellation is still recorded
    } finally {
      store.close();
      process.exit(code);
    }
  };
  server.server.onclose = () => void shutdown();
  process.stdin.on('end', () => void shutdown());
  process.on('SIGINT', () => void shutdown(130));
  process.on('SIGTERM', () => void shutdown(143));
  await server.connect(new StdioServerTransport());
  const faulty = Object.keys(faults);
  process.stderr.write(`[store] ${STORE_SERVER_NAME} ready on stdio, db=${store.path}${faulty.length ? `, faults: ${faulty.join(', ')}` : ''}\n`);
}

const entry = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`[store] failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
