/**
 * Child process for analytics queries (see query.ts): opens the store read-only and answers one query per message.
 * Started by ChildProcessQueryRunner with the database path as its only argument; exits when its parent goes away.
 */
import Database from 'better-sqlite3';
import { toErrorBody } from './errors.js';
import { executeReadOnly, type RunnerReady, type RunnerRequest, type RunnerResponse } from './query.js';

const dbPath = process.argv[2];
if (!dbPath || !process.send) {
  process.stderr.write('query-runner: start me with fork(<this file>, [<database path>])\n');
  process.exit(2);
}

let db: Database.Database | undefined;
function connection(): Database.Database {
  if (!db) {
    db = new Database(dbPath, { readonly: true, fileMustExist: true, timeout: 5_000 });
    db.pragma('query_only = ON');
  }
  return db;
}

process.on('message', (request: RunnerRequest) => {
  let response: RunnerResponse;
  try {
    response = { id: request.id, ok: true, result: executeReadOnly(connection(), request.sql, request.params, request.maxRows) };
  } catch (error) {
    response = { id: request.id, ok: false, error: toErrorBody(error) };
  }
  process.send?.(response);
});

connection();
process.send({ ready: true } satisfies RunnerReady);

process.on('disconnect', () => {
  db?.close();
  process.exit(0);
});
