import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

/** Rows per delete statement: each is a short write, so a large backlog never holds the write lock for long. */
export const DELETE_CHUNK = 1_000;

/**
 * Runs `step` (a delete of at most `limit` rows) until a step deletes fewer than a chunk;
 * returns the rows deleted in all. Each step is its own statement (or transaction), so pruning a
 * large table lets other writers in between chunks.
 */
export async function deleteInChunks(step: (limit: number) => Promise<{ rowsAffected: number }>, chunk = DELETE_CHUNK): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowsAffected } = await step(chunk);
    total += rowsAffected;
    if (rowsAffected < chunk) return total;
  }
}

/**
 * One step for `deleteInChunks`: deletes at most `limit` rows of `table` matching `where`
 * (SQLite's DELETE takes no LIMIT unless built with it, so the rows are picked by rowid).
 */
export const deleteSome = (table: SQLiteTable, where: SQL) => (limit: number): SQL =>
  sql`delete from ${table} where rowid in (select rowid from ${table} where ${where} limit ${limit})`;
