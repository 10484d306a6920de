import { CancellationScope, allHandlersFinished, condition, defineQuery, defineUpdate, setHandler, workflowInfo } from '@temporalio/workflow';
import { toMs } from '../schemas/common.js';
import { MachineEventInput, StateMachineInput, type HistoryEntry, type MachineState, type SendResult, type StateMachineResult } from '../schemas/state-machine.js';
import { MACHINE_QUERY, SEND_UPDATE } from '../shared/state-machine.js';
import { validate } from '../shared/validation.js';
import type { Action, MachineDefinition } from '../state-machine/definition.js';
import { Machine, type MachineEvent } from '../state-machine/machine.js';
import { ApprovalGate } from './support/approval.js';
import { describeFailure } from './support/failures.js';
import { parseInput, rejectedUpdate } from './support/input.js';
import { ProgressReporter } from './support/progress.js';
import { callTool, stepKey } from './support/tools.js';

export const sendUpdate = defineUpdate<SendResult, [MachineEventInput]>(SEND_UPDATE);
export const machineQuery = defineQuery<MachineState>(MACHINE_QUERY);

/** An event the machine fires itself: a state's timeout (sent by `timer`) or the approval gate's outcome. */
interface Fired { type: string; sender: string; data?: Record<string, unknown> }

/**
 * A state machine driven by events (seed 004 Pattern 2). The definition — states, transitions with event, guard and
 * action, wildcard sources, terminal states, timeouts — is checked before the run starts; the transition logic is
 * xstate's (src/state-machine/machine.ts). Events arrive as the `send` update (`orchestra send <id> <event>`): its
 * validator rejects an event the current state cannot take, listing those it can, and nothing is recorded. A taken
 * event runs its transition's action (an MCP tool call, as an activity) and moves the machine; a guard that does not
 * hold, or an action that fails, answers "not taken" with the reason and is recorded in the state history. A state may
 * fire an event after a timeout, or wait for a person's approval (the reusable gate). The run ends in a terminal state.
 */
export async function stateMachine(raw: StateMachineInput): Promise<StateMachineResult> {
  const { definition } = parseInput(StateMachineInput, raw);
  const progress = new ProgressReporter('stateMachine');
  const run = new MachineRun(definition, progress);

  setHandler(sendUpdate, (event) => run.send(event), {
    validator: (event) => {
      const problem = run.sendProblem(event);
      if (problem) throw rejectedUpdate(problem);
    },
  });
  setHandler(machineQuery, () => run.view());

  while (!run.terminal) {
    const entry = run.entries;
    const fired = await waitInState(run, progress);
    if (!fired || run.entries !== entry) continue;
    await condition(() => !run.busy);
    if (run.entries === entry) await run.take({ type: fired.type, data: fired.data ?? {} }, fired.sender);
  }
  await condition(allHandlersFinished);
  return run.view();
}

/**
 * Waits while the machine is in its current state: for it to leave (an event sent), for the state's timeout, or for the
 * approval the state asks for. Returns the event the state fires, or undefined when an event moved it first.
 */
async function waitInState(run: MachineRun, progress: ProgressReporter): Promise<Fired | undefined> {
  const state = run.definition.states[run.state];
  const entry = run.entries;
  const left = () => run.entries !== entry;
  if (state.approval) {
    const { approval } = state;
    const gate = new ApprovalGate(progress); // registers `decide` for this request (a gate takes one request)
    const scope = new CancellationScope();
    const asking = scope.run(() => gate.request(approval.subject, { timeout: approval.timeout }));
    const outcome = await Promise.race([asking, condition(left).then(() => undefined)]);
    if (!outcome) {
      scope.cancel(); // another event (rollback) moved the machine: the question lapses
      await asking.catch(() => undefined);
      return undefined;
    }
    if (outcome.status === 'timed_out') return { type: approval.expired, sender: 'timer' };
    const { approver, comment } = outcome.record;
    return { type: outcome.status === 'approved' ? approval.approved : approval.denied, sender: approver, data: { approver, ...(comment ? { comment } : {}) } };
  }
  if (state.timeout) {
    const moved = await condition(left, toMs(state.timeout.after)!);
    return moved ? undefined : { type: state.timeout.event, sender: 'timer' };
  }
  await condition(left);
  return undefined;
}

/** The machine as it runs: its snapshot, state history and the `send` rule. */
class MachineRun {
  readonly machine: Machine;
  private snapshot;
  private readonly history: HistoryEntry[] = [];
  /** How many times the machine has changed state: waits compare it to see whether it moved. */
  entries = 0;
  /** The transition whose action is running (its event and target): other events wait for it to finish. */
  private running?: { event: string; to: string };

  constructor(readonly definition: MachineDefinition, private readonly progress: ProgressReporter) {
    this.machine = new Machine(definition);
    this.snapshot = this.machine.start();
    this.history.push({ state: this.state, from: this.state, event: '(start)', sender: 'workflow', at: now(), taken: true });
    this.publish();
  }

