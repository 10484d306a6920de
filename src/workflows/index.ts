// Every workflow the worker registers. Only deterministic code may be reachable from here.
export { reminder } from './reminder.js';
