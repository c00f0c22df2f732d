import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDatabase, countRows, readSchema } from './logical-copy.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-logical-copy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open = (name: string): Client => createClient({ url: `file:${join(dir, name)}` });

/** A small database with what the tenant schema uses: an external-content FTS5 index kept by triggers, AUTOINCREMENT, a foreign key, a view. */
async function sourceDatabase(): Promise<Client> {
  const db = open('source.db');
  await db.executeMultiple(`
    create table authors (id integer primary key autoincrement, name text not null);
    create table articles (id text primary key, author_id integer not null references authors(id), title text, body text,
      title_length integer generated always as (length(title)) virtual);
    create index articles_author_idx on articles(author_id);
    create virtual table articles_fts using fts5(title, body, content='articles', content_rowid='rowid');
    create trigger articles_fts_ai after insert on articles begin
      insert into articles_fts(rowid, title, body) values (new.rowid, new.title, new.body);
    end;
    create trigger articles_fts_ad after delete on articles begin
      insert into articles_fts(articles_fts, rowid, title, body) values ('delete', old.rowid, old.title, old.body);
    end;
    create view long_titles as select id from articles where title_length > 12;
  `);
  for (let i = 1; i <= 5; i++) await db.execute({ sql: 'insert into authors (name) values (?)', args: [`author ${i}`] });
  await db.execute('delete from authors where id = 5'); // the counter stays at 5
  // More rows than one page of the copy (2 000), in one transaction.
  await db.batch(Array.from({ length: 2_500 }, (_, i) => ({
    sql: 'insert into articles (id, author_id, title, body) values (?, ?, ?, ?)',
    args: [`a${i}`, (i % 4) + 1, `title ${i} word${i}`, i % 2 ? 'odd body' : 'even body'],
  })), 'write');
  await db.execute("delete from articles where id in ('a1', 'a2', 'a3')"); // gaps in the rowids
  return db;
}

describe('copyDatabase', () => {
  let source: Client;
  let target: Client;
  let counts: Record<string, number>;
  beforeAll(async () => {
    source = await sourceDatabase();
    target = open('target.db');
    const read = await source.transaction('read');
    const write = await target.transaction('write');
    counts = await copyDatabase(read, write);
    await write.commit();
    read.close();
  });
  afterAll(() => { source.close(); target.close(); });

  it('copies every row of every ordinary table and counts them like countRows', async () => {
    expect(counts).toEqual({ authors: 4, articles: 2_497 });
    expect(await countRows(target)).toEqual(await countRows(source));
    const rows = async (db: Client) => (await db.execute('select id, author_id, title, body, title_length from articles order by id')).rows.map((r) => [...Object.values(r)]);
    expect(await rows(target)).toEqual(await rows(source));
  });

  it('recreates the schema: the same objects, FTS shadow tables made by the index itself', async () => {
    const names = async (db: Client) => (await readSchema(db)).map((o) => `${o.type}:${o.name}`).sort();
    expect(await names(target)).toEqual(await names(source));
    expect(await names(target)).toContain('trigger:articles_fts_ai');
  });

  it('leaves a search index that matches the rows, and triggers that keep it so', async () => {
    const check = await target.execute("insert into articles_fts(articles_fts, rank) values ('integrity-check', 1)");
    expect(check.rowsAffected).toBeGreaterThanOrEqual(0);
    const search = async (word: string) => (await target.execute({ sql: 'select a.id from articles_fts f join articles a on a.rowid = f.rowid where articles_fts match ?', args: [word] })).rows.map((r) => r.id);
    expect(await search('word2000')).toEqual(['a2000']);
    expect(await search('word2')).toEqual([]);
    await target.execute("insert into articles (id, author_id, title, body) values ('new', 1, 'fresh words', 'x')");
    expect(await search('fresh')).toEqual(['new']);
  });

  it('keeps the AUTOINCREMENT counter, so a deleted id is not handed out again', async () => {
    const inserted = await target.execute("insert into authors (name) values ('next') returning id");
    expect(inserted.rows[0]!.id).toBe(6);
  });

  it('copies into a transaction that rolls back whole when the target refuses', async () => {
    const clash = open('clash.db');
    await clash.execute('create table authors (id integer primary key)');
    const read = await source.transaction('read');
    const write = await clash.transaction('write');
    await expect(copyDatabase(read, write)).rejects.toThrow(/already exists/);
    write.close();
    read.close();
    expect((await readSchema(clash)).map((o) => o.name)).toEqual(['authors']);
    clash.close();
  });
});
