/**
 * Business failures (a declined payment, a rule not met, bad input) are outcomes, not bugs: they travel with their
 * type, message and details but without a stack trace, so the Web UI and the history show what happened instead of
 * this machine's file paths. Infrastructure faults (retryable) keep their stacks: there a stack helps.
 */
import { ApplicationFailure, type ApplicationFailureOptions } from '@temporalio/common';

/** A non-retryable ApplicationFailure with a type, message and optional details, carrying no stack trace. */
export function businessFailure(options: Omit<ApplicationFailureOptions, 'nonRetryable'> & { type: string }): ApplicationFailure {
  return withoutStack(ApplicationFailure.create({ ...options, nonRetryable: true }));
}

/** Clears the stack of a non-retryable ApplicationFailure (a business outcome); anything else is returned as is. */
export function withoutStack<E>(error: E): E {
  if (error instanceof ApplicationFailure && error.nonRetryable) error.stack = '';
  return error;
}

/** Wraps each function of an activity group so the business failures they throw carry no stack trace. */
export function businessFailuresWithoutStacks<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  return Object.fromEntries(Object.entries(activities).map(([name, fn]) => [name,
    async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (error) {
        throw withoutStack(error);
      }
    }])) as T;
}
