import { getTableColumns } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';

interface ColumnRead {
  /** The property drizzle gives the value (the column's key in the table definition). */
  key: string;
  column: SQLiteColumn;
}

const readsByTable = new WeakMap<SQLiteTable, readonly ColumnRead[]>();

function readsOf(table: SQLiteTable): readonly ColumnRead[] {
  let reads = readsByTable.get(table);
  if (!reads) {
    // The order drizzle's select() writes the columns in, and reads them back by.
    reads = Object.entries(getTableColumns(table)).map(([key, column]) => ({ key, column: column as SQLiteColumn }));
    readsByTable.set(table, reads);
  }
  return reads;
}

/**
 * The rows of a whole-table select (`db.select().from(table)`), read with `.values()`, as
 * drizzle's own `.all()` returns them: each value taken by its column's position and decoded by
 * its column (dates, booleans, JSON), null kept as null, a blob as a Buffer. drizzle maps each
 * row generically (copying it to an array, walking each field's path, checking each field's
 * kind), which for a page of 50 orders cost more than reading it; here each table's columns are
 * listed once and each row is one loop over them.
 */
export function tableRows<T extends SQLiteTable>(table: T, rows: readonly unknown[]): T['$inferSelect'][] {
  const reads = readsOf(table);
  return rows.map((row) => {
    const values = row as ArrayLike<unknown>;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < reads.length; i++) {
      const { key, column } = reads[i]!;
      const value = values[i];
      out[key] = value === null ? null : column.mapFromDriverValue(value instanceof ArrayBuffer ? Buffer.from(value) : value);
    }
    return out as T['$inferSelect'];
  });
}
