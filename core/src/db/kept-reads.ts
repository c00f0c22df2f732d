import type { InArgs, InStatement, ResultSet, Row } from '@libsql/client';
import { LibsqlError } from '@libsql/core/api';
import { ResultSetImpl } from '@libsql/core/util';
import Database from 'libsql';

type Statement = ReturnType<Database.Database['prepare']>;
type Column = ReturnType<Statement['columns']>[number];

/** A statement that only reads: the only kind answered here. */
const READ_STATEMENT = /^\s*select\b/i;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The rows of a SELECT, built as @libsql/client's own file client builds them but without its
 * cost. Its rows take two `Object.defineProperty` calls per value (an index and a name), which
 * leaves every row a dictionary-mode object: a 51-row page of eight columns cost 330 µs, against
 * 110 µs for libsql to read it. Here the names are plain properties set in column order, so all
 * rows of a statement share one hidden class, and the indexes and `length` are on a class
 * made once per column list.
 *
 * A row is what the library's is: each column's value under its name (the first column of a
 * name wins) as its only enumerable properties, and its values by index with a `length`, so
 * JSON, `Object.keys`, `row.name` and `Array.prototype.slice.call(row)` (drizzle) read the same.
 * The values by index are a private field, out of sight of JSON, `Object.keys` and equality checks.
 */
class KeptRow {
  readonly #values: unknown[];
  constructor(values: unknown[]) {
    this.#values = values;
  }

  static valueAt(row: KeptRow, index: number): unknown {
    return row.#values[index];
  }
}

interface RowShape {
  Row: new (values: unknown[]) => KeptRow;
  /** Each name with the index of the first column that has it. */
  names: readonly (readonly [string, number])[];
}

const shapes = new WeakMap<readonly Column[], RowShape | null>();

/**
 * The shape of rows with these columns; null when a column's name would clash with a row's
 * own workings (an index, `length`, `__proto__`, `constructor`), which the library's rows then answer.
 */
function shapeOf(columns: readonly Column[]): RowShape | null {
  let shape = shapes.get(columns);
  if (shape !== undefined) return shape;
  const names: [string, number][] = [];
  const seen = new Set<string>();
  let clashes = false;
  columns.forEach(({ name }, index) => {
    if (name === 'length' || name === '__proto__' || name === 'constructor' || /^(?:0|[1-9]\d*)$/.test(name)) clashes = true;
    if (!seen.has(name)) names.push([name, index]);
    seen.add(name);
  });
  class Row extends KeptRow {}
  // A row reads as a plain object, as the library's do.
  Object.defineProperty(Row.prototype, 'constructor', { value: Object });
  Object.defineProperty(Row.prototype, 'length', { value: columns.length });
  for (let i = 0; i < columns.length; i++) {
    Object.defineProperty(Row.prototype, i, { get(this: KeptRow) { return KeptRow.valueAt(this, i); } });
  }
  shape = clashes ? null : { Row, names };
  shapes.set(columns, shape);
  return shape;
}

/** A value as the library answers it with intMode "number": integers as numbers, blobs as ArrayBuffers. */
function valueFromSql(value: unknown): unknown {
  if (typeof value === 'bigint') {
    if (value < MIN_SAFE || value > MAX_SAFE) {
      throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
    }
    return Number(value);
  }
  return value instanceof Buffer ? value.buffer : value;
}

function rowOf(shape: RowShape, raw: unknown[]): Row {
  const values = raw.map(valueFromSql);
  const row = new shape.Row(values) as unknown as Record<string, unknown>;
  for (const [name, index] of shape.names) row[name] = values[index];
  return row as unknown as Row;
}

/** Arguments the library would pass to SQLite as they are; anything else (booleans, dates, blobs, bad numbers) is its to convert or refuse. */
function plainArgs(args: InArgs | undefined): unknown[] | undefined {
  if (args === undefined) return [];
  if (!Array.isArray(args)) return undefined;
  for (const arg of args) {
    if (arg === null || typeof arg === 'string' || (typeof arg === 'number' && Number.isFinite(arg))) continue;
    return undefined;
  }
  return args;
}

/**
 * Answers `stmt` straight from the connection's kept statement when it is a SELECT with plain
 * positional arguments; undefined for anything else, and for a statement that cannot be prepared,
 * which the library then prepares again to answer or throw its own way (nothing has run yet).
 * Once the statement runs, its error is thrown as the library throws it and it is never run
 * again: on the write connection an error can have ended the transaction, and a second run would
 * then read outside it.
 */
export function readKept(kept: (sql: string) => Statement | undefined, stmt: InStatement | string, args?: InArgs): ResultSet | undefined {
  const sql = typeof stmt === 'string' ? stmt : stmt.sql;
  const positional = plainArgs(typeof stmt === 'string' ? args : stmt.args);
  if (!positional || !READ_STATEMENT.test(sql)) return undefined;
  let statement: Statement | undefined;
  let columns: readonly Column[];
  let shape: RowShape | null;
  try {
    statement = kept(sql);
    if (!statement) return undefined;
    columns = statement.columns();
    shape = shapeOf(columns);
  } catch {
    return undefined;
  }
  if (!shape) return undefined;
  try {
    statement.raw(true);
    statement.safeIntegers(true);
    const rows = (statement.all(positional) as unknown[][]).map((raw) => rowOf(shape, raw));
    return new ResultSetImpl(columns.map((c) => c.name), columns.map((c) => c.type ?? ''), rows, 0, undefined);
  } catch (err) {
    throw asLibsqlError(err);
  }
}

/**
 * SQLite's error as @libsql/client reports it: its primary code (the extended code's first
 * word), the extended code and the raw number. Anything else (the RangeError) as it is.
 */
function asLibsqlError(err: unknown): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  const { code, rawCode } = err as { code: string; rawCode?: number };
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0] ?? 'SQLITE_UNKNOWN';
  return new LibsqlError(err.message, primary, code, rawCode, err);
}
