import type { InStatement, InValue, ResultSet } from '@libsql/client';

/** A client or an open transaction: whatever runs statements (on a file or a libsql server). */
export interface SqlRunner {
  execute(stmt: InStatement): Promise<ResultSet>;
}

/** One object of a database's schema, as `sqlite_master` states it. */
export interface SchemaObject {
  type: 'table' | 'index' | 'trigger' | 'view';
  name: string;
  sql: string;
  /** A virtual table (FTS5): its rows live in shadow tables that it creates itself. */
  virtual: boolean;
}

/** Rows read from the source per statement, and bound values written per statement. */
const READ_PAGE_ROWS = 2_000;
const WRITE_MAX_VALUES = 8_000;

/** SQL identifiers come from the source database's own schema; they are quoted, never trusted. */
export const quoteName = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * What a database is made of, in creation order: tables (virtual ones included), indexes,
 * triggers and views. SQLite's own tables and the shadow tables of FTS5 indexes are left out:
 * creating the virtual table creates its shadow tables, and its index is rebuilt from the data.
 */
export async function readSchema(db: SqlRunner): Promise<SchemaObject[]> {
  const shadow = new Set(
    (await db.execute("select name from pragma_table_list where schema = 'main' and type = 'shadow'")).rows.map((r) => String(r.name)),
  );
  const rows = (await db.execute(
    "select type, name, sql from sqlite_master where sql is not null and name not like 'sqlite\\_%' escape '\\' order by rowid",
  )).rows;
  return rows
    .map((r) => ({ type: String(r.type), name: String(r.name), sql: String(r.sql) }))
    .filter((o): o is Omit<SchemaObject, 'virtual'> => ['table', 'index', 'trigger', 'view'].includes(o.type) && !shadow.has(o.name))
    .map((o) => ({ ...o, virtual: o.type === 'table' && /^\s*create\s+virtual\s+table/i.test(o.sql) }));
}

/** The ordinary tables whose rows a copy carries (and a manifest counts). */
const dataTables = (schema: SchemaObject[]) => schema.filter((o) => o.type === 'table' && !o.virtual);

/** Rows per ordinary table (FTS indexes are derived data and not counted). */
export async function countRows(db: SqlRunner, schema?: SchemaObject[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of dataTables(schema ?? await readSchema(db))) {
    const rs = await db.execute(`select count(*) as n from ${quoteName(table.name)}`);
    counts[table.name] = Number(rs.rows[0]!.n);
  }
  return counts;
}

/**
 * An FTS5 index over another table's content (`content='table'`) is rebuilt from that table, so
 * it matches the rows as they are now, whatever rowids a copy gave them. Only such indexes are
 * supported: a standalone or contentless FTS table, or another kind of virtual table, would need
 * its own copy path, so it stops the copy instead of being silently left empty.
 */
export async function rebuildSearchIndexes(db: SqlRunner, schema: SchemaObject[]): Promise<void> {
  for (const table of schema.filter((o) => o.virtual)) {
    if (!/using\s+fts5\s*\(.*\bcontent\s*=\s*'[^']+'/is.test(table.sql)) {
      throw new Error(`cannot back up the virtual table ${table.name}: only FTS5 indexes over a content table are supported`);
    }
    const name = quoteName(table.name);
    await db.execute(`insert into ${name}(${name}) values ('rebuild')`);
  }
}

async function columnsOf(db: SqlRunner, table: string): Promise<string[]> {
  // Generated columns (hidden 2 and 3) are computed by the target itself and cannot be written.
  const rs = await db.execute({ sql: 'select name from pragma_table_xinfo(?) where hidden = 0 order by cid', args: [table] });
  return rs.rows.map((r) => String(r.name));
}

async function hasRowid(db: SqlRunner, table: string): Promise<boolean> {
  const rs = await db.execute({ sql: "select wr from pragma_table_list where schema = 'main' and name = ?", args: [table] });
  return Number(rs.rows[0]?.wr ?? 0) === 0;
}

/**
 * Copies one table's rows page by page; the source is read inside one transaction, so pages agree.
 * Pages follow the rowid (each starts where the last ended, so a large table costs no more per
 * page than a small one); a WITHOUT ROWID table pages by offset in primary-key order.
 */
