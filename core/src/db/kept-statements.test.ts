import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openKeptStatementsClient } from './kept-statements.js';

describe('an embedded client that keeps its prepared statements', () => {
  let dir: string;
  let client: Client;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-kept-statements-'));
    client = openKeptStatementsClient(join(dir, 'k.db'), 1_000);
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('create table t (id integer primary key, v text not null unique)');
    await client.batch([{ sql: 'insert into t (v) values (?)', args: ['a'] }, { sql: 'insert into t (v) values (?)', args: ['b'] }], 'write');
  });
  afterEach(() => {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The connection's prepared statements with this SQL, from SQLite's own list of them. */
  const prepared = async (sql: string) =>
    (await client.execute({ sql: 'select run from sqlite_stmt where sql = ?', args: [sql] })).rows.map((r) => Number(r.run));

  it('prepares a statement once and runs it again with each call\'s arguments', async () => {
    const sql = 'select v from t where id = ?';
    const answers = [];
    for (const id of [1, 2, 1, 2, 3]) answers.push((await client.execute({ sql, args: [id] })).rows.map((r) => r.v));
    expect(answers).toEqual([['a'], ['b'], ['a'], ['b'], []]);
    expect(await prepared(sql)).toEqual([5]);
  });

  it('answers the table as it is after a schema change, a star statement with the new columns', async () => {
    const named = 'select id, v from t order by id';
    const star = 'select * from t order by id';
    const returning = "update t set v = v || '' returning *";
    expect((await client.execute(named)).rows.map((r) => r.v)).toEqual(['a', 'b']);
    expect((await client.execute(star)).columns).toEqual(['id', 'v']);
    expect((await client.execute(returning)).columns).toEqual(['id', 'v']);
    await client.execute('alter table t add column w text');
    await client.execute("update t set w = 'x'");
    expect((await client.execute(named)).rows.map((r) => [r.id, r.v])).toEqual([[1, 'a'], [2, 'b']]);
    const after = await client.execute(star);
    expect(after.columns).toEqual(['id', 'v', 'w']);
    expect(after.rows.map((r) => r.w)).toEqual(['x', 'x']);
    expect((await client.execute(returning)).columns).toEqual(['id', 'v', 'w']);
    expect(await prepared(named)).toHaveLength(1); // kept, and prepared again by SQLite itself
  });

  it('forgets a statement that failed, and later commits on the connection go through', async () => {
    const insert = 'insert into t (v) values (?)';
    await expect(client.execute({ sql: insert, args: ['a'] })).rejects.toThrow(/UNIQUE/);
    await client.execute('BEGIN IMMEDIATE');
    await client.execute({ sql: insert, args: ['c'] });
    await client.execute('COMMIT');
    expect((await client.execute('select count(*) as n from t')).rows[0]!.n).toBe(3);
  });

  it('runs a transaction on a connection of its own and keeps its own afterwards', async () => {
    const sql = 'select count(*) as n from t';
    await client.execute(sql);
    const tx = await client.transaction('read');
    expect((await tx.execute(sql)).rows[0]!.n).toBe(2);
    tx.close();
    await client.execute(sql);
    expect(await prepared(sql)).toEqual([2]);
  });
});
