import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '@libsql/client';
import { pipelineTransactions } from '../../core/src/db/pipelined-transactions.js';
import { serverFetch } from '../../core/src/db/server-fetch.js';
import { startSqld, type SqldServer } from './sqld-server.js';

/**
 * On a libsql server a transaction's held inserts go with COMMIT, and the stream's close rides in
 * that same request: a write costs its round trips and no request more.
 */
describe('a transaction on a libsql server commits its held inserts and closes its stream in one request', () => {
  let sqld: SqldServer;
  let client: Client;
  /** The Hrana requests of each HTTP request sent to the server, in order. */
  let sent: string[][] = [];
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
        const parsed = JSON.parse(body || '{}') as { requests?: { type: string }[] };
        sent.push(parsed.requests?.map((r) => r.type) ?? ['cursor']);
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

  it('reads, then the held inserts with COMMIT and the close: two requests in all', async () => {
    await client.execute('delete from t');
    sent = [];
    const tx = await client.transaction('write');
    expect((await tx.execute('select count(*) as n from t')).rows[0]!.n).toBe(0);
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['a'] });
    await tx.execute({ sql: 'insert into t (v) values (?)', args: ['b'] });
    await tx.commit();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(['batch', 'close']);
    expect(tx.closed).toBe(true);
    expect(await values()).toEqual(['a', 'b']);
  });

  it('a transaction of inserts alone sends BEGIN with them: one request', async () => {
    await client.execute('delete from t');
    sent = [];
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'insert into t (v) values (?), (?)', args: ['c', 'd'] });
    await tx.commit();
    expect(sent).toEqual([['batch', 'close']]);
    expect(await values()).toEqual(['c', 'd']);
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
});
