import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageReadPlan } from '@mosaic/sdk/schema';
import { readStorageInputs, storageRevision } from './storage.js';
import { StorageInputCache } from './storage-input-cache.js';
import { openTenants, type Tenants } from './test-fixtures.js';

const PLUGIN = 'acme.reader';

describe('StorageInputCache', () => {
  const db = {};

  it('holds values at one revision and drops them when the revision moves on', () => {
    const cache = new StorageInputCache();
    cache.at(db, PLUGIN, 1).keep('a', '"x"');
    expect(cache.at(db, PLUGIN, 1).get('a')).toBe('"x"');
    expect(cache.at(db, PLUGIN, 2).get('a')).toBeUndefined();
    // Once dropped, the older revision does not bring them back.
    expect(cache.at(db, PLUGIN, 1).get('a')).toBeUndefined();
  });

  it('keeps plugins and databases apart', () => {
    const cache = new StorageInputCache();
    cache.at(db, PLUGIN, 1).keep('a', '"mine"');
    expect(cache.at(db, 'acme.other', 1).get('a')).toBeUndefined();
    expect(cache.at({}, PLUGIN, 1).get('a')).toBeUndefined();
    expect(cache.at(db, PLUGIN, 1).get('a')).toBe('"mine"');
  });

  it('holds a missing row as null', () => {
    const cache = new StorageInputCache();
    cache.at(db, PLUGIN, 0).keep('gone', null);
    expect(cache.at(db, PLUGIN, 0).get('gone')).toBeNull();
  });

  it('holds no more than its share per plugin', () => {
    const cache = new StorageInputCache({ totalChars: 1_000, pluginChars: 10 });
    const held = cache.at(db, PLUGIN, 1);
    held.keep('a', '"1234"'); // 7 chars
    held.keep('b', '"5678"'); // would make 14
    expect(held.get('a')).toBe('"1234"');
    expect(held.get('b')).toBeUndefined();
  });

  it('drops the values of the plugin read least recently when all of them exceed the total', () => {
    const cache = new StorageInputCache({ totalChars: 20, pluginChars: 10 });
    const [first, second, third] = [{}, {}, {}].map((d, i) => {
      const held = cache.at(d, PLUGIN, 1);
      held.keep('k', `"${'x'.repeat(6)}${i}"`); // 10 chars each
      cache.account(held);
      return { d, held };
    });
    expect(cache.totalChars).toBeLessThanOrEqual(20);
    expect(cache.at(first!.d, PLUGIN, 1).get('k')).toBeUndefined();
    expect(second!.held.get('k')).toBe('"xxxxxx1"');
    expect(third!.held.get('k')).toBe('"xxxxxx2"');
  });
});

describe('readStorageInputs', () => {
  let tenants: Tenants;
  const plan = storageReadPlan(['note:{id}', 'summary:{order:{id}[]}'], [{ id: 'o1' }, { id: 'o2' }]);
  const set = (key: string, value: string) =>
    tenants.a.data.client.execute({
      sql: 'insert into plugin_storage (plugin_id, key, value, updated_at) values (?, ?, ?, 0) on conflict (plugin_id, key) do update set value = excluded.value',
      args: [PLUGIN, key, value],
    });
  const read = async (cache: StorageInputCache) =>
    JSON.parse(await readStorageInputs(tenants.a.data.db, PLUGIN, plan, await storageRevision(tenants.a.data.db, PLUGIN), cache)) as { keys: string[]; values: unknown[] };

  beforeAll(async () => {
    tenants = await openTenants();
    await set('note:o1', '"fragile"');
    await set('order:o1', '["p1","p2"]');
    await set('summary:p1', '{"status":"IN_TRANSIT"}');
  });
  afterAll(() => tenants.close());

  it('reads the keys and the keys the followed ones name, null where storage has none', async () => {
    const sent = await read(new StorageInputCache());
    expect(sent.keys).toEqual(['note:o1', 'order:o1', 'note:o2', 'order:o2', 'summary:p1', 'summary:p2']);
    expect(sent.values).toEqual(['fragile', ['p1', 'p2'], null, null, { status: 'IN_TRANSIT' }, null]);
  });

  it('serves held values while the revision stands, and reads again once a write moved it', async () => {
    const cache = new StorageInputCache();
    await read(cache);
    // Changed with the revision trigger off: the revision stands, so the held value is what is sent.
    await tenants.a.data.client.execute('drop trigger plugin_storage_revision_on_update');
    try {
      await set('note:o1', '"unseen"');
      expect((await read(cache)).values[0]).toBe('fragile');
    } finally {
      await tenants.a.data.client.execute(`create trigger plugin_storage_revision_on_update after update on plugin_storage begin
        insert into plugin_storage_revisions (plugin_id, revision) values (new.plugin_id, 1)
          on conflict (plugin_id) do update set revision = revision + 1; end`);
    }
    // Any write moves it (here an index entry, through the trigger): everything is read again.
    await set('order:o2', '["p1"]');
    const sent = await read(cache);
    expect(sent.values[0]).toBe('unseen');
    expect(sent.values[3]).toEqual(['p1']);
    expect(sent.keys).toEqual(['note:o1', 'order:o1', 'note:o2', 'order:o2', 'summary:p1', 'summary:p2']);
  });

  it('moves the revision on insert, update and delete, for the plugin written only', async () => {
    const revision = async (plugin: string) =>
      (await tenants.a.data.client.execute({ sql: 'select revision from plugin_storage_revisions where plugin_id = ?', args: [plugin] })).rows[0]?.revision ?? 0;
    const before = Number(await revision(PLUGIN));
    await set('fresh', '1');
    await set('fresh', '2');
    await tenants.a.data.client.execute({ sql: 'delete from plugin_storage where plugin_id = ? and key = ?', args: [PLUGIN, 'fresh'] });
    expect(Number(await revision(PLUGIN))).toBe(before + 3);
    expect(await revision('acme.other')).toBe(0);
  });
});
