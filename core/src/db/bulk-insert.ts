import type { InArgs, Transaction } from '@libsql/client';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { TenantTx } from './tenant-db.js';

/**
 * The libsql transaction under a drizzle transaction. drizzle spends longer building a
 * 500-row INSERT (one SQL chunk per value) than SQLite takes to run it, so bulk writes hand
 * prepared text and arguments to the same transaction here; everything stays in one commit.
 */
export function libsqlTransaction(tx: TenantTx): Transaction {
  // drizzle's libsql session keeps the transaction it opened as `tx` (drizzle-orm 0.45).
  const raw = (tx as unknown as { session?: { tx?: Transaction } }).session?.tx;
  if (!raw) throw new Error('the drizzle transaction does not expose its libsql transaction (drizzle-orm changed); see db/bulk-insert.ts');
  return raw;
}

interface InsertShape {
  sql: string;
  keys: string[];
  columns: SQLiteColumn[];
}

const shapes = new WeakMap<SQLiteTable, InsertShape>();

function shapeOf(table: SQLiteTable): InsertShape {
  let shape = shapes.get(table);
  if (!shape) {
    const entries = Object.entries(getTableColumns(table)) as [string, SQLiteColumn][];
    const names = entries.map(([, c]) => `"${c.name}"`).join(', ');
    shape = { sql: `insert into "${getTableName(table)}" (${names}) values `, keys: entries.map(([k]) => k), columns: entries.map(([, c]) => c) };
    shapes.set(table, shape);
  }
  return shape;
}

/** SQLite binds at most 32 766 parameters per statement; stay well below. */
const MAX_PARAMETERS = 16_000;

/**
 * Inserts `rows` (objects keyed like the drizzle table, every column given or null) with
 * multi-row INSERT statements on the transaction of `tx`: values are converted by each column's
 * own driver mapping (dates to milliseconds, JSON to text), as drizzle would store them, and a
 * column left out gets its schema default (or null).
 * `conflict` appends e.g. `on conflict do nothing`.
 */
export async function bulkInsert<T extends SQLiteTable>(
  tx: TenantTx, table: T, rows: readonly T['$inferInsert'][], conflict = '',
): Promise<void> {
  if (rows.length === 0) return;
  const { sql, keys, columns } = shapeOf(table);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const tuple = `(${columns.map(() => '?').join(',')})`;
  const raw = libsqlTransaction(tx);
  for (let start = 0; start < rows.length; start += perStatement) {
    const slice = rows.slice(start, start + perStatement);
    const args: InArgs = [];
    for (const row of slice) {
      for (let i = 0; i < keys.length; i++) {
        const column = columns[i]!;
        // A column left out takes its schema default, as drizzle's own INSERT would.
        const value = (row as Record<string, unknown>)[keys[i]!] ?? (column.defaultFn ? column.defaultFn() : column.default);
        args.push(value === null || value === undefined ? null : (column.mapToDriverValue(value) as never));
      }
    }
    await raw.execute({ sql: `${sql}${Array(slice.length).fill(tuple).join(',')} ${conflict}`, args });
  }
}

/**
 * Rows of `select <columns> from <table> where <column> in (...)` for many values, one statement
 * per 500 values, on the transaction of `tx`; raw rows, keyed by the selected columns' SQL names.
 */
export async function selectWhereIn(
  tx: TenantTx, select: string, column: string, values: readonly string[], extra = '', extraArgs: InArgs = [],
): Promise<Record<string, unknown>[]> {
  const raw = libsqlTransaction(tx);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < values.length; i += 500) {
    const slice = values.slice(i, i + 500);
    const result = await raw.execute({
      sql: `${select} where ${column} in (${slice.map(() => '?').join(',')}) ${extra}`,
      args: [...slice, ...(extraArgs as never[])],
    });
    for (const r of result.rows) out.push(r as unknown as Record<string, unknown>);
  }
  return out;
}
