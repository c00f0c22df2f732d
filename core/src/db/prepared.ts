import { sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

/**
 * Statements built once per database handle, on first use. drizzle builds a query's SQL anew on
 * every call, which for the reads every request makes (an IN list of 50 ids) cost more CPU than
 * running them; a prepared query keeps its SQL and takes only the values. Keyed weakly, so a
 * closed database (or a finished transaction) takes its statements with it.
 */
export function perDatabase<D extends object, S>(build: (db: D) => S): (db: D) => S {
  const built = new WeakMap<D, S>();
  return (db) => {
    let statements = built.get(db);
    if (statements === undefined) built.set(db, (statements = build(db)));
    return statements;
  };
}

/**
 * `column IN (the JSON array bound to placeholder name)`: one statement serves any number of
 * values, where an IN list would need one per count. Bind the array with `JSON.stringify`.
 */
export const inJsonArray = (column: AnySQLiteColumn, name: string): SQL =>
  sql`${column} in (select value from json_each(${sql.placeholder(name)}))`;
