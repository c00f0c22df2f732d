import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibsqlClient } from './libsql-client.js';

/** Open file descriptors of this process on `file` (the database itself, not its -wal or -shm). */
const openHandles = (file: string) => readdirSync('/proc/self/fd').filter((fd) => {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`) === file;
  } catch {
    return false; // closed between the listing and the read
  }
}).length;

describe('write transactions of an embedded database', () => {
  let dir: string;
  let client: Client;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-write-connection-'));
    client = openLibsqlClient({ kind: 'embedded', dataDir: dir }, 'w');
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('create table t (id integer primary key, v text not null)');
  });
  afterEach(() => {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('run on one connection: 300 transactions open no new file handle', async () => {
    const file = join(dir, 'w.db');
    for (let i = 0; i < 300; i++) {
      const tx = await client.transaction('write');
      await tx.execute({ sql: 'insert into t (v) values (?)', args: [`row ${i}`] });
      if (i % 3 === 2) await tx.rollback();
      else await tx.commit();
      tx.close();
    }
    expect((await client.execute('select count(*) as n from t')).rows[0]!.n).toBe(200);
    // The client's connection and the write connection (libsql left one behind per transaction).
    expect(openHandles(file)).toBeLessThanOrEqual(2);
  });

  it('one at a time, isolated from reads, and a failed commit or statement leaves nothing open', async () => {
    const first = await client.transaction('write');
    await first.execute("insert into t (v) values ('first')");
    let secondStarted = false;
    const second = client.transaction('write').then(async (tx) => {
      secondStarted = true;
      await tx.execute("insert into t (v) values ('second')");
      await tx.commit();
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(secondStarted).toBe(false);
    // A read on the client does not see the open transaction's row.
    expect((await client.execute('select count(*) as n from t')).rows[0]!.n).toBe(0);
    await first.commit();
    await second;
    expect((await client.execute('select v from t order by id')).rows.map((r) => r.v)).toEqual(['first', 'second']);

    const failing = await client.transaction('write');
    await expect(failing.execute('insert into nowhere values (1)')).rejects.toThrow(/no such table/);
    await failing.rollback();
    await failing.rollback(); // a second rollback does nothing, as libsql's
    await expect(failing.execute("insert into t (v) values ('late')")).rejects.toThrow(/closed/);
    const next = await client.transaction('write');
    await next.execute("insert into t (v) values ('third')");
    await next.commit();
    expect((await client.execute('select count(*) as n from t')).rows[0]!.n).toBe(3);
  });

  it('drops a connection whose statement failed: a BEGIN another process kept waiting does not block the next commit', async () => {
    // A second client on the same file, as another core process has.
    const other = openLibsqlClient({ kind: 'embedded', dataDir: dir }, 'w');
    try {
      const holding = await client.transaction('write');
      await holding.execute("insert into t (v) values ('first')");
      await expect(other.transaction('write')).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      await holding.commit();
      const next = await other.transaction('write');
      await next.execute("insert into t (v) values ('second')");
      await next.commit();
      expect((await client.execute('select v from t order by id')).rows.map((r) => r.v)).toEqual(['first', 'second']);
    } finally {
      other.close();
    }
  }, 30_000);

  it('writes outside a transaction wait for its end on the same connection instead of failing busy', async () => {
    const holding = await client.transaction('write');
    await holding.execute("insert into t (v) values ('in the transaction')");
    const autocommit = client.execute("insert into t (v) values ('autocommit')");
    const batched = client.batch(["insert into t (v) values ('batch')"], 'write');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await holding.commit();
    await Promise.all([autocommit, batched]);
    expect((await client.execute('select v from t order by id')).rows.map((r) => r.v)).toEqual(['in the transaction', 'autocommit', 'batch']);
  }, 30_000);
});
