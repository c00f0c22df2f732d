import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createClient, type Client, type ResultSet } from '@libsql/client';
import { keptStreamsOf, type KeptStreams } from '../../core/src/db/kept-streams.js';
import { serverClient } from '../../core/src/db/libsql-client.js';
import { serverFetch } from '../../core/src/db/server-fetch.js';
import { startSqld, type SqldServer } from './sqld-server.js';

/**
 * On a libsql server a transaction's held inserts go with COMMIT, and its stream (a connection at
 * the server) is kept for the next transaction or read: a write costs its round trips and no
 * request more, and neither a write nor a read opens a new connection.
 */
/** The header that puts requests in the test's namespace, `commit`. */
const NAMESPACE = { 'x-namespace-bin': Buffer.from('commit').toString('base64').replace(/=+$/, '') };

describe('a libsql server client: held inserts with COMMIT, streams kept between transactions and reads', () => {
  let sqld: SqldServer;
  let client: Client;
  /** The Hrana requests of each HTTP request sent to the server, in order. */
  let sent: string[][] = [];
  /** Whether each of those requests went on an open stream (it carried a baton). */
  let onOpenStream: boolean[] = [];
  /** What the next requests wait for before going out, by their SQL; the next one fails as a whole when `failNext`. */
  let gateOf: (sql: string) => Promise<void> | undefined = () => undefined;
  let failNext = false;
  let streams: KeptStreams;
  beforeAll(async () => {
    sqld = await startSqld();
    const created = await fetch(`${sqld.adminUrl}/v1/namespaces/commit/create`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    expect(created.ok).toBe(true);
    const toServer = serverFetch(NAMESPACE);
    const raw = createClient({
      url: sqld.url,
      fetch: async (input: Request | string | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        const body = await request.clone().text();
        const parsed = JSON.parse(body || '{}') as { baton?: string | null; requests?: { type: string }[] };
        sent.push(parsed.requests?.map((r) => r.type) ?? ['cursor']);
        onOpenStream.push(typeof parsed.baton === 'string');
        if (failNext) {
          failNext = false;
          throw new TypeError('fetch failed'); // as a reset connection fails it
        }
        await gateOf(body);
        return toServer(request);
      },
    });
    streams = keptStreamsOf(raw);
    client = serverClient(raw, streams);
    await client.execute('create table t (id integer primary key, v text not null unique)');
  });
  afterAll(async () => {
    client?.close();
    await sqld?.stop();
  });

  /** A client as libsql makes it, nothing kept. */
  const plainClient = () => {
    const own = createClient({ url: sqld.url, fetch: serverFetch(NAMESPACE) });
    onTestFinished(() => own.close());
    return own;
  };

  const values = async () => (await client.execute('select v from t order by id')).rows.map((r) => r.v);

  const record = () => {
    sent = [];
    onOpenStream = [];
    gateOf = () => undefined;
  };
  /** Holds the requests whose SQL matches until `release()`. */
  const hold = (pattern: RegExp) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    gateOf = (sql) => (pattern.test(sql) ? gate : undefined);
    onTestFinished(() => {
      release();
      gateOf = () => undefined;
    });
    return release;
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

  it('a read outside a transaction goes on a kept stream, one request, and reads as libsql reads it', async () => {
    await client.execute('delete from t');
    await client.execute({ sql: 'insert into t (v) values (?), (?)', args: ['x', 'y'] });
    await client.execute('select 1'); // leaves a stream kept
    record();
    const kept = await client.execute({ sql: 'select id, v, length(v) as n from t where v >= ? order by id', args: ['x'] });
    expect(sent).toEqual([['execute']]);
    expect(onOpenStream).toEqual([true]);
    const own = await plainClient().execute({ sql: 'select id, v, length(v) as n from t where v >= ? order by id', args: ['x'] });
    expect(kept.columns).toEqual(own.columns);
    expect(kept.columnTypes).toEqual(own.columnTypes);
    expect(kept.rows.map((r) => ({ ...r }))).toEqual(own.rows.map((r) => ({ ...r })));
    expect(kept.rows.map((r) => [...Array.prototype.slice.call(r)])).toEqual(own.rows.map((r) => [...Array.prototype.slice.call(r)]));
    expect(kept.rowsAffected).toBe(own.rowsAffected);
    expect(JSON.stringify(kept)).toBe(JSON.stringify(own));
  });

  it('a read that fails as a statement fails with libsql\'s code and message, and its stream stays kept', async () => {
    const failed = await client.execute('select * from no_such_table').then(() => undefined, (err: unknown) => err);
    const own = await plainClient().execute('select * from no_such_table').then(() => undefined, (err: unknown) => err);
    expect(failed).toMatchObject({ code: (own as { code: string }).code, message: (own as Error).message });
    record();
    await client.execute('select 1');
    expect(onOpenStream).toEqual([true]);
  });

  it('statements other than SELECT outside a transaction go as libsql sends them, with the close', async () => {
    record();
    await client.execute({ sql: 'update t set v = v where id = ?', args: [0] });
    expect(sent).toEqual([['execute', 'close']]);
    expect(onOpenStream).toEqual([false]);
  });

  it('reads asked together go in one request on one stream, each with its own answer or error', async () => {
    await client.execute('select 1'); // leaves a stream kept
    record();
    const [one, missing, two] = await Promise.allSettled([
      client.execute('select 1 as n'),
      client.execute('select * from no_such_table'),
      client.execute({ sql: 'select ? as n', args: [2] }),
    ]);
    expect(sent).toEqual([['execute', 'execute', 'execute']]);
    expect(onOpenStream).toEqual([true]);
    expect(one).toMatchObject({ status: 'fulfilled', value: { rows: [{ n: 1 }] } });
    expect(missing).toMatchObject({ status: 'rejected', reason: { code: expect.stringMatching(/^SQLITE_/), message: expect.stringMatching(/no such table/) } });
    expect(two).toMatchObject({ status: 'fulfilled', value: { rows: [{ n: 2 }] } });
  });

  it('reads while four streams are busy go as libsql sends them; no stream costs a request of its own', async () => {
    record();
    const release = hold(/select \? as i/);
    const reads: Promise<ResultSet>[] = [];
    for (let i = 0; i < 6; i++) {
      reads.push(client.execute({ sql: 'select ? as i', args: [i] }));
      await new Promise((resolve) => setImmediate(resolve)); // each read in a turn of its own
    }
    release();
    expect((await Promise.all(reads)).map((a) => a.rows[0]!.i)).toEqual([0, 1, 2, 3, 4, 5]);
    // Four on kept or new streams (no close), two as libsql sends them (with the close).
    expect(sent.map((types) => types.join())).toEqual(['execute', 'execute', 'execute', 'execute', 'execute,close', 'execute,close']);
    expect(streams.lent).toBe(0);
  });

  it('a read with an argument SQLite cannot take fails alone; the others of its request are answered', async () => {
    const [one, bad, two] = await Promise.allSettled([
      client.execute('select 1 as n'),
      client.execute({ sql: 'select ? as n', args: [Number.NaN] }),
      client.execute({ sql: 'select ? as n', args: [2] }),
    ]);
    expect(one).toMatchObject({ status: 'fulfilled', value: { rows: [{ n: 1 }] } });
    expect(bad).toMatchObject({ status: 'rejected', reason: expect.any(RangeError) });
    expect(two).toMatchObject({ status: 'fulfilled', value: { rows: [{ n: 2 }] } });
    expect(streams.lent).toBe(0);
  });

  it('a statement asked while COMMIT is on its way is refused, and runs neither in nor outside the transaction', async () => {
    await client.execute('delete from t');
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'insert into t (v) values (?) returning id', args: ['kept'] });
    const release = hold(/COMMIT/);
    const committing = tx.commit();
    await expect(tx.execute({ sql: 'update t set v = ? returning id', args: ['late'] })).rejects.toMatchObject({ code: 'TRANSACTION_CLOSED' });
    await expect(tx.execute({ sql: 'insert into t (v) values (?)', args: ['late insert'] })).rejects.toMatchObject({ code: 'TRANSACTION_CLOSED' });
    release();
    await committing;
    expect(await values()).toEqual(['kept']);
  });

  it('a statement asked while ROLLBACK is on its way is refused: nothing of the transaction stays', async () => {
    await client.execute('delete from t');
    await client.execute({ sql: 'insert into t (v) values (?)', args: ['before'] });
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'insert into t (v) values (?) returning id', args: ['undone'] });
    const release = hold(/ROLLBACK/);
    const rollingBack = tx.rollback();
    await expect(tx.execute({ sql: 'update t set v = ? returning id', args: ['leaked'] })).rejects.toMatchObject({ code: 'TRANSACTION_CLOSED' });
    release();
    await rollingBack;
    expect(await values()).toEqual(['before']);
  });

  it('a transaction whose request fails as a whole ends with its stream closed, none left lent', async () => {
    await client.execute('delete from t');
    for (let i = 0; i < 5; i++) {
      const tx = await client.transaction('write');
      await tx.execute('select 1');
      failNext = true;
      await expect(tx.execute({ sql: 'update t set v = ? returning id', args: ['x'] })).rejects.toThrow(/fetch failed/);
      await tx.rollback(); // as drizzle does after an error
      expect(tx.closed).toBe(true);
    }
    expect(streams.lent).toBe(0);
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'insert into t (v) values (?) returning id', args: ['after'] });
    await tx.commit();
    expect(await values()).toEqual(['after']);
  });

  it('a read on a kept stream the server no longer knows is answered on a stream of its own', async () => {
    await keepStreamsThenRestart();
    await client.execute({ sql: 'insert into t (v) values (?)', args: ['after restart'] });
    record();
    expect((await client.execute('select v from t')).rows.map((r) => r.v)).toEqual(['after restart']);
    expect(onOpenStream[0]).toBe(true);
    expect(sent.at(-1)).toEqual(['execute', 'close']);
  });

  it('a transaction rolled back or closed while its first request on a gone stream is out is not sent again: nothing left open', async () => {
    for (const end of ['rollback', 'close'] as const) {
      await keepStreamsThenRestart();
      const tx = await client.transaction('write');
      const release = hold(/select 41/);
      const first = tx.execute('select 41 as n').then(() => 'answered', (err: unknown) => err);
      await new Promise((resolve) => setImmediate(resolve)); // the request is out, held
      const ended = end === 'rollback' ? tx.rollback() : tx.close();
      release();
      await ended; // the server rolled back with the stream: nothing to report
      expect(await first).toMatchObject({ code: 'SERVER_ERROR' });
      expect(streams.lent).toBe(0);
      // Nothing holds the write lock: the next writer gets it at once.
      const next = await client.transaction('write');
      await next.execute({ sql: 'insert into t (v) values (?) returning id', args: [end] });
      await next.commit();
      expect(await values()).toEqual([end]);
    }
  });
});
