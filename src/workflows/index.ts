// Every workflow the worker registers. Only deterministic code may be reachable from here.
export { callTools } from './call-tools.js';
export { accessRequest } from './access-request.js';
export { orderSaga } from './order-saga.js';
export { parallelAggregate, parallelAggregatePartition } from './parallel-aggregate.js';
export { reminder } from './reminder.js';
export { refineUntilQuality } from './refine-until-quality.js';
export { blogDraft } from './blog-draft.js';
export { newsDigest } from './news-digest.js';
export { routeRequest } from './route-request.js';
export { definitionRun } from './definition-run.js';
export { definitionLoop } from './definition-loop.js';
export { definitionMap } from './definition-map.js';
export { redrive } from './redrive.js';
