/**
 * Checking a value against a JSON Schema (draft-07, or 2020-12 when the schema says so) with Ajv, with one line per
 * problem naming the field: `customer.email: must match format "email"`, `orderId: is required`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const options = { allErrors: true, strict: false } as const;
const engines = {
  strict: { draft7: addFormats(new Ajv(options)), draft2020: addFormats(new Ajv2020(options)) },
  // Schemas written by others (an MCP server's tool schemas): not checked against the meta-schema, only compiled.
  lenient: {
    draft7: addFormats(new Ajv({ ...options, validateSchema: false })),
    draft2020: addFormats(new Ajv2020({ ...options, validateSchema: false })),
  },
};

/** Compiles a schema with the draft it names (2020-12 / 2019-09, else draft-07); throws when it does not compile. */
export function compileJsonSchema(schema: Record<string, unknown>, mode: keyof typeof engines = 'strict'): ValidateFunction {
  const { $schema, ...rest } = schema;
  const { draft7, draft2020 } = engines[mode];
  return (typeof $schema === 'string' && /2020-12|2019-09/.test($schema) ? draft2020 : draft7).compile(rest);
}

/** The problems of `value` against `schema` (empty when it conforms); a schema that does not compile is a problem too. */
export function jsonSchemaProblems(schema: Record<string, unknown>, value: unknown): string[] {
  let validate;
  try {
    validate = compileJsonSchema(schema);
  } catch (err) {
    return [`(schema): ${(err as Error).message}`];
  }
  return validate(value) ? [] : describeAjvErrors(validate.errors);
}

/** How a problem reads where the whole value is meant, and for a property the schema does not allow. */
export interface ProblemWords {
  /** @default '(input)' */
  root?: string;
  /** @default 'is not expected here' */
  unexpected?: string;
}

/** One line per problem, deduplicated: `quantity: must be >= 1`, `path: is required`, `items[2].sku: must be string`. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined, words: ProblemWords = {}): string[] {
  return [...new Set((errors ?? []).map((error) => describeAjvError(error, words)))];
}

function describeAjvError(error: ErrorObject, { root = '(input)', unexpected = 'is not expected here' }: ProblemWords): string {
  const parts = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const field = parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  const join = (name: string) => (field ? `${field}.${name}` : name);
  if (error.keyword === 'required') return `${join(String(error.params.missingProperty))}: is required`;
  if (error.keyword === 'additionalProperties') return `${join(String(error.params.additionalProperty))}: ${unexpected}`;
  return `${field || root}: ${error.message ?? 'is invalid'}`;
}
