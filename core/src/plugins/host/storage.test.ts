import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pluginStorage } from '../../db/tenant-schema.js';
import { hostFor, openTenants, refusal, type Tenants } from './test-fixtures.js';

let tenants: Tenants;

beforeAll(async () => {
  tenants = await openTenants();
});
afterAll(() => tenants.close());

const rowsOf = (pluginId: string) =>
  tenants.a.data.db.select().from(pluginStorage).where(eq(pluginStorage.pluginId, pluginId)).orderBy(pluginStorage.key);

describe('storage round trip', () => {
  it('stores JSON values, overwrites, lists by exact prefix and deletes', async () => {
    const { host } = hostFor(tenants.a, { pluginId: 'roundtrip' });
    const value = { n: 1.5, ok: true, none: null, list: [1, 'two', { three: 3 }], text: 'héllo ☃' };
    expect(await host('storage.set', { key: 'order:1', value })).toBeUndefined();
    expect(await host('storage.get', { key: 'order:1' })).toEqual(value);
    await host('storage.set', { key: 'order:1', value: 'replaced' });
    expect(await host('storage.get', { key: 'order:1' })).toBe('replaced');
    await host('storage.set', { key: 'order:2', value: 0 });
    await host('storage.set', { key: 'ORDER:3', value: false });
    await host('storage.set', { key: 'order%', value: [] });
    expect(await host('storage.list', { prefix: 'order:' })).toEqual(['order:1', 'order:2']);
    // No LIKE semantics: case matters and % is a plain character.
    expect(await host('storage.list', { prefix: 'order%' })).toEqual(['order%']);
    expect(await host('storage.list', {})).toEqual(['ORDER:3', 'order%', 'order:1', 'order:2']);
    expect(await host('storage.delete', { key: 'order:1' })).toBeUndefined();
    expect(await host('storage.get', { key: 'order:1' })).toBeNull();
    expect(await host('storage.delete', { key: 'never-set' })).toBeUndefined();
  });

  it("keeps two plugins' data apart, and a reinstall (new installation, same plugin) keeps it", async () => {
    const one = hostFor(tenants.a, { pluginId: 'one' }).host;
    const two = hostFor(tenants.a, { pluginId: 'two' }).host;
    await one('storage.set', { key: 'k', value: 'one' });
    await two('storage.set', { key: 'k', value: 'two' });
    await two('storage.set', { key: 'only-two', value: 2 });
    expect(await one('storage.get', { key: 'k' })).toBe('one');
    expect(await one('storage.get', { key: 'only-two' })).toBeNull();
    expect(await one('storage.list', {})).toEqual(['k']);
    await one('storage.delete', { key: 'only-two' });
    expect(await two('storage.get', { key: 'only-two' })).toBe(2);
    const reinstalled = hostFor(tenants.a, { pluginId: 'one', installationId: 'inst-one-again' }).host;
    expect(await reinstalled('storage.get', { key: 'k' })).toBe('one');
    // Another tenant's database has none of it.
    expect(await hostFor(tenants.b, { pluginId: 'one' }).host('storage.list', {})).toEqual([]);
  });
});

