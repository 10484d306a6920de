/**
 * A definition drawn as a Mermaid flowchart (`orchestra graph FILE`): one node per step (its id and what it does),
 * an arrow per dependency, labelled arrows from a switch to the steps it routes to, and subgraphs for what a step holds
 * (parallel branches, a loop's body, a map's step). Dotted arrows lead to fallbacks (catch) and undos (compensate).
 */
import { actionOf, type Definition, type Step } from './definition.js';
import { conditionExpression } from './expressions.js';
import type { Scope } from './dag.js';

export function toMermaid(definition: Definition): string {
  const lines = ['flowchart TD', `  %% ${definition.name} v${definition.version}`];
  drawScope(definition.steps, '', lines, '  ');
  if (definition.onFailure) {
    lines.push(`  onFailure${node('onFailure', definition.onFailure, true)}`);
  }
  return `${lines.join('\n')}\n`;
}

function drawScope(scope: Scope, prefix: string, lines: string[], indent: string): void {
  for (const [id, step] of Object.entries(scope)) {
    const nodeId = `${prefix}${id}`;
    drawStep(nodeId, id, step, lines, indent);
    for (const dep of step.dependsOn ?? []) lines.push(`${indent}${prefix}${dep} --> ${nodeId}`);
    if (step.switch) {
      for (const c of step.switch.cases) lines.push(`${indent}${nodeId} -- "${label(conditionExpression(c.when))}" --> ${prefix}${c.then}`);
      if (step.switch.default) lines.push(`${indent}${nodeId} -- "otherwise" --> ${prefix}${step.switch.default}`);
    }
  }
}

function drawStep(nodeId: string, id: string, step: Step, lines: string[], indent: string): void {
  const inner = step.parallel?.branches ?? step.loop?.steps ?? (step.map ? { each: step.map.step } : undefined);
  if (inner) {
    const title = step.parallel ? `${id}: parallel, join ${joinText(step.parallel.join)}`
      : step.loop ? `${id}: loop until ${conditionExpression(step.loop.until)} (≤ ${step.loop.maxIterations})`
        : `${id}: map over ${step.map!.items}`;
    lines.push(`${indent}subgraph ${nodeId}["${label(title)}"]`);
    drawScope(inner, `${nodeId}__`, lines, `${indent}  `);
    lines.push(`${indent}end`);
  } else {
    lines.push(`${indent}${nodeId}${node(id, step)}`);
  }
  if (step.catch) {
    lines.push(`${indent}${nodeId}__catch${node(`${id} catch`, step.catch, true)}`, `${indent}${nodeId} -. on failure .-> ${nodeId}__catch`);
  }
  if (step.compensate) {
    lines.push(`${indent}${nodeId}__undo${node(`undo ${id}`, step.compensate, true)}`, `${indent}${nodeId} -. undo .-> ${nodeId}__undo`);
  }
}

function node(id: string, step: Step, side = false): string {
  const text = label(`${id}${step.if ? ` (if ${conditionExpression(step.if)})` : ''}<br/>${what(step)}`);
  const action = actionOf(step);
  if (side) return `(["${text}"])`;
  if (action === 'switch') return `{"${text}"}`;
  if (action === 'wait' || action === 'approval') return `[/"${text}"/]`;
  if (action === 'fail') return `[["${text}"]]`;
  return `["${text}"]`;
}

function what(step: Step): string {
  switch (actionOf(step)) {
    case 'call': return `call ${step.call}`;
    case 'set': return 'set';
    case 'fail': return `fail ${step.fail!.type}`;
    case 'switch': return 'switch';
    case 'wait': return `wait ${typeof step.wait === 'object' ? ('for' in step.wait ? step.wait.for : `until ${step.wait.until}`) : step.wait}`;
    case 'approval': return `approval: ${step.approval!.subject}`;
    case 'workflow': return `workflow ${'definition' in step.workflow! ? step.workflow.definition : step.workflow!.type}`;
    default: return actionOf(step);
  }
}

function joinText(join: NonNullable<Step['parallel']>['join']): string {
  if (typeof join === 'string') return join;
  return 'quorum' in join ? `${join.quorum} of n` : `≤ ${join.toleratedFailurePercentage}% failed`;
}

/** Mermaid labels are quoted: quotes become #quot; and text stays one line. */
function label(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/\s+/g, ' ').trim();
}
