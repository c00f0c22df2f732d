import { and, count, eq, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { inJsonArray, perDatabase } from '../db/prepared.js';
import { tableRows } from '../db/table-rows.js';
import type { TenantDrizzle, TenantTx } from '../db/tenant-db.js';
import { notFound } from '../lib/errors.js';
import { keysetPage, type Connection, type Keyset, type PageArgs } from './pagination.js';

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

/** Each prepared on first use: a write transaction's database handle is new every time. */
type ByIdsStatements = { many?: ReturnType<typeof prepareByIds>; one?: ReturnType<typeof prepareById> };
const byIdsStatements = perDatabase((_db: Reader) => new Map<SQLiteTable, ByIdsStatements>());
const prepareByIds = (db: Reader, table: TableWithId) => db.select().from(table as SQLiteTable).where(inJsonArray(table.id, 'ids')).prepare();
const prepareById = (db: Reader, table: TableWithId) => db.select().from(table as SQLiteTable).where(eq(table.id, sql.placeholder('id'))).prepare();
function statementsFor(db: Reader, table: TableWithId): ByIdsStatements {
  const statements = byIdsStatements(db);
  let statement = statements.get(table);
  if (!statement) statements.set(table, (statement = {}));
  return statement;
}

/** Rows for many ids at once (for DataLoader), keyed by id. */
export async function rowsByIds<T extends TableWithId>(
  db: Reader,
  table: T,
  ids: readonly string[],
): Promise<Map<string, T['$inferSelect']>> {
  if (ids.length === 0) return new Map();
  const statements = statementsFor(db, table);
  // A single id (a `node` or `customer` lookup, the commonest batch) skips the JSON array.
  const values = ids.length === 1
    ? await (statements.one ??= prepareById(db, table)).values({ id: ids[0] })
    : await (statements.many ??= prepareByIds(db, table)).values({ ids: JSON.stringify(ids) });
  return new Map(tableRows(table, values).map((r) => [(r as { id: string }).id, r]));
}

/**
 * `column LIKE …` matching the user's text literally. Stripping % and _ (as before) turned a
 * search for "%" into an empty pattern that matched every row; escaping keeps them literal.
 */
export function likeText(column: AnySQLiteColumn, text: string, match: 'prefix' | 'contains'): SQL {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`${column} like ${match === 'prefix' ? `${escaped}%` : `%${escaped}%`} escape '\\'`;
}

/** How many of `table`'s rows match `where`: one COUNT over the same index range a page reads. */
export async function countRows(db: Reader, table: SQLiteTable, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return row?.n ?? 0;
}

/**
 * A page of `table`'s rows matching every `filter` condition, in `keyset` order, either way
 * (first/after or last/before), with its totalCount counted under the same filter.
 */
export function pageOfRows<T extends TableWithId>(
  db: Reader,
  table: T,
  filter: (SQL | undefined)[],
  keyset: Keyset<T['$inferSelect']>,
  args: PageArgs,
): Promise<Connection<T['$inferSelect']>> {
  type Row = T['$inferSelect'] & { id: string };
  const where = and(...filter);
  return keysetPage<Row>(
    args,
    keyset,
    // drizzle cannot infer a select over a generic table; the result type is restored here
    async ({ cursor, orderBy, limit }) =>
      tableRows(table, await db.select().from(table as SQLiteTable).where(and(where, ...cursor)).orderBy(...orderBy).limit(limit).values()) as Row[],
    () => countRows(db, table, where),
  );
}