describe('storage.getMany', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers in the order of the keys, null where a key is not set, in one select', async () => {
    const { host } = hostFor(tenants.a, { pluginId: 'many' });
    await host('storage.set', { key: 'parcel:2', value: { status: 'DELIVERED' } });
    await host('storage.set', { key: 'parcel:1', value: [1, 'one'] });
    await host('storage.set', { key: '__proto__', value: 'a key like any other' });
    await host('storage.set', { key: 'zero', value: 0 });
    // Statements as the database client runs them (the reads are built once, not per call).
    const select = vi.spyOn(tenants.a.data.client, 'execute');
    const keys = ['parcel:1', 'missing', 'parcel:2', 'zero', '__proto__', 'parcel:1', 'PARCEL:1'];
    expect(await host('storage.getMany', { keys })).toEqual([
      [1, 'one'], null, { status: 'DELIVERED' }, 0, 'a key like any other', [1, 'one'], null,
    ]);
    expect(select).toHaveBeenCalledTimes(1);
    expect(await host('storage.getMany', { keys: [] })).toEqual([]);
    expect(select).toHaveBeenCalledTimes(1);
    // A full batch is still one statement.
    const hundred = Array.from({ length: 100 }, (_, i) => `parcel:${i}`);
    const values = (await host('storage.getMany', { keys: hundred })) as unknown[];
    expect(values.filter((v) => v !== null)).toEqual([[1, 'one'], { status: 'DELIVERED' }]);
    expect(select).toHaveBeenCalledTimes(2);
  });

  it("never reads another plugin's keys, nor another tenant's", async () => {
    await hostFor(tenants.a, { pluginId: 'other' }).host('storage.set', { key: 'shared', value: 'other' });
    await hostFor(tenants.b, { pluginId: 'mine' }).host('storage.set', { key: 'shared', value: 'tenant b' });
    const mine = hostFor(tenants.a, { pluginId: 'mine' }).host;
    await mine('storage.set', { key: 'own', value: 'mine' });
    expect(await mine('storage.getMany', { keys: ['shared', 'own'] })).toEqual([null, 'mine']);
    // A reinstall reads the plugin's rows, as get does.
    const reinstalled = hostFor(tenants.a, { pluginId: 'mine', installationId: 'inst-mine-again' }).host;
    expect(await reinstalled('storage.getMany', { keys: ['own'] })).toEqual(['mine']);
  });

  it('refuses more than 100 keys, a bad key or a non-array with BAD_USER_INPUT before any SQL', async () => {
    const { host } = hostFor(tenants.a, { pluginId: 'many-bad' });
    const select = vi.spyOn(tenants.a.data.db, 'select');
    const tooMany = await refusal(host('storage.getMany', { keys: Array.from({ length: 101 }, (_, i) => `k${i}`) }), 'BAD_USER_INPUT');
    expect(tooMany.message).toBe('invalid arguments for storage.getMany: keys: holds more than 100 keys; read at most 100 per call');
    const bad = await refusal(host('storage.getMany', { keys: ['fine', 'a\u0000b'] }), 'BAD_USER_INPUT');
    expect(bad.message).toBe('invalid arguments for storage.getMany: keys.1: contains the control character U+0000');
    await refusal(host('storage.getMany', { keys: ['k'.repeat(501)] }), 'BAD_USER_INPUT');
    await refusal(host('storage.getMany', { keys: [''] }), 'BAD_USER_INPUT');
    await refusal(host('storage.getMany', { keys: [7] }), 'BAD_USER_INPUT');
    await refusal(host('storage.getMany', { keys: 'k' }), 'BAD_USER_INPUT');
    await refusal(host('storage.getMany', {}), 'BAD_USER_INPUT');
    await refusal(host('storage.getMany', { keys: ['k'], extra: 1 }), 'BAD_USER_INPUT');
    expect(select).not.toHaveBeenCalled();
  });
});

describe('storage limits', () => {
  it('refuses a set that would pass the quota with QUOTA_EXCEEDED, leaving everything as it was', async () => {
    const { host } = hostFor(tenants.a, { pluginId: 'quota', limits: { storageQuotaBytes: 1000, maxStorageValueBytes: 600 } });
    const big = 'x'.repeat(400); // 402 bytes of JSON, 403 with the key 'a'
    await host('storage.set', { key: 'a', value: big });
    await host('storage.set', { key: 'b', value: big });
    const before = await rowsOf('quota');
    const error = await refusal(host('storage.set', { key: 'c', value: big }), 'QUOTA_EXCEEDED');
    expect(error.message).toContain('1000');
    // Growing an existing value past the quota is refused too, and the old value stays whole.
    await refusal(host('storage.set', { key: 'a', value: 'y'.repeat(595) }), 'QUOTA_EXCEEDED');
    expect(await rowsOf('quota')).toEqual(before);
    // Replacing counts the old value out: the same size again fits, and so does a smaller one.
    await host('storage.set', { key: 'a', value: 'z'.repeat(400) });
    await host('storage.set', { key: 'b', value: 'small' });
    await host('storage.set', { key: 'c', value: big });
    expect(await host('storage.list', {})).toEqual(['a', 'b', 'c']);
  });

  it('counts keys and multi-byte characters as bytes', async () => {
    const { host } = hostFor(tenants.a, { pluginId: 'bytes', limits: { storageQuotaBytes: 100 } });
    await refusal(host('storage.set', { key: 'k'.repeat(100), value: 1 }), 'QUOTA_EXCEEDED');
    await refusal(host('storage.set', { key: 'k', value: '☃'.repeat(33) }), 'QUOTA_EXCEEDED'); // 1 + 2 + 99 bytes
    await host('storage.set', { key: 'k', value: '☃'.repeat(32) });
  });

  it('never lets concurrent sets together pass the quota', async () => {
    const { host } = hostFor(tenants.a, { pluginId: 'race', limits: { storageQuotaBytes: 1000 } });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => host('storage.set', { key: `k${String(i).padStart(2, '0')}`, value: 'v'.repeat(100) })),
    );
    const stored = await rowsOf('race');
    const bytes = stored.reduce((sum, r) => sum + Buffer.byteLength(r.key) + Buffer.byteLength(r.value), 0);
    expect(bytes).toBeLessThanOrEqual(1000);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(stored.length);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r.reason as { code: string }).code === 'QUOTA_EXCEEDED')).toBe(true);
  });

  it('refuses a value over the per-value limit, a key over 500 bytes and an empty key', async () => {
    const { host } = hostFor(tenants.a, { pluginId: 'sizes', limits: { maxStorageValueBytes: 100 } });
    const error = await refusal(host('storage.set', { key: 'k', value: 'x'.repeat(99) }), 'BAD_USER_INPUT');
    expect(error.message).toBe('storage value is 101 bytes of JSON; the limit is 100');
    await refusal(host('storage.set', { key: 'k'.repeat(501), value: 1 }), 'BAD_USER_INPUT');
    await refusal(host('storage.get', { key: '' }), 'BAD_USER_INPUT');
    await refusal(host('storage.list', { prefix: 'p'.repeat(501) }), 'BAD_USER_INPUT');
    await refusal(host('storage.set', { key: 'k' }), 'BAD_USER_INPUT');
    expect(await rowsOf('sizes')).toEqual([]);
  });
});

