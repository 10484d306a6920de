/**
 * Names of the `stateMachine` workflow's messages, shared by the workflow, the client and the CLI's `orchestra send`,
 * so they are spelled once.
 */

/** The update that delivers an event: `{ event, data?, sender? }`, answered with `SendResult`. */
export const SEND_UPDATE = 'send';

/** The query answering the machine's state, the events it accepts, its context and its state history. */
export const MACHINE_QUERY = 'machine';
