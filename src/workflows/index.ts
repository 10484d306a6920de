// Every workflow the worker registers. Only deterministic code may be reachable from here.
//
// Each workflow's module is imported when a run of that type starts, not with this file: the SDK's reusable V8
// context gives every workflow a fresh module cache, so everything this file imports statically is evaluated again in
// every workflow's first task. Importing all the patterns (and their zod schemas) up front made that first task several
// times the SDK's own (bench: see BENCHMARKS.md, "Per-task costs"); a run now evaluates its own pattern's modules only.
// `webpackMode: "eager"` keeps each module in the one bundle (no chunk to load); the types are the workflows' own.
export const callTools: typeof import('./call-tools.js').callTools = async (...args) => (await import(/* webpackMode: "eager" */ './call-tools.js')).callTools(...args);
export const accessRequest: typeof import('./access-request.js').accessRequest = async (...args) => (await import(/* webpackMode: "eager" */ './access-request.js')).accessRequest(...args);
export const orderSaga: typeof import('./order-saga.js').orderSaga = async (...args) => (await import(/* webpackMode: "eager" */ './order-saga.js')).orderSaga(...args);
export const parallelAggregate: typeof import('./parallel-aggregate.js').parallelAggregate = async (...args) => (await import(/* webpackMode: "eager" */ './parallel-aggregate.js')).parallelAggregate(...args);
export const parallelAggregatePartition: typeof import('./parallel-aggregate.js').parallelAggregatePartition = async (...args) => (await import(/* webpackMode: "eager" */ './parallel-aggregate.js')).parallelAggregatePartition(...args);
export const reminder: typeof import('./reminder.js').reminder = async (...args) => (await import(/* webpackMode: "eager" */ './reminder.js')).reminder(...args);
export const refineUntilQuality: typeof import('./refine-until-quality.js').refineUntilQuality = async (...args) => (await import(/* webpackMode: "eager" */ './refine-until-quality.js')).refineUntilQuality(...args);
export const blogDraft: typeof import('./blog-draft.js').blogDraft = async (...args) => (await import(/* webpackMode: "eager" */ './blog-draft.js')).blogDraft(...args);
export const newsDigest: typeof import('./news-digest.js').newsDigest = async (...args) => (await import(/* webpackMode: "eager" */ './news-digest.js')).newsDigest(...args);
export const routeRequest: typeof import('./route-request.js').routeRequest = async (...args) => (await import(/* webpackMode: "eager" */ './route-request.js')).routeRequest(...args);
export const definitionRun: typeof import('./definition-run.js').definitionRun = async (...args) => (await import(/* webpackMode: "eager" */ './definition-run.js')).definitionRun(...args);
export const definitionLoop: typeof import('./definition-loop.js').definitionLoop = async (...args) => (await import(/* webpackMode: "eager" */ './definition-loop.js')).definitionLoop(...args);
export const definitionMap: typeof import('./definition-map.js').definitionMap = async (...args) => (await import(/* webpackMode: "eager" */ './definition-map.js')).definitionMap(...args);
export const stateMachine: typeof import('./state-machine.js').stateMachine = async (...args) => (await import(/* webpackMode: "eager" */ './state-machine.js')).stateMachine(...args);
export const orderLifecycle: typeof import('./order-lifecycle.js').orderLifecycle = async (...args) => (await import(/* webpackMode: "eager" */ './order-lifecycle.js')).orderLifecycle(...args);
export const orderChoreography: typeof import('./order-choreography.js').orderChoreography = async (...args) => (await import(/* webpackMode: "eager" */ './order-choreography.js')).orderChoreography(...args);
export const paymentService: typeof import('./order-choreography.js').paymentService = async (...args) => (await import(/* webpackMode: "eager" */ './order-choreography.js')).paymentService(...args);
export const inventoryService: typeof import('./order-choreography.js').inventoryService = async (...args) => (await import(/* webpackMode: "eager" */ './order-choreography.js')).inventoryService(...args);
export const shippingService: typeof import('./order-choreography.js').shippingService = async (...args) => (await import(/* webpackMode: "eager" */ './order-choreography.js')).shippingService(...args);
export const reactOrchestrator: typeof import('./react-orchestrator.js').reactOrchestrator = async (...args) => (await import(/* webpackMode: "eager" */ './react-orchestrator.js')).reactOrchestrator(...args);
export const agentTeam: typeof import('./agent-team.js').agentTeam = async (...args) => (await import(/* webpackMode: "eager" */ './agent-team.js')).agentTeam(...args);
export const dataAgent: typeof import('./data-agent.js').dataAgent = async (...args) => (await import(/* webpackMode: "eager" */ './data-agent.js')).dataAgent(...args);
export const resourcePool: typeof import('./resource-pool.js').resourcePool = async (...args) => (await import(/* webpackMode: "eager" */ './resource-pool.js')).resourcePool(...args);
export const syncBranches: typeof import('./sync-branches.js').syncBranches = async (...args) => (await import(/* webpackMode: "eager" */ './sync-branches.js')).syncBranches(...args);
export const syncBranch: typeof import('./sync-branch.js').syncBranch = async (...args) => (await import(/* webpackMode: "eager" */ './sync-branch.js')).syncBranch(...args);
export const redrive: typeof import('./redrive.js').redrive = async (...args) => (await import(/* webpackMode: "eager" */ './redrive.js')).redrive(...args);