describe('storage keys: one identifier rule, and list() gives back every key exactly as it was set', () => {
  /** Sorted as SQLite compares TEXT: by UTF-8 bytes. */
  const byUtf8 = (keys: string[]) => [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const atCap = `${'漢'.repeat(166)}ab`; // 166 × 3 + 2 = 500 bytes of UTF-8

  it.each([
    ['a NUL', 'a\u0000b', /key: contains the control character U\+0000/],
    ['a lone high surrogate', '\uD800', /key: is not well-formed Unicode/],
    ['a lone low surrogate', 'x\uDC00', /key: is not well-formed Unicode/],
    ['a tab', 'a\tb', /key: contains the control character U\+0009/],
    ['a line feed', 'a\nb', /key: contains the control character U\+000A/],
    ['DEL', 'a\u007Fb', /key: contains the control character U\+007F/],
    ['501 bytes', `${atCap}c`, /key: is 501 bytes of UTF-8; the limit is 500/],
  ])('refuses a key with %s in every capability, writing nothing', async (_what, bad, why) => {
    const { host } = hostFor(tenants.a, { pluginId: 'bad-keys' });
    for (const [capability, args] of [
      ['storage.set', { key: bad, value: 1 }], ['storage.get', { key: bad }], ['storage.delete', { key: bad }], ['storage.list', { prefix: bad }],
    ] as const) {
      const error = await refusal(host(capability, args), 'BAD_USER_INPUT');
      expect(error.message).toMatch(capability === 'storage.list' ? new RegExp(why.source.replace('key', 'prefix')) : why);
      expect(error.message).toMatch(new RegExp(`^invalid arguments for ${capability.replace('.', '\\.')}: `));
    }
    expect(await rowsOf('bad-keys')).toEqual([]);
  });

  it('U+FFFD is a key of its own, no longer one a lone surrogate collides with', async () => {
    const { host } = hostFor(tenants.a, { pluginId: 'replacement' });
    await host('storage.set', { key: '\uFFFD', value: 'mine' });
    await refusal(host('storage.set', { key: '\uD800', value: 'theirs' }), 'BAD_USER_INPUT');
    expect(await host('storage.get', { key: '\uFFFD' })).toBe('mine');
    expect(await host('storage.list', {})).toEqual(['\uFFFD']);
  });

  it('lists by prefixes holding LIKE and GLOB metacharacters, backslashes and multi-byte text, up to the byte cap', async () => {
    const { host } = hostFor(tenants.a, { pluginId: 'prefixes' });
    const keys = [
      'a%b', 'a%', 'aXb', 'a_b', 'a_', 'aab', 'a*b', 'a*', 'a?b', 'a[b]', 'a[', 'ab]', 'a\\b', 'a\\', 'a\\%', 'A%b', "a'b", 'a"b',
      '漢字/1', '漢字/2', '漢/3', '漢', 'é', 'e\u0301', '🎉x', '🎉', '\uE000', 'tab-free spaces ok', atCap, `${atCap.slice(0, -1)}c`,
    ];
    for (const [i, key] of keys.entries()) await host('storage.set', { key, value: i });
    const prefixes = [
      '', 'a', 'a%', 'a_', 'a*', 'a?', 'a[', 'a[b', 'a\\', 'a\\%', '%', '_', '*', '[', '\\', "a'", 'a"', 'A',
      '漢', '漢字', '漢字/', 'e', 'é', '🎉', atCap, atCap.slice(0, -1), atCap.slice(0, 3),
    ];
    for (const prefix of prefixes) {
      const listed = await host('storage.list', prefix === '' ? {} : { prefix });
      expect(listed, `prefix ${JSON.stringify(prefix)}`).toEqual(byUtf8(keys.filter((k) => k.startsWith(prefix))));
    }
    // Every key comes back byte for byte, and reads back its own value.
    expect(await host('storage.list', {})).toEqual(byUtf8(keys));
    for (const [i, key] of keys.entries()) expect(await host('storage.get', { key })).toBe(i);
  });
});
