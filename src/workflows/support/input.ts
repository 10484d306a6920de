import { ApplicationFailure } from '@temporalio/workflow';
import type { $ZodType, output } from 'zod/v4/core';
import { validate } from '../../shared/validation.js';
import { businessFailure } from '../../shared/business-failure.js';

/**
 * Validates a workflow's input inside the workflow (inputs can arrive from any client, not only ours).
 * Bad input fails the run at once with a non-retryable `InvalidInput` naming each field, before any step runs.
 */
export function parseInput<S extends $ZodType>(schema: S, raw: unknown): output<S> {
  const parsed = validate(schema, raw);
  if (!parsed.ok) throw businessFailure({ type: 'InvalidInput', message: parsed.message });
  return parsed.value;
}

/**
 * What an update validator throws: a non-retryable `InvalidUpdate` with the reason. Nothing is recorded; the caller
 * gets the reason (the CLI exits 2). Built from a message, not from an Error, so no stack trace travels with it.
 */
export function rejectedUpdate(reason: string): ApplicationFailure {
  return businessFailure({ type: 'InvalidUpdate', message: reason });
}
