/**
 * The seed's deployment pipeline (seed 004 Pattern 2) as a machine definition: the `stateMachine` catalog example and
 * demo run. build → test → awaiting approval (the approval gate; unanswered for 24 h → rolled back) → deploy → verify →
 * live; a failed build or failed tests end as failed; a failed verification, a deploy that does not report within
 * 30 minutes, or `rollback` from any state rolls back. Tests must pass with coverage ≥ 80 (a guard). Deploying and
 * rolling back record an event in the store's event log (actions: MCP tool calls).
 */
import type { Action, MachineDefinitionInput } from './definition.js';

/** An action that records a deployment event in the store's event log (the aggregate is the run). */
function recordDeployment(type: string, payload: Record<string, unknown>, summary: string): Action {
  return { server: 'store', tool: 'append_event', args: { aggregate_id: 'deployment:${workflowId}', type, payload }, summary };
}

export const deploymentPipeline = {
  name: 'deployment-pipeline',
  description: 'Build, test, approve, deploy and verify a release; roll back on failure.',
  initial: 'idle',
  states: {
    idle: { description: 'waiting for start' },
    building: {},
    testing: {},
    awaiting_approval: {
      approval: { subject: 'deploy the release to production', timeout: '24 hours', approved: 'approved', denied: 'denied', expired: 'approval_expired' },
    },
    deploying: { timeout: { after: '30 minutes', event: 'deploy_timed_out' } },
    verifying: {},
    live: { terminal: true, description: 'deployed and verified' },
    failed: { terminal: true, description: 'the build or the tests failed; nothing was deployed' },
    cancelled: { terminal: true, description: 'the deployment was denied' },
    rolled_back: { terminal: true },
  },
  transitions: [
    { from: ['idle'], to: 'building', event: 'start' },
    { from: ['building'], to: 'testing', event: 'build_complete' },
    { from: ['building'], to: 'failed', event: 'build_failed' },
    { from: ['testing'], to: 'awaiting_approval', event: 'tests_passed', guard: [{ path: 'data.coverage', op: 'gte', value: 80 }] },
    { from: ['testing'], to: 'failed', event: 'tests_failed' },
    {
      from: ['awaiting_approval'], to: 'deploying', event: 'approved',
      action: recordDeployment('DeploymentStarted', { environment: 'production' }, 'record the deployment start'),
    },
    { from: ['awaiting_approval'], to: 'cancelled', event: 'denied' },
    { from: ['awaiting_approval'], to: 'rolled_back', event: 'approval_expired' },
    { from: ['deploying'], to: 'verifying', event: 'deployed' },
    { from: ['verifying'], to: 'live', event: 'verified' },
    {
      from: ['verifying'], to: 'rolled_back', event: 'verify_failed',
      action: recordDeployment('RolledBack', { reason: 'verification failed' }, 'record the rollback'),
    },
    { from: ['deploying'], to: 'rolled_back', event: 'deploy_timed_out' },
    {
      from: '*', to: 'rolled_back', event: 'rollback',
      action: recordDeployment('RolledBack', { reason: 'rollback requested' }, 'record the rollback'),
    },
  ],
} satisfies MachineDefinitionInput;
