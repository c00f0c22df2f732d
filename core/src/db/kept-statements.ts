import { Sqlite3Client } from '@libsql/client/sqlite3';
import type { Client, InArgs, InStatement, TransactionMode } from '@libsql/client';
import Database from 'libsql';
import { LRUCache } from 'lru-cache';
import { readKept } from './kept-reads.js';

/**
 * Distinct statements one connection keeps prepared, the least recently used going first: a
 * page or query runs a few dozen shapes, and a kept statement holds about 8 KB.
 */
export const KEPT_STATEMENTS = 128;

/** Reads and writes of rows are kept; schema changes, pragmas and transaction control are not. */
const ROW_STATEMENT = /^\s*(?:select|insert|update|delete|replace|with)\b/i;

/**
 * `select *`, `t.*`, `returning *`: SQLite re-prepares a kept statement after a schema change,
 * but the columns it names stay those of the first preparation, so a star statement could read a
 * changed table under the old column names. Such statements are prepared for each call as before
 * (drizzle names its columns; the app's own SQL uses no star either).
 */
const EXPANDS_STAR = /(?:\bselect\s+(?:distinct\s+|all\s+)?|\breturning\s+|\.)\*/i;

type Statement = ReturnType<Database.Database['prepare']>;

/**
 * Opens an embedded database file as a libsql client whose connection keeps its prepared
 * statements. @libsql/client's file client prepares every statement again on each execute,
 * which profiles of page and API requests put at 6–8 % of the server's CPU; here each distinct
 * SQL text is prepared once per connection (SQLite re-prepares a kept statement by itself after a
 * schema change; `ROW_STATEMENT` and `EXPANDS_STAR` say which statements are kept).
 *
 * The client is @libsql/client's own, built over a connection opened here (its constructor is
 * marked private: the tests of this folder run every statement through it). A transaction takes
 * a connection of its own, as the library's does, so this one and its statements stay.
 */
export function openKeptStatementsClient(file: string, timeoutMs: number): Client {
  const client = connect(file, timeoutMs);
  // The library hands its connection to a transaction and opens an unkept one for what follows.
  client.transaction = async (mode?: TransactionMode) => {
    const own = connect(file, timeoutMs);
    try {
      return await own.transaction(mode);
    } finally {
      own.close(); // its connection now belongs to the transaction, which closes it at the end
    }
  };
  return client;
}

function connect(file: string, timeoutMs: number): Sqlite3Client {
  const options = { timeout: timeoutMs };
  const db = new Database(file, options);
  const kept = keepPrepared(db);
  const client = new Sqlite3Client(file, options, db, 'number');
  // A SELECT is answered from its kept statement with cheaper rows (kept-reads.ts); all else as before.
  const execute = client.execute.bind(client);
  const keptOpen = (sql: string) => (db.open ? kept(sql) : undefined);
  client.execute = ((stmt: InStatement | string, args?: InArgs) => {
    let answer;
    try {
      answer = client.closed ? undefined : readKept(keptOpen, stmt, args);
    } catch (err) {
      return Promise.reject(err);
    }
    return answer ? Promise.resolve(answer) : execute(stmt as never, args as never);
  }) as Client['execute'];
  return client;
}

/**
 * Makes `db.prepare` answer a kept statement for SQL it prepared before. A kept statement that
 * threw is forgotten (left to the garbage collector, as every statement was before), so one left
 * mid-step by an error never holds a read snapshot or blocks a COMMIT on this connection; and it
 * names its columns once. Answers the lookup of kept statements: undefined for SQL not kept.
 */
function keepPrepared(db: Database.Database): (sql: string) => Statement | undefined {
  const prepare = db.prepare.bind(db);
  const kept = new LRUCache<string, Statement>({ max: KEPT_STATEMENTS });
  const asKept = (sql: string, statement: Statement) => {
    for (const method of ['all', 'run', 'get'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => never;
      statement[method] = ((...args: unknown[]) => {
        try {
          return original(...args);
        } catch (err) {
          kept.delete(sql);
          throw err;
        }
      }) as never;
    }
    // Its result columns cannot change while it is kept (no star: see EXPANDS_STAR), and the client
    // asks for them twice on every execute, each time building them anew in native code.
    const columns = statement.columns.bind(statement);
    let named: ReturnType<Statement['columns']> | undefined;
    statement.columns = () => (named ??= columns());
    return statement;
  };
  const keptStatement = (sql: string) => {
    if (!ROW_STATEMENT.test(sql) || EXPANDS_STAR.test(sql)) return undefined;
    let statement = kept.get(sql);
    if (statement === undefined) kept.set(sql, (statement = asKept(sql, prepare(sql))));
    return statement;
  };
  db.prepare = ((sql: string) => keptStatement(sql) ?? prepare(sql)) as Database.Database['prepare'];
  return keptStatement;
}
