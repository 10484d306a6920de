/**
 * Reading a definition's text: YAML (a superset of JSON, so `.json` files read the same way) into plain data, with
 * syntax errors that name the line. Checking the data is ./checks.ts's job.
 */
import { parse, YAMLParseError } from 'yaml';

export class DefinitionSyntaxError extends Error {
  constructor(readonly source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'DefinitionSyntaxError';
  }
}

export function parseDefinitionText(text: string, source: string): unknown {
  try {
    return parse(text, { prettyErrors: true, uniqueKeys: true }) as unknown;
  } catch (err) {
    if (err instanceof YAMLParseError) throw new DefinitionSyntaxError(source, err.message);
    throw err;
  }
}
