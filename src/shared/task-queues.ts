/** Every task queue Orchestra uses, named in one place. Workers poll these; clients start workflows on them. */
export { CAPABILITIES, capabilityQueue, isCapability, type Capability } from './capabilities.js';

/** The base queue: workflow tasks; capability queues are named after it (see ./capabilities.ts). */
export const TASK_QUEUE = process.env.ORCHESTRA_TASK_QUEUE ?? 'orchestra';
