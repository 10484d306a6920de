/**
 * The `stateMachine` workflow's boundary: its input (a checked machine definition), the event a person sends (the
 * `send` update), what the update answers, the state history and the result. The definition format and its checks are
 * in src/state-machine/definition.ts.
 */
import { z } from 'zod';
import { MachineDefinition, Name } from '../state-machine/definition.js';

export const StateMachineInput = z.strictObject({
  definition: MachineDefinition,
});
export type StateMachineInput = z.input<typeof StateMachineInput>;

/** Who sent an event: a person's name or e-mail address, a service, or `timer` for a state's timeout. */
const Sender = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

/** What the `send` update carries: `orchestra send <id> <event> [--data <json>] [--by <sender>]`. */
export const MachineEventInput = z.strictObject({
  event: Name,
  data: z.record(z.string(), z.unknown()).default({}),
  sender: Sender.default('anonymous'),
});
export type MachineEventInput = z.input<typeof MachineEventInput>;

/** One line of the state history: an event that was taken (or not), when, from whom. */
export const HistoryEntry = z.object({
  /** The state after the event (unchanged when it was not taken). */
  state: z.string(),
  /** The state the event arrived in. */
  from: z.string(),
  /** The event; `(start)` for the initial state. */
  event: z.string(),
  sender: z.string(),
  /** Workflow time, ISO 8601. */
  at: z.string(),
  taken: z.boolean(),
  /** Why it was not taken: a guard that did not hold, or an action that failed. */
  reason: z.string().optional(),
  /** The transition's action result (its tool's structured result). */
  actionResult: z.unknown().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** The `send` update's answer. */
export const SendResult = z.object({
  taken: z.boolean(),
  event: z.string(),
  from: z.string(),
  state: z.string(),
  reason: z.string().optional(),
  /** What the new state takes next. */
  acceptedEvents: z.array(z.string()),
});
export type SendResult = z.infer<typeof SendResult>;

/** The `machine` query's answer (and, once terminal, the run's result). */
export const MachineState = z.object({
  machine: z.string(),
  state: z.string(),
  terminal: z.boolean(),
  acceptedEvents: z.array(z.string()),
  context: z.record(z.string(), z.unknown()),
  history: z.array(HistoryEntry),
});
export type MachineState = z.infer<typeof MachineState>;

export const StateMachineResult = MachineState;
export type StateMachineResult = MachineState;
