import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client, type InStatement, type ResultSet } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openKeptStatementsClient } from './kept-statements.js';

/** Everything a caller can read of a result: rows by name, by index, as JSON, and their keys. */
function readable(rs: ResultSet) {
  return {
    columns: rs.columns,
    columnTypes: rs.columnTypes,
    json: JSON.stringify(rs),
    rows: rs.rows.map((row) => ({
      keys: Object.keys(row),
      entries: Object.entries(row),
      length: row.length,
      sliced: Array.prototype.slice.call(row),
      rowJson: JSON.stringify(row),
    })),
  };
}

describe('SELECTs answered from kept statements', () => {
  let dir: string;
  let kept: Client;
  let library: Client;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-kept-reads-'));
    const file = join(dir, 'r.db');
    kept = openKeptStatementsClient(file, 1_000);
    library = createClient({ url: `file:${file}` });
    await kept.batch([
      'create table a (id integer primary key, name text, big integer, data blob, score real)',
      'create table b (id integer primary key, a_id integer, name text)',
      "insert into a values (1, 'one', 9007199254740991, x'00ff10', 1.5), (2, null, -3, null, null)",
      "insert into b values (10, 1, 'b-one'), (11, 1, 'b-two'), (12, 2, 'b-three')",
      "create table wide (id integer primary key, big integer)",
      'insert into wide values (1, 9007199254740993)',
    ], 'write');
  });
  afterEach(() => {
    kept.close();
    library.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const same = async (stmt: InStatement) => {
    const ours = await kept.execute(stmt);
    const theirs = await library.execute(stmt);
    expect(readable(ours)).toEqual(readable(theirs));
    expect(ours.rows).toStrictEqual(theirs.rows);
    return ours;
  };

  it('reads what the library reads: names, indexes, JSON, keys, blobs, nulls and reals', async () => {
    const rs = await same({ sql: 'select id, name, big, data, score from a where id >= ? order by id', args: [1] });
    expect(rs.rows[0]!.name).toBe('one');
    expect(rs.rows[0]![2]).toBe(Number.MAX_SAFE_INTEGER);
    expect(new Uint8Array(rs.rows[0]!.data as ArrayBuffer)).toEqual(new Uint8Array([0, 255, 16]));
    expect(rs.rows[1]!.name).toBeNull();
  });

  it('keeps every value of a join by index and the first of a repeated name by name', async () => {
    const rs = await same('select a.id, b.id, b.name, a.name from a join b on b.a_id = a.id order by b.id');
    expect(rs.rows[0]![0]).toBe(1);
    expect(rs.rows[0]![1]).toBe(10);
    expect(rs.rows[0]!.id).toBe(1);
    expect(rs.rows[0]!.name).toBe('b-one');
    expect(Object.keys(rs.rows[0]!)).toEqual(['id', 'name']);
  });

  it('answers columns named like an index or length as the library does', async () => {
    await same('select id as "0", name as length, big as "__proto__" from a order by id');
  });

  it('leaves other arguments to the library: named, booleans, dates, and bad numbers', async () => {
    await same({ sql: 'select id from a where id = :id', args: { id: 1 } });
    await same({ sql: 'select id from a where (id = 1) = ?', args: [true] });
    await same({ sql: 'select ? as at', args: [new Date(0)] });
    await expect(kept.execute({ sql: 'select ? as n', args: [Number.NaN] })).rejects.toThrow(RangeError);
    await expect(kept.execute({ sql: 'select ? as n', args: [undefined as never] })).rejects.toThrow(TypeError);
  });

  it('refuses an integer beyond 2^53 and an unknown table with the library\'s errors', async () => {
    await expect(kept.execute('select big from wide')).rejects.toThrow(/cannot be safely represented/);
    await expect(kept.execute('select nope from missing')).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    expect((await kept.execute('select id from wide')).rows[0]!.id).toBe(1);
  });

  it('throws an error met while running with the library\'s codes, and runs the statement once', async () => {
    const overflow = 'select abs(id - 9223372036854775807 - 2) as n from a order by id';
    const [ours, theirs] = await Promise.all([kept.execute(overflow).catch((e: unknown) => e), library.execute(overflow).catch((e: unknown) => e)]);
    const fields = (e: any) => ({ name: e.name, message: e.message, code: e.code, extendedCode: e.extendedCode, rawCode: e.rawCode });
    expect(fields(ours)).toEqual(fields(theirs));
    expect(fields(ours).code).toBe('SQLITE_ERROR');
    const runs = async () => (await kept.execute({ sql: 'select sum(run) as n from sqlite_stmt where sql = ?', args: [overflow] })).rows[0]?.n;
    expect(await runs()).toBe(1);
    // Inside a transaction the read fails once, and the transaction is still the one open.
    await kept.execute('BEGIN IMMEDIATE');
    await kept.execute({ sql: 'insert into b values (?, ?, ?)', args: [20, 1, 'in-tx'] });
    await expect(kept.execute(overflow)).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    await kept.execute('ROLLBACK');
    expect((await kept.execute('select count(*) as n from b')).rows[0]!.n).toBe(3);
  });

  it('sees a write at once, and refuses to read once closed', async () => {
    const sql = 'select count(*) as n from b';
    expect((await kept.execute(sql)).rows[0]!.n).toBe(3);
    await kept.execute({ sql: 'insert into b values (?, ?, ?)', args: [13, 2, 'b-four'] });
    expect((await kept.execute(sql)).rows[0]!.n).toBe(4);
    kept.close();
    await expect(kept.execute(sql)).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  });
});
