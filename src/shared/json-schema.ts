/**
 * Checking a value against a JSON Schema (draft-07, or 2020-12 when the schema says so) with Ajv, with one line per
 * problem naming the field: `customer.email: must match format "email"`, `orderId: is required`.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const options = { allErrors: true, strict: false } as const;
const draft7 = addFormats(new Ajv(options));
const draft2020 = addFormats(new Ajv2020(options));

/** The problems of `value` against `schema` (empty when it conforms); a schema that does not compile is a problem too. */
export function jsonSchemaProblems(schema: Record<string, unknown>, value: unknown): string[] {
  const { $schema, ...rest } = schema;
  const engine = typeof $schema === 'string' && /2020-12|2019-09/.test($schema) ? draft2020 : draft7;
  let validate;
  try {
    validate = engine.compile(rest);
  } catch (err) {
    return [`(schema): ${(err as Error).message}`];
  }
  return validate(value) ? [] : [...new Set((validate.errors ?? []).map(describeAjvError))];
}

function describeAjvError(error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const field = parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  const join = (name: string) => (field ? `${field}.${name}` : name);
  if (error.keyword === 'required') return `${join(String(error.params.missingProperty))}: is required`;
  if (error.keyword === 'additionalProperties') return `${join(String(error.params.additionalProperty))}: is not expected here`;
  return `${field || '(input)'}: ${error.message ?? 'is invalid'}`;
}