  get state(): string {
    return String(this.snapshot.value);
  }
  get terminal(): boolean {
    return this.definition.states[this.state].terminal;
  }
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** The events `send` takes in `state` (default: now): its transitions, less the ones its approval gate fires. */
  acceptedEvents(state = this.state): string[] {
    if (this.definition.states[state].terminal) return [];
    const approval = this.definition.states[state].approval;
    const gateEvents = approval ? [approval.approved, approval.denied, approval.expired] : [];
    return this.machine.eventsFrom(state).filter((event) => !gateEvents.includes(event));
  }

  /** The `send` validator's rule: why this event cannot be sent now, or undefined when it can. */
  sendProblem(raw: unknown): string | undefined {
    const parsed = validate(MachineEventInput, raw);
    if (!parsed.ok) return parsed.message;
    const { event } = parsed.value;
    // While a transition's action runs, an event is judged against the state it is moving to (and waits for it).
    const state = this.running?.to ?? this.state;
    if (this.definition.states[state].terminal) return `the machine has ended in "${state}": it takes no more events`;
    const approval = this.definition.states[state].approval;
    if (approval && [approval.approved, approval.denied, approval.expired].includes(event)) {
      return `in "${state}", "${event}" comes from the approval: decide with orchestra approve ${workflowInfo().workflowId} --by <name> [--deny]`;
    }
    const accepted = this.acceptedEvents(state);
    if (!accepted.includes(event)) return `"${state}" does not take "${event}"; it takes: ${accepted.join(', ')}`;
    return undefined;
  }

  /**
   * The `send` handler: the validator has accepted the event. It waits for a running action to finish first; if that
   * action failed, the state did not move and the event may find no transition: answered and recorded as not taken.
   */
  async send(raw: MachineEventInput): Promise<SendResult> {
    while (this.running) await condition(() => !this.running);
    // Defaults only: the validator checked the shape (handlers do not parse again; replays skip validators).
    return this.take({ type: raw.event, data: raw.data ?? {} }, raw.sender?.trim() || 'anonymous');
  }

  /** Takes an event: the first transition whose guard holds, its action (an activity) first, then the new state. */
  async take(event: MachineEvent, sender: string): Promise<SendResult> {
    const from = this.state;
    const step = this.machine.take(this.snapshot, event);
    let reason = step.taken ? undefined : step.reason;
    let actionResult: unknown;
    if (step.taken) {
      const action = this.definition.transitions[step.transition].action;
      if (action) {
        this.running = { event: event.type, to: this.definition.transitions[step.transition].to };
        this.progress.update({ step: `${from} → ${this.definition.transitions[step.transition].to}: ${action.summary ?? `${action.server}.${action.tool}`}`, state: 'running' });
        try {
          actionResult = await runAction(action, `transition-${this.history.length}-${event.type}`);
        } catch (err) {
          const failure = describeFailure(err);
          reason = `action ${action.server}.${action.tool} failed (${failure.type}): ${failure.message}`;
        } finally {
          this.running = undefined;
        }
      }
      if (reason === undefined) {
        this.snapshot = step.next;
        this.entries += 1;
      }
    }
    const taken = reason === undefined;
    this.history.push({
      state: this.state, from, event: event.type, sender, at: now(), taken,
      ...(reason ? { reason } : {}), ...(actionResult === undefined ? {} : { actionResult }),
    });
    this.publish(taken ? undefined : `${event.type} not taken in ${from}: ${reason}`);
    return { taken, event: event.type, from, state: this.state, ...(reason ? { reason } : {}), acceptedEvents: this.acceptedEvents() };
  }

  view(): MachineState {
    return {
      machine: this.definition.name, state: this.state, terminal: this.terminal, acceptedEvents: this.acceptedEvents(),
      context: this.snapshot.context as Record<string, unknown>, history: [...this.history],
    };
  }

  private publish(note?: string): void {
    const last = this.history.at(-1)!;
    const step = note ?? (last.event === '(start)' ? `in ${this.state}` : `in ${this.state} (${last.event} from ${last.sender})`);
    const accepted = this.acceptedEvents();
    this.progress.update({
      step,
      state: this.terminal ? 'completed' : 'waiting',
      ...(this.terminal ? { outcome: this.state } : {}),
      details: {
        state: this.state, acceptedEvents: accepted, pendingApproval: undefined,
        ...(this.terminal ? {} : { sendWith: `orchestra send ${workflowInfo().workflowId} <${accepted.join('|') || 'event'}> [--data <json>]` }),
      },
    });
  }
}

/** A transition's action: its MCP tool call as an activity, keyed to this transition of this run chain. */
async function runAction(action: Action, step: string): Promise<unknown> {
  const workflowId = workflowInfo().workflowId;
  const args = JSON.parse(JSON.stringify(action.args).replaceAll('${workflowId}', workflowId.replace(/["\\]/g, ''))) as Record<string, unknown>;
  return callTool({ server: action.server, tool: action.tool, args, idempotencyKey: stepKey(step) }, { ...(action.summary ? { summary: action.summary } : {}) });
}

function now(): string {
  return new Date(Date.now()).toISOString();
}