async function copyRows(source: SqlRunner, target: SqlRunner, table: string): Promise<number> {
  const columns = await columnsOf(source, table);
  const list = columns.map(quoteName).join(', ');
  const byRowid = await hasRowid(source, table);
  const rowsPerInsert = Math.max(1, Math.floor(WRITE_MAX_VALUES / columns.length));
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  const skip = byRowid ? 1 : 0; // the rowid read first, for the next page, is not written
  let copied = 0;
  let lastRowid: InValue = null;
  for (;;) {
    // A plain `rowid > ?` (no OR) so SQLite seeks to the page instead of scanning to it.
    const page = !byRowid
      ? await source.execute({ sql: `select ${list} from ${quoteName(table)} limit ? offset ?`, args: [READ_PAGE_ROWS, copied] })
      : lastRowid === null
        ? await source.execute({ sql: `select rowid, ${list} from ${quoteName(table)} order by rowid limit ?`, args: [READ_PAGE_ROWS] })
        : await source.execute({ sql: `select rowid, ${list} from ${quoteName(table)} where rowid > ? order by rowid limit ?`, args: [lastRowid, READ_PAGE_ROWS] });
    for (let i = 0; i < page.rows.length; i += rowsPerInsert) {
      const rows = page.rows.slice(i, i + rowsPerInsert);
      const args: InValue[] = rows.flatMap((row) => columns.map((_, c) => row[c + skip] as InValue));
      await target.execute({
        sql: `insert into ${quoteName(table)} (${list}) values ${rows.map(() => placeholders).join(', ')}`,
        args,
      });
    }
    copied += page.rows.length;
    if (byRowid && page.rows.length > 0) lastRowid = page.rows[page.rows.length - 1]![0] as InValue;
    if (page.rows.length < READ_PAGE_ROWS) return copied;
  }
}

/**
 * The data tables with every table after the tables its foreign keys name. Loading a child row
 * before its parent leaves the deferred-constraint counter above zero, and while it is, SQLite
 * searches the child table for each parent row inserted (a full scan without an index): a load
 * in creation order took minutes where this order takes seconds. Self-references and cycles
 * keep creation order.
 */
async function inDependencyOrder(db: SqlRunner, tables: SchemaObject[]): Promise<SchemaObject[]> {
  const names = new Set(tables.map((t) => t.name));
  const parents = new Map<string, Set<string>>();
  for (const t of tables) {
    const rs = await db.execute({ sql: 'select "table" as parent from pragma_foreign_key_list(?)', args: [t.name] });
    parents.set(t.name, new Set(rs.rows.map((r) => String(r.parent)).filter((p) => p !== t.name && names.has(p))));
  }
  const ordered: SchemaObject[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.find((t) => !placed.has(t.name) && [...parents.get(t.name)!].every((p) => placed.has(p)))
      ?? tables.find((t) => !placed.has(t.name))!; // a cycle: take the earliest created
    ordered.push(ready);
    placed.add(ready.name);
  }
  return ordered;
}

/** AUTOINCREMENT counters, so ids handed out after a restore never repeat older ones. */
async function copySequences(source: SqlRunner, target: SqlRunner): Promise<void> {
  const exists = await source.execute("select 1 from sqlite_master where type = 'table' and name = 'sqlite_sequence'");
  if (exists.rows.length === 0) return;
  const rows = (await source.execute('select name, seq from sqlite_sequence')).rows;
  if (rows.length === 0) return;
  await target.execute('delete from sqlite_sequence');
  for (const r of rows) await target.execute({ sql: 'insert into sqlite_sequence (name, seq) values (?, ?)', args: [r.name as InValue, r.seq as InValue] });
}

/**
 * Copies a whole database into an empty one: tables first, then every table's rows, then the
 * search indexes rebuilt, then indexes, triggers and views — triggers last so that loading rows
 * fires none of them (the FTS triggers would index every row twice). Run both sides inside a
 * transaction: a read transaction on the source is one consistent snapshot while it keeps
 * serving, and a write transaction on the target makes the copy all-or-nothing. Foreign keys
 * are checked at the target's commit, once every table is filled. `sourceDone` is called once
 * the source has been read to the end (to end its transaction early).
 * Returns the rows copied per table.
 */
export async function copyDatabase(
  source: SqlRunner,
  target: SqlRunner,
  options: { sourceDone?: () => void } = {},
): Promise<Record<string, number>> {
  const schema = await readSchema(source);
  await target.execute('PRAGMA defer_foreign_keys = ON');
  for (const table of schema.filter((o) => o.type === 'table')) await target.execute(table.sql);
  const counts: Record<string, number> = {};
  for (const table of await inDependencyOrder(source, dataTables(schema))) counts[table.name] = await copyRows(source, target, table.name);
  await copySequences(source, target);
  // A libsql server ends a stream left idle; the source is not needed for what follows.
  options.sourceDone?.();
  await rebuildSearchIndexes(target, schema);
  for (const object of schema.filter((o) => o.type !== 'table')) await target.execute(object.sql);
  return counts;
}

/** Drops every object of a database (a target being replaced), inside the caller's transaction. */
export async function dropEverything(db: SqlRunner): Promise<void> {
  const schema = await readSchema(db);
  await db.execute('PRAGMA defer_foreign_keys = ON');
  for (const o of schema.filter((x) => x.type === 'view')) await db.execute(`drop view ${quoteName(o.name)}`);
  for (const o of schema.filter((x) => x.type === 'trigger')) await db.execute(`drop trigger ${quoteName(o.name)}`);
  // Virtual tables first: dropping one drops its shadow tables with it.
  for (const o of schema.filter((x) => x.type === 'table').sort((a, b) => Number(b.virtual) - Number(a.virtual))) {
    await db.execute(`drop table ${quoteName(o.name)}`);
  }
}
