/**
 * Buffers generated rows per table and writes them as multi-row INSERTs in one libsql batch
 * (one transaction). Row-at-a-time inserts through drizzle would spend most of the time
 * building and preparing statements; a few large statements per chunk keep SQLite busy instead.
 */
import type { Client, InStatement, InValue } from '@libsql/client';

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER (since 3.32); stay below it per statement. */
const MAX_PARAMS = 32_766;
/** 300, 1000 and 3000 rows per statement measured alike; bigger ones only cost parse time and memory. */
const MAX_ROWS_PER_STATEMENT = 1_000;

export class RowBuffer {
  /** Flat values, row after row; cheaper than an array per row at a million rows. */
  args: InValue[] = [];
  rows = 0;
  readonly #rowsPerStatement: number;
  readonly #head: string;
  readonly #tuple: string;
  readonly #sqlByRows = new Map<number, string>();

  /**
   * `sortBy` names a column to order each flush by. Rows that arrive in random key order touch
   * pages all over an index; sorted, consecutive inserts share pages while they are cached.
   * Sorting interactions by occurred_at took 500k of them from 33 s to 19 s.
   */
  readonly #sortColumn: number;

  constructor(readonly table: string, readonly columns: readonly string[], sortBy?: string) {
    this.#sortColumn = sortBy ? columns.indexOf(sortBy) : -1;
    if (sortBy && this.#sortColumn < 0) throw new Error(`${table}: no column ${sortBy} to sort by`);
    this.#rowsPerStatement = Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS / columns.length));
    this.#head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
    this.#tuple = `(${columns.map(() => '?').join(',')})`;
  }

  /** Appends one row; values must be in `columns` order. */
  add(...values: InValue[]): void {
    if (values.length !== this.columns.length) {
      throw new Error(`${this.table}: expected ${this.columns.length} values, got ${values.length}`);
    }
    for (const v of values) this.args.push(v);
    this.rows++;
  }

  /** Turns the buffered rows into statements and empties the buffer. */
  drain(): InStatement[] {
    const stmts: InStatement[] = [];
    const width = this.columns.length;
    if (this.#sortColumn >= 0) this.#sort();
    for (let start = 0; start < this.rows; start += this.#rowsPerStatement) {
      const n = Math.min(this.#rowsPerStatement, this.rows - start);
      stmts.push({ sql: this.#sql(n), args: this.args.slice(start * width, (start + n) * width) });
    }
    this.args = [];
    this.rows = 0;
    return stmts;
  }

  #sort(): void {
    const width = this.columns.length;
    const col = this.#sortColumn;
    const src = this.args;
    const order = Array.from({ length: this.rows }, (_, i) => i);
    order.sort((a, b) => (src[a * width + col] as number) - (src[b * width + col] as number));
    const sorted = new Array<InValue>(src.length);
    let k = 0;
    for (const row of order) for (let c = 0; c < width; c++) sorted[k++] = src[row * width + c]!;
    this.args = sorted;
  }

  #sql(rows: number): string {
    let sql = this.#sqlByRows.get(rows);
    if (!sql) {
      sql = this.#head + new Array<string>(rows).fill(this.#tuple).join(',');
      this.#sqlByRows.set(rows, sql);
    }
    return sql;
  }
}

/**
 * A set of buffers flushed together. Buffers are written in the order they were created, so
 * create parents (customers) before children (interactions) to satisfy foreign keys.
 */
export class BatchWriter {
  readonly #buffers: RowBuffer[] = [];
  readonly #written = new Map<string, number>();

  constructor(private readonly client: Client) {}

  table(name: string, columns: readonly string[], sortBy?: string): RowBuffer {
    const buf = new RowBuffer(name, columns, sortBy);
    this.#buffers.push(buf);
    return buf;
  }

  /** Writes every buffered row plus `extra` statements (run last) in one write transaction. */
  async flush(extra: InStatement[] = []): Promise<void> {
    const stmts: InStatement[] = [];
    const counts: [string, number][] = [];
    for (const buf of this.#buffers) {
      if (buf.rows === 0) continue;
      counts.push([buf.table, buf.rows]);
      stmts.push(...buf.drain());
    }
    stmts.push(...extra);
    if (stmts.length === 0) return;
    await this.client.batch(stmts, 'write');
    for (const [table, n] of counts) this.#written.set(table, (this.#written.get(table) ?? 0) + n);
  }

  written(table: string): number {
    return this.#written.get(table) ?? 0;
  }
}
