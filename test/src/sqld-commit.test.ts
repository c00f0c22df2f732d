import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '@libsql/client';
import { pipelineTransactions } from '../../core/src/db/pipelined-transactions.js';
import { serverFetch } from '../../core/src/db/server-fetch.js';
import { startSqld, type SqldServer } from './sqld-server.js';

/**
 * On a libsql server a transaction's held inserts go with COMMIT, and its stream is kept for the
 * next transaction: a write costs its round trips and no request more, and no new connection.
 */
describe('a transaction on a libsql server commits its held inserts in one request and keeps its stream', () => {
  let sqld: SqldServer;
  let client: Client;
  /** The Hrana requests of each HTTP request sent to the server, in order. */
  let sent: string[][] = [];
  /** Whether each of those requests went on an open stream (it carried a baton). */
  let onOpenStream: boolean[] = [];
  beforeAll(async () => {
    sqld = await startSqld();
    const created = await fetch(`${sqld.adminUrl}/v1/namespaces/commit/create`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    expect(created.ok).toBe(true);
    const toServer = serverFetch({ 'x-namespace-bin': Buffer.from('commit').toString('base64').replace(/=+$/, '') });
    client = pipelineTransactions(createClient({
      url: sqld.url,
      fetch: async (input: Request | string | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        const body = await request.clone().text();
        const parsed = JSON.parse(body || '{}') as { baton?: string | null; requests?: { type: string }[] };
        sent.push(parsed.requests?.map((r) => r.type) ?? ['cursor']);
        onOpenStream.push(typeof parsed.baton === 'string');
        return toServer(request);
      },
    }));
    await client.execute('create table t (id integer primary key, v text not null unique)');
  });
  afterAll(async () => {
    client?.close();
    await sqld?.stop();
  });

  const values = async () => (await client.execute('select v from t order by id')).rows.map((r) => r.v);

  const record = () => {
    sent = [];
    onOpenStream = [];
  };

  it('reads, then the held inserts with COMMIT: two requests in all, and the stream stays open', async () => {
    await client.execute('delete from t');
    record();
    const tx = await client.transaction('write');
    expect((await tx.execute('select count(*) as n from t')).rows[0]!.n).toBe(0);
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['a'] });
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['b'] });
    await tx.commit();
    expect(sent).toEqual([['batch'], ['batch']]);
    expect(tx.closed).toBe(true);
    expect(await values()).toEqual(['a', 'b']);
  });

  it('the next transaction goes on the stream the last one kept, which is outside any transaction', async () => {
    const first = await client.transaction('write');
    await first.execute('select 1');
    await first.commit();
    record();
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'insert into t (v) values (?), (?)', args: ['c', 'd'] });
    await tx.commit();
    // BEGIN went with the inserts on the kept stream: had it been inside a transaction, BEGIN would fail.
    expect(sent).toEqual([['batch']]);
    expect(onOpenStream).toEqual([true]);
    expect((await values()).slice(-2)).toEqual(['c', 'd']);
  });

  it('a rolled back transaction keeps its stream too, and nothing of it stays', async () => {
    await client.execute('delete from t');
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'insert into t (v) values (?) returning id', args: ['undone'] });
    await tx.rollback();
    record();
    const next = await client.transaction('write');
    expect((await next.execute('select count(*) as n from t')).rows[0]!.n).toBe(0);
    await next.commit();
    expect(onOpenStream).toEqual([true, true]);
  });

  it('an ended transaction refuses statements: its stream may be serving another transaction', async () => {
    await client.execute('delete from t');
    const done = await client.transaction('write');
    await done.execute('select 1');
    await done.commit();
    const current = await client.transaction('write'); // on the stream `done` kept
    await current.execute({ sql: 'insert into t (v) values (?) returning id', args: ['current'] });
    await expect(done.execute({ sql: 'update t set v = ? returning id', args: ['hijacked'] })).rejects.toMatchObject({ code: 'TRANSACTION_CLOSED' });
    await expect(done.commit()).rejects.toMatchObject({ code: 'TRANSACTION_CLOSED' });
    await current.rollback();
    expect(await values()).toEqual([]);
  });

  it('an abandoned transaction closes its stream, and the server undoes it', async () => {
    await client.execute('delete from t');
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'insert into t (v) values (?) returning id', args: ['abandoned'] });
    tx.close();
    const next = await client.transaction('write'); // waits at the server for the close to end the other
    await next.execute({ sql: 'insert into t (v) values (?) returning id', args: ['next'] });
    await next.commit();
    expect(await values()).toEqual(['next']);
  });

  it('a held insert that fails fails the commit with its constraint code; nothing stays and the lock is free', async () => {
    await client.execute('delete from t');
    await client.execute({ sql: 'insert into t (v) values (?)', args: ['taken'] });
    const tx = await client.transaction('write');
    await tx.execute('select 1');
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['first'] });
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['taken'] });
    const failed = await tx.commit().then(() => undefined, (err: unknown) => err);
    expect(failed).toMatchObject({ code: expect.stringMatching(/^SQLITE_CONSTRAINT/), message: expect.stringMatching(/UNIQUE constraint failed/) });
    await tx.rollback(); // as drizzle does: the stream is closed already, so nothing is sent
    expect(await values()).toEqual(['taken']);
    // The server ended that transaction with its stream: the next writer gets the lock at once.
    const next = await client.transaction('write');
    await next.execute({ sql: 'insert into t (v) values (?)', args: ['after'] });
    await next.commit();
    expect(await values()).toEqual(['taken', 'after']);
  });

  /** Empties the table, leaves a stream kept, and restarts the server: the kept stream's batons no longer verify. */
  const keepStreamsThenRestart = async () => {
    await client.execute('delete from t');
    const warm = await client.transaction('write');
    await warm.execute('select 1');
    await warm.commit();
    await sqld.kill();
    await sqld.restart();
  };

  it('a kept stream the server no longer knows (it restarted) is replaced before anything runs: the write lands once', async () => {
    await keepStreamsThenRestart();
    record();
    const tx = await client.transaction('write');
    expect((await tx.execute('select count(*) as n from t')).rows[0]!.n).toBe(0);
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['once'] });
    await tx.commit();
    // The first try on the kept stream; then the same statements on one new stream (the other
    // kept streams are closed, as old as the one found gone).
    expect(onOpenStream[0]).toBe(true);
    expect(sent.filter((_, i) => !onOpenStream[i])).toEqual([['batch']]);
    expect(await values()).toEqual(['once']);
  });

  it('a transaction of inserts alone on a kept stream the server no longer knows is replaced too', async () => {
    await keepStreamsThenRestart();
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['alone'] });
    await tx.commit();
    expect(await values()).toEqual(['alone']);
  });
});
