import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client, type Transaction } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { pipelineTransactions, plainInsertRows, whenCommitSent } from './pipelined-transactions.js';

describe('a transaction sends statements asked together in one batch, and holds plain inserts for the next', () => {
  let dir: string;
  let client: Client;
  /** Calls that reached the driver's transaction: each one a round trip on a libsql server. */
  let calls: string[];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-pipelined-'));
    const raw = createClient({ url: `file:${join(dir, 'p.db')}` });
    await raw.execute('create table t (id integer primary key, v text not null unique)');
    const open = raw.transaction.bind(raw);
    calls = [];
    raw.transaction = (async (mode) => {
      const tx: Transaction = await open(mode);
      const execute = tx.execute.bind(tx);
      const batch = tx.batch.bind(tx);
      tx.execute = ((stmt: never) => { calls.push('execute'); return execute(stmt); }) as Transaction['execute'];
      tx.batch = ((stmts: never[]) => { calls.push(`batch of ${stmts.length}`); return batch(stmts); }) as Transaction['batch'];
      return tx;
    }) as Client['transaction'];
    client = pipelineTransactions(raw);
  });
  afterEach(() => {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const values = async () => (await client.execute('select v from t order by id')).rows.map((r) => r.v);

  it('sends a plain insert with the next statement, and the last ones with COMMIT', async () => {
    const tx = await client.transaction('write');
    const inserted = await tx.execute({ sql: 'insert into t (v) values (?), (?)', args: ['a', 'b'] });
    expect(inserted.rowsAffected).toBe(2);
    expect(calls).toEqual([]);
    const read = await tx.execute('select count(*) as n from t');
    expect(read.rows[0]!.n).toBe(2); // the held insert ran first, in the same batch
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['c'] });
    await tx.commit();
    expect(calls).toEqual(['batch of 2', 'batch of 2']);
    expect(tx.closed).toBe(true);
    expect(await values()).toEqual(['a', 'b', 'c']);
  });

  it('a held insert that fails fails the commit, and nothing of the transaction stays', async () => {
    await client.execute({ sql: 'insert into t (v) values (?)', args: ['taken'] });
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['first'] });
    await tx.execute('select 1');
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['taken'] });
    await expect(tx.commit()).rejects.toThrow(/UNIQUE constraint failed/);
    await tx.rollback();
    expect(await values()).toEqual(['taken']);
  });

  it('a held insert that fails fails the next statement with its own error', async () => {
    await client.execute({ sql: 'insert into t (v) values (?)', args: ['taken'] });
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['taken'] });
    await expect(tx.execute('select 1')).rejects.toThrow(/UNIQUE constraint failed/);
    await tx.rollback();
    expect(await values()).toEqual(['taken']);
  });

  it('a rollback to a savepoint drops the inserts held since, as if they had run and been undone', async () => {
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['kept'] });
    await tx.execute('savepoint inner_work');
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['kept'] }); // would fail: dropped instead
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['undone'] });
    await tx.execute('rollback to inner_work');
    await tx.execute('release inner_work');
    await tx.commit();
    expect(await values()).toEqual(['kept']);
  });

  it('never holds statements whose result a caller reads: updates, RETURNING, ON CONFLICT', async () => {
    await client.execute({ sql: 'insert into t (v) values (?)', args: ['x'] });
    const tx = await client.transaction('write');
    expect((await tx.execute({ sql: 'update t set v = ? where v = ?', args: ['y', 'nope'] })).rowsAffected).toBe(0);
    expect((await tx.execute({ sql: 'insert into t (v) values (?) on conflict (v) do nothing', args: ['x'] })).rowsAffected).toBe(0);
    expect((await tx.execute({ sql: 'insert into t (v) values (?) returning id', args: ['z'] })).rows).toHaveLength(1);
    await tx.commit();
    expect(calls).toEqual(['execute', 'execute', 'execute']);
    expect(await values()).toEqual(['x', 'z']);
  });

  it('sends statements asked together in one batch, each caller getting its own results', async () => {
    await client.execute({ sql: 'insert into t (v) values (?), (?)', args: ['a', 'b'] });
    const tx = await client.transaction('write');
    const [a, count, both] = await Promise.all([
      tx.execute({ sql: 'select id from t where v = ?', args: ['a'] }),
      tx.execute('select count(*) as n from t'),
      tx.batch(['select 1 as one', { sql: 'select v from t where v = ?', args: ['b'] }]),
    ]);
    expect(a.rows[0]!.id).toBe(1);
    expect(count.rows[0]!.n).toBe(2);
    expect(both.map((r) => r.rows[0]![0])).toEqual([1, 'b']);
    const after = await tx.execute('select 2 as two'); // awaited alone: a request of its own
    expect(after.rows[0]!.two).toBe(2);
    await tx.commit();
    expect(calls).toEqual(['batch of 4', 'execute']);
  });

  it('keeps the order statements were asked in, held inserts included', async () => {
    const tx = await client.transaction('write');
    const [before, , after] = await Promise.all([
      tx.execute('select count(*) as n from t'),
      tx.execute({ sql: 'insert into t (v) values (?)', args: ['a'] }),
      tx.execute('select count(*) as n from t'),
    ]);
    expect([before.rows[0]!.n, after.rows[0]!.n]).toEqual([0, 1]);
    await tx.commit();
    expect(calls).toEqual(['batch of 3']);
  });

  it('statements sent together fail together, and the transaction is undone', async () => {
    await client.execute({ sql: 'insert into t (v) values (?)', args: ['taken'] });
    const tx = await client.transaction('write');
    const outcomes = await Promise.allSettled([
      tx.execute({ sql: 'update t set v = ? where v = ?', args: ['renamed', 'taken'] }),
      tx.execute({ sql: 'insert into t (v) values (?) returning id', args: ['renamed'] }),
      tx.execute('select 1'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const o of outcomes) expect(String((o as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed/);
    await tx.rollback();
    expect(await values()).toEqual(['taken']);
  });

  it('sends a statement asked and not awaited before COMMIT', async () => {
    const tx = await client.transaction('write');
    const pending = tx.execute({ sql: 'insert into t (v) values (?) returning id', args: ['late'] });
    await tx.commit();
    expect((await pending).rows).toHaveLength(1);
    expect(await values()).toEqual(['late']);
  });

  it('batches the reads of a drizzle Promise.all in a drizzle transaction', async () => {
    const db = drizzle(client);
    await db.transaction(async (tx) => {
      const [one, two, three] = await Promise.all([
        tx.get<{ n: number }>(sql`select 1 as n`),
        tx.all<{ n: number }>(sql`select 2 as n`),
        tx.get<{ n: number }>(sql`select count(*) as n from t`),
      ]);
      expect([one.n, two[0]!.n, three.n]).toEqual([1, 2, 0]);
    });
    expect(calls).toEqual(['batch of 3']);
  });

  it('tells whoever opened the transaction once its COMMIT is handed over, and no one else', async () => {
    const order: string[] = [];
    const other = pipelineTransactions(createClient({ url: `file:${join(dir, 'other.db')}` }));
    await whenCommitSent(client, () => order.push('sent'), async () => {
      const unrelated = await other.transaction('write'); // another database's: not this listener's
      await unrelated.execute('select 1');
      await unrelated.commit();
      const tx = await client.transaction('write');
      await tx.execute({ sql: 'insert into t (v) values (?)', args: ['a'] });
      await tx.commit().then(() => order.push('committed'));
    });
    other.close();
    const outside = await client.transaction('write'); // opened outside: nobody to tell
    await outside.execute('select 1');
    await outside.commit();
    expect(order).toEqual(['sent', 'committed']);
    expect(await values()).toEqual(['a']);
  });

  it('recognises plain inserts and their rows', () => {
    expect(plainInsertRows('insert into "t" ("v") values (?)')).toBe(1);
    expect(plainInsertRows({ sql: 'INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)', args: [] })).toBe(3);
    expect(plainInsertRows('insert into t (v) select v from u')).toBeUndefined();
    expect(plainInsertRows('insert or ignore into t (v) values (?)')).toBeUndefined();
    expect(plainInsertRows('insert into t (v) values (?) on conflict do nothing')).toBeUndefined();
    expect(plainInsertRows('insert into t (v) values (?) returning id')).toBeUndefined();
    expect(plainInsertRows('update t set v = 1')).toBeUndefined();
  });
});
