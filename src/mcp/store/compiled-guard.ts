/**
 * The analytics allowlist, enforced on what SQLite itself compiled for the statement (the first line of defence; the
 * tokenizer in sql-guard.ts is only a second line).
 *
 * SQLite accepts a 'string' where a table name is expected, expands views, resolves table-valued functions and CTEs:
 * the text of a query does not reliably say what it reads. Its bytecode does. better-sqlite3 has no authorizer hook,
 * so the statement is compiled once more as `EXPLAIN <sql>` on the very connection that will run it, and its program
 * is checked:
 *   - every b-tree it opens (OpenRead / ReopenIdx / OpenWrite, by root page) must be an allowlisted table, or an index
 *     on one, in the `main` database (any other database index: temp, attached, is refused);
 *   - no virtual table at all (VOpen, VFilter, …): table-valued functions (pragma_*, json_each, generate_series),
 *     dbstat and FTS tables all compile to these;
 *   - every function it calls (Function, PureFunc, AggStep, AggValue, …, named in p4) must be on FUNCTION_ALLOWLIST;
 *   - no recursive common table expression (EXPLAIN QUERY PLAN names its `RECURSIVE STEP`), whatever it is called.
 * Views need no entry of their own here: their bytecode opens the tables they read, which must be allowlisted too.
 * Anything this check cannot parse is refused (fail closed).
 */
import type Database from 'better-sqlite3';
import { StoreFailure } from './errors.js';

/** Built-in SQL functions an analytics query may call (scalar, aggregate, window, date, math and JSON scalars). */
export const FUNCTION_ALLOWLIST: ReadonlySet<string> = new Set([
  // scalar
  'abs', 'char', 'coalesce', 'concat', 'concat_ws', 'format', 'printf', 'glob', 'hex', 'ifnull', 'iif', 'if', 'instr',
  'length', 'like', 'likelihood', 'likely', 'unlikely', 'lower', 'upper', 'ltrim', 'rtrim', 'trim', 'max', 'min',
  'nullif', 'octet_length', 'quote', 'replace', 'round', 'sign', 'substr', 'substring', 'typeof', 'unhex', 'unicode',
  'random', 'soundex', 'unistr', 'unistr_quote',
  // aggregate
  'avg', 'count', 'group_concat', 'string_agg', 'sum', 'total', 'median', 'percentile', 'percentile_cont', 'percentile_disc',
  // window
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value',
  'nth_value',
  // date and time
  'date', 'time', 'datetime', 'julianday', 'unixepoch', 'strftime', 'timediff',
  // math
  'acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'ceil', 'ceiling', 'cos', 'cosh', 'degrees', 'exp',
  'floor', 'ln', 'log', 'log10', 'log2', 'mod', 'pi', 'pow', 'power', 'radians', 'sin', 'sinh', 'sqrt', 'tan', 'tanh',
  'trunc',
  // JSON scalars and aggregates (json_each / json_tree are table-valued: refused as virtual tables)
  'json', 'jsonb', 'json_array', 'jsonb_array', 'json_array_length', 'json_error_position', 'json_extract',
  'jsonb_extract', 'json_insert', 'jsonb_insert', 'json_object', 'jsonb_object', 'json_patch', 'jsonb_patch',
  'json_pretty', 'json_quote', 'json_remove', 'jsonb_remove', 'json_replace', 'jsonb_replace', 'json_set', 'jsonb_set',
  'json_type', 'json_valid', 'json_group_array', 'jsonb_group_array', 'json_group_object', 'jsonb_group_object',
]);

/** Opcodes that open a b-tree: p2 is its root page, p3 the database index (0 = main). */
const BTREE_OPENS = new Set(['OpenRead', 'OpenWrite', 'ReopenIdx']);
/** Opcodes that only exist for virtual tables. */
const VIRTUAL_TABLE_OPS = new Set(['VOpen', 'VFilter', 'VColumn', 'VNext', 'VUpdate', 'VBegin', 'VCreate', 'VDestroy',
  'VRename', 'VCheck', 'VInitIn']);
/** Opcodes that call a function named in p4 as `name(argc)`. */
const FUNCTION_CALLS = /^(Function|PureFunc|AggStep|AggStep1|AggInverse|AggValue|AggFinal)\d*$/;

interface Instruction { opcode: string; p1: number; p2: number; p3: number; p4: string | null; p5: number }

/** OPFLAG_P2ISREG: p2 of an Open* names a register holding the root page, not the page itself (refused: unknowable here). */
const P2_IS_REGISTER = 0x10;

const reject = (message: string): never => {
  throw new StoreFailure('QueryRejected', message);
};

/** Root pages of the allowlisted tables and their indexes in `main`, read from the connection's own schema. */
export function allowedRootPages(db: Database.Database, allowlist: ReadonlySet<string>): Map<number, string> {
  const rows = db.prepare(`SELECT type, name, tbl_name, rootpage FROM main.sqlite_schema WHERE rootpage > 0`).all() as
    { type: string; name: string; tbl_name: string; rootpage: number }[];
  const pages = new Map<number, string>();
  for (const row of rows) {
    if ((row.type === 'table' || row.type === 'index') && allowlist.has(row.tbl_name.toLowerCase())) pages.set(row.rootpage, row.tbl_name);
  }
  return pages;
}

/**
 * Throws QueryRejected unless the compiled statement reads only allowlisted tables (directly or through views),
 * calls only allowlisted functions, uses no virtual table and no recursive CTE.
 */
export function checkCompiledQuery(db: Database.Database, sql: string, params: readonly unknown[], allowedPages: ReadonlyMap<number, string>): void {
  const program = db.prepare(`EXPLAIN ${sql}`).all(...params) as Instruction[];
  for (const op of program) {
    if (BTREE_OPENS.has(op.opcode)) {
      if (op.opcode === 'OpenWrite') reject('the statement would write to the database');
      if (op.p3 !== 0) reject('only the main database is queryable');
      if (op.p5 & P2_IS_REGISTER) reject('the query opens a table chosen at run time');
      if (!allowedPages.has(op.p2)) reject('the query reads a table outside the allowlist');
    } else if (VIRTUAL_TABLE_OPS.has(op.opcode)) {
      reject('table-valued functions and virtual tables are not queryable');
    } else if (FUNCTION_CALLS.test(op.opcode)) {
      const name = /^([^()]+)\(-?\d+\)$/.exec(op.p4 ?? '')?.[1]?.toLowerCase();
      if (!name || !FUNCTION_ALLOWLIST.has(name)) reject(`function ${name ?? op.p4 ?? '?'}() is not allowed in analytics queries`);
    }
  }
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  if (plan.some((step) => /^RECURSIVE STEP\b/.test(step.detail))) reject('recursive common table expressions are not allowed');
}
