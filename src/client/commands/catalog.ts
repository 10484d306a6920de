/** `workflows` and `describe`: what can be run, with an example input that runs as written. */
import type { Command } from 'commander';
import { z } from 'zod';
import { catalog, type WorkflowSpec } from '../../schemas/catalog.js';
import { PROGRESS_QUERY } from '../../shared/progress.js';
import { specOf } from '../api.js';
import { out, print, table } from '../output.js';

const jsonSchema = (schema: z.core.$ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

function describeType(name: string, spec: WorkflowSpec) {
  return {
    name,
    description: spec.description,
    example: spec.example,
    input: jsonSchema(spec.input),
    updates: Object.entries(spec.interactions ?? {}).filter(([, i]) => i.kind === 'update')
      .map(([update, i]) => ({ name: update, description: i.description, ...(i.schema ? { input: jsonSchema(i.schema) } : {}) })),
    queries: [
      { name: PROGRESS_QUERY, description: 'Where the run is: state, step, counts and details' },
      ...Object.entries(spec.queries ?? {}).map(([query, description]) => ({ name: query, description })),
    ],
  };
}

export function catalogCommands(program: Command): void {
  program.command('workflows')
    .description('the workflow types: name, what each does, an example input (full JSON Schemas with --json)')
    .option('--json', 'every type with its input JSON Schema, example, updates and queries')
    .action((opts: { json?: boolean }) => {
      const types = Object.entries(catalog).map(([name, spec]) => describeType(name, spec as WorkflowSpec));
      if (opts.json) return print(types, true);
      for (const line of table(['TYPE', 'DESCRIPTION', 'EXAMPLE'],
        types.map((t) => [t.name, t.description.split(/(?<=[.:])\s/)[0], JSON.stringify(t.example)]), 60)) out(line);
      out('');
      out('orchestra describe <type> shows one in full; orchestra run <type> --input \'<example>\' runs it.');
    });

  program.command('describe')
    .description('one workflow type: what it does, an example input that runs as is, its updates and queries')
    .argument('<workflowType>')
    .option('--json', 'machine-readable, with the input JSON Schema')
    .action((name: string, opts: { json?: boolean }) => {
      const t = describeType(name, specOf(name) as WorkflowSpec);
      if (opts.json) return print(t, true);
      out(`${t.name} — ${t.description}`);
      out('');
      out('Example (runs as written):');
      out(`  orchestra run ${t.name} --input '${JSON.stringify(t.example)}'`);
      out('');
      out('Updates:');
      if (!t.updates.length) out('  (none)');
      for (const u of t.updates) out(`  ${u.name} — ${u.description}`);
      out('Queries:');
      for (const q of t.queries) out(`  ${q.name} — ${q.description}`);
      out('');
      out(`Input fields: ${Object.keys((t.input as { properties?: object }).properties ?? {}).join(', ')}  (full JSON Schema: orchestra describe ${t.name} --json)`);
    });
}
