/**
 * The static check of a definition's MCP tool calls against the servers' tool lists: a `call: <server>.<tool>` naming a
 * tool the server does not have (with the close names it does have), and static arguments that do not satisfy the
 * tool's input JSON Schema. Pure: the client fetches the lists (src/client/live-tools.ts) and passes them here.
 *
 * Arguments with `${ … }` expressions are checked only on their static keys; a computed key is not reported as missing
 * (`required`), nor is `idempotency_key` on a writing step (the engine supplies it).
 */
import { jsonSchemaProblems } from '../shared/json-schema.js';
import type { Problem } from './checks.js';
import type { Definition, Step } from './definition.js';
import { expressionsIn } from './expressions.js';
import { callTarget } from './registry.js';

/** What the check needs of a tool (an MCP `Tool` fits). */
export interface ToolSummary {
  name: string;
  inputSchema: Record<string, unknown>;
}

/** Tool lists by server name; a server that is absent is not checked. */
export type ToolLists = Readonly<Record<string, readonly ToolSummary[]>>;

/** The argument the engine adds to every writing step's call (src/activities/mcp.ts gives it to tools that accept it). */
const ENGINE_SUPPLIED = 'idempotency_key';

/** Every `call: <server>.<tool>` step in the definition, at any depth, with its path. */
export function toolCalls(definition: Definition): Array<{ path: string; server: string; tool: string; step: Step }> {
  const found: Array<{ path: string; server: string; tool: string; step: Step }> = [];
  const visit = (step: Step, path: string): void => {
    if (step.call !== undefined) {
      const target = callTarget(step.call);
      if (target.kind === 'tool') found.push({ path, server: target.server, tool: target.tool, step });
    }
    if (step.catch) visit(step.catch, `${path}.catch`);
    if (step.compensate) visit(step.compensate, `${path}.compensate`);
    for (const [id, branch] of Object.entries(step.parallel?.branches ?? {})) visit(branch, `${path}.parallel.branches.${id}`);
    if (step.map) visit(step.map.step, `${path}.map.step`);
    for (const [id, inner] of Object.entries(step.loop?.steps ?? {})) visit(inner, `${path}.loop.steps.${id}`);
  };
  for (const [id, step] of Object.entries(definition.steps)) visit(step, `steps.${id}`);
  if (definition.onFailure) visit(definition.onFailure, 'onFailure');
  return found;
}

/** The problems of the definition's tool calls against the tool lists (empty when they all fit). */
export function checkToolCalls(definition: Definition, tools: ToolLists): Problem[] {
  const problems: Problem[] = [];
  for (const { path, server, tool, step } of toolCalls(definition)) {
    const offered = tools[server];
    if (!offered) continue;
    const found = offered.find((t) => t.name === tool);
    if (!found) {
      const close = closeNames(tool, offered.map((t) => t.name));
      problems.push({
        path: `${path}.call`,
        message: `MCP server "${server}" has no tool "${tool}"; ${close.length ? `did you mean ${close.join(', ')}?` : `its tools: ${offered.map((t) => t.name).join(', ') || 'none'}`}`,
      });
      continue;
    }
    problems.push(...argumentProblems(step, found, `${path}.input`));
  }
  return problems;
}

function argumentProblems(step: Step, tool: ToolSummary, path: string): Problem[] {
  const input = step.input ?? {};
  if (expressionsIn(input, path).length && (typeof input !== 'object' || input === null || Array.isArray(input))) return []; // all computed
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [{ path, message: 'a tool\'s arguments must be an object' }];
  const computed = new Set(Object.entries(input).filter(([key, value]) => expressionsIn(value, key).length).map(([key]) => key));
  if (!step.readOnly) computed.add(ENGINE_SUPPLIED);
  const staticArgs = Object.fromEntries(Object.entries(input).filter(([key]) => !computed.has(key)));
  return jsonSchemaProblems(tool.inputSchema, staticArgs)
    .map((line) => ({ field: line.slice(0, line.indexOf(': ')), message: line.slice(line.indexOf(': ') + 2) }))
    .filter(({ field, message }) => !(message === 'is required' && computed.has(field)))
    .map(({ field, message }) => ({ path: field === '(input)' ? path : `${path}.${field}`, message: `${message} (tool ${tool.name}'s input schema)` }));
}

/**
 * The offered names close to a wrong one: one contains the other, or they share a word (`get_customer` → `get_customers`,
 * `charge` → `charge_payment`). Written here because it is a two-line rule over short snake_case names.
 */
function closeNames(wanted: string, offered: string[]): string[] {
  const words = (name: string) => name.toLowerCase().split(/[_\-.]+/).filter((w) => w.length > 3);
  const mine = new Set(words(wanted));
  const lower = wanted.toLowerCase();
  return offered.filter((name) => {
    const theirs = name.toLowerCase();
    return theirs.includes(lower) || lower.includes(theirs) || words(name).some((w) => mine.has(w));
  });
}
