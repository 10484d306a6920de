/**
 * Definitions as files, for the client: read one (YAML or JSON), find one by name in the definitions folder, check it
 * with everything the client knows (configured MCP servers, registered workflow types, the folder's definitions), check
 * a run's input against its `input` JSON Schema, and gather the definitions its `workflow` steps start — all before
 * anything starts.
 *
 * The definitions folder is `$ORCHESTRA_DEFINITIONS`, else `definitions/` in the current directory: `orchestra run
 * <name>` runs `definitions/<name>.yaml` (or `.yml`, `.json`, or any file there whose `name:` is <name>).
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkDefinition, type Problem } from '../engine/checks.js';
import type { Definition } from '../engine/definition.js';
import { parseDefinitionText } from '../engine/load.js';
import { loadMcpConfig } from '../mcp/config.js';
import { catalog } from '../schemas/catalog.js';
import type { DefinitionRunInput } from '../schemas/definition-run.js';
import { jsonSchemaProblems } from '../shared/json-schema.js';
import { InvalidInputError } from './api.js';
import type { TargetResolver } from './target.js';

/** A definition (or a run's input) that did not pass the checks; nothing was started. */
export class DefinitionError extends Error {
  constructor(readonly source: string, readonly problems: Problem[]) {
    super(`${source}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'DefinitionError';
  }
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];

export function definitionsFolder(): string {
  return path.resolve(process.env.ORCHESTRA_DEFINITIONS ?? 'definitions');
}

/** Whether a `run`/`start` argument is a definition file rather than a workflow type. */
export function isDefinitionFile(argument: string): boolean {
  return EXTENSIONS.includes(path.extname(argument).toLowerCase()) && fs.existsSync(argument);
}

/** The file's data (not yet checked). */
export function readDefinitionFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new DefinitionError(file, [{ path: '(file)', message: `cannot read it: ${(err as Error).message}` }]);
  }
  try {
    return parseDefinitionText(text, file);
  } catch (err) {
    throw new DefinitionError(file, [{ path: '(syntax)', message: (err as Error).message.slice(file.length + 2) }]);
  }
}

/** The definitions in the folder, by name (files that are not definitions are left out). */
export function folderDefinitions(folder = definitionsFolder()): Map<string, { file: string; raw: Record<string, unknown> }> {
  const found = new Map<string, { file: string; raw: Record<string, unknown> }>();
  if (!fs.existsSync(folder)) return found;
  for (const entry of fs.readdirSync(folder).sort()) {
    if (!EXTENSIONS.includes(path.extname(entry).toLowerCase())) continue;
    const file = path.join(folder, entry);
    try {
      const raw = readDefinitionFile(file);
      if (raw && typeof raw === 'object' && (raw as Record<string, unknown>).orchestra !== undefined) {
        const name = String((raw as Record<string, unknown>).name ?? path.basename(entry, path.extname(entry)));
        if (!found.has(name)) found.set(name, { file, raw: raw as Record<string, unknown> });
      }
    } catch {
      // an unreadable file is reported when it is run by name, not when another definition is
    }
  }
  return found;
}

/** A file path, or the name of a definition in the folder; undefined when it is neither. */
export function locateDefinition(argument: string): string | undefined {
  if (isDefinitionFile(argument)) return argument;
  if (!/^[A-Za-z0-9._-]+$/.test(argument)) return undefined;
  const folder = definitionsFolder();
  const byFile = EXTENSIONS.map((ext) => path.join(folder, `${argument}${ext}`)).find((f) => fs.existsSync(f));
  return byFile ?? folderDefinitions(folder).get(argument)?.file;
}

/** Configured MCP server names, or undefined when the config cannot be read here (the worker will say). */
function serverNames(): string[] | undefined {
  try {
    return Object.keys(loadMcpConfig().servers);
  } catch {
    return undefined;
  }
}

/** Reads and checks a definition file with everything the client knows; throws DefinitionError listing each problem. */
export function checkDefinitionFile(file: string): Definition {
  return checkRaw(readDefinitionFile(file), file, folderDefinitions());
}

function checkRaw(raw: unknown, source: string, folder: ReturnType<typeof folderDefinitions>): Definition {
  const checked = checkDefinition(raw, { servers: serverNames(), workflowTypes: Object.keys(catalog), definitions: [...folder.keys()] });
  if (!checked.ok) throw new DefinitionError(source, checked.problems);
  return checked.definition;
}

/**
 * Everything `definitionRun` needs for a run of the file: the definition, the input (checked against its `input`
 * JSON Schema), and every definition its `workflow` steps start (and theirs), from the folder.
 */
export function prepareDefinitionRun(file: string, input: unknown): DefinitionRunInput & { definition: Record<string, unknown> } {
  const raw = readDefinitionFile(file) as Record<string, unknown>;
  const folder = folderDefinitions();
  const definition = checkRaw(raw, file, folder);
  if (definition.input) {
    const problems = jsonSchemaProblems(definition.input, input);
    if (problems.length) throw new DefinitionError(definition.name, problems.map((line) => ({ path: line.slice(0, line.indexOf(': ')), message: line.slice(line.indexOf(': ') + 2) })));
  }
  const definitions: Record<string, Record<string, unknown>> = {};
  const todo = childDefinitions(definition);
  while (todo.length) {
    const name = todo.pop()!;
    if (definitions[name]) continue;
    const child = folder.get(name)!;
    definitions[name] = child.raw;
    todo.push(...childDefinitions(checkRaw(child.raw, child.file, folder)));
  }
  return { definition: raw, input, definitions };
}

/** The names of the definitions a definition's `workflow` steps start, at any depth. */
function childDefinitions(definition: Definition): string[] {
  const names: string[] = [];
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    const workflow = (value as { workflow?: { definition?: unknown } }).workflow;
    if (typeof workflow?.definition === 'string') names.push(workflow.definition);
    Object.values(value).forEach(visit);
  };
  visit(definition.steps);
  visit(definition.onFailure);
  return names;
}

/**
 * For `run` / `start`: a definition file (`.yaml`, `.yml`, `.json`) or a definition's name in the definitions folder
 * becomes a `definitionRun` of it, checked (definition and input) before anything starts; anything else is left to the
 * catalog of workflow types.
 */
export const definitionTarget: TargetResolver = (argument, input) => {
  const file = locateDefinition(argument);
  if (!file) return undefined;
  try {
    return { type: 'definitionRun', input: prepareDefinitionRun(file, input) };
  } catch (err) {
    if (err instanceof DefinitionError) throw new InvalidInputError(err.source, err.problems);
    throw err;
  }
};
