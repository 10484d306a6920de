/** Every task queue Orchestra uses, named in one place. Workers poll these; clients start workflows on them. */
export const TASK_QUEUE = process.env.ORCHESTRA_TASK_QUEUE ?? 'orchestra';
