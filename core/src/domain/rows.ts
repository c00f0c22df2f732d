import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { TenantDrizzle, TenantTx } from '../db/tenant-db.js';
import { notFound } from '../lib/errors.js';

type Reader = TenantDrizzle | TenantTx;
type TableWithId = SQLiteTable & { id: AnySQLiteColumn };

/** The row with this id, or NOT_FOUND naming `what`. */
export async function requireRow<T extends TableWithId>(
  db: Reader,
  table: T,
  id: string,
  what: string,
): Promise<T['$inferSelect']> {
  // drizzle cannot infer a select over a generic table; the result type is restored below
  const rows = await db.select().from(table as SQLiteTable).where(eq(table.id, id)).limit(1);
  const row = rows[0] as T['$inferSelect'] | undefined;
  if (!row) throw notFound(what);
  return row;
}

/** Rows for many ids at once (for DataLoader), keyed by id. */
export async function rowsByIds<T extends TableWithId>(
  db: Reader,
  table: T,
  ids: readonly string[],
): Promise<Map<string, T['$inferSelect']>> {
  if (ids.length === 0) return new Map();
  const rows = (await db.select().from(table as SQLiteTable).where(inArray(table.id, [...ids]))) as T['$inferSelect'][];
  return new Map(rows.map((r) => [(r as { id: string }).id, r]));
}

/**
 * `column LIKE …` matching the user's text literally. Stripping % and _ (as before) turned a
 * search for "%" into an empty pattern that matched every row; escaping keeps them literal.
 */
export function likeText(column: AnySQLiteColumn, text: string, match: 'prefix' | 'contains'): SQL {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`${column} like ${match === 'prefix' ? `${escaped}%` : `%${escaped}%`} escape '\\'`;
}
