/**
 * The `orchestra` commands for declarative definitions: `validate FILE…`, `graph FILE` (Mermaid), `schema` (the
 * format's JSON Schema), and what lets `run` / `start` take a definition file or a registered definition's name.
 */
import { Command, CommanderError } from 'commander';
import { definitionJsonSchema } from '../engine/definition.js';
import { toMermaid } from '../engine/mermaid.js';
import type { Problem } from '../engine/checks.js';
import { checkToolCalls, toolCalls } from '../engine/tool-checks.js';
import { InvalidInputError } from './api.js';
import { checkDefinitionFile, DefinitionError, locateDefinition } from './definitions.js';
import { listLiveTools } from './live-tools.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Adds `validate`, `graph` and `schema` to the program. */
export function addDefinitionCommands(program: Command): void {
  program.command('validate')
    .description('check definition files (schema, references, cycles, reachability, expressions, activities, MCP servers, '
      + 'and the called MCP tools and their static arguments against the servers\' live tool lists)')
    .argument('<files...>')
    .option('--offline', 'skip the live tool check: do not start the MCP servers the definitions call')
    .action(async (files: string[], options: { offline?: boolean }) => {
      const checked = files.map((file) => {
        try {
          return { file, definition: checkDefinitionFile(file), problems: [] as Problem[] };
        } catch (err) {
          if (!(err instanceof DefinitionError)) throw err;
          return { file, problems: err.problems };
        }
      });
      const valid = checked.flatMap((c) => (c.definition ? [c.definition] : []));
      const live = options.offline ? undefined : await listLiveTools(valid.flatMap((d) => toolCalls(d).map((call) => call.server)));
      for (const warning of live?.warnings ?? []) process.stderr.write(`! ${warning}\n`);
      let bad = 0;
      for (const { file, definition, problems } of checked) {
        const all = definition && live ? checkToolCalls(definition, live.tools) : problems;
        if (definition && !all.length) {
          out(`✓ ${file}: ${definition.name} v${definition.version}, ${Object.keys(definition.steps).length} steps`);
        } else {
          bad += 1;
          process.stderr.write(`✗ ${file}:\n${all.map((p) => `  - ${p.path}: ${p.message}\n`).join('')}`);
        }
      }
      if (bad) throw new CommanderError(2, 'orchestra.invalidDefinition', `${bad} invalid definition${bad === 1 ? '' : 's'}`);
    });

  program.command('graph')
    .description('draw a definition as a Mermaid flowchart')
    .argument('<file>')
    .action((file: string) => {
      try {
        process.stdout.write(toMermaid(checkDefinitionFile(locateDefinition(file) ?? file)));
      } catch (err) {
        if (err instanceof DefinitionError) throw new InvalidInputError(err.source, err.problems);
        throw err;
      }
    });

  program.command('schema')
    .description('print the JSON Schema of the definition format (for editors: `orchestra schema > definition.schema.json`)')
    .action(() => { out(JSON.stringify(definitionJsonSchema(), null, 2)); });
}
