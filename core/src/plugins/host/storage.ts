import { and, asc, eq, sql } from 'drizzle-orm';
import {
  followableValue, followedKeys, MAX_STORAGE_KEY_BYTES, MAX_STORAGE_KEYS_PER_READ, TOO_MANY_STORAGE_KEYS, type StorageReadPlan,
} from '@mosaic/sdk/schema';
import { z } from 'zod';
import { RawJson } from '@mosaic/sandbox';
import { perDatabase } from '../../db/prepared.js';
import type { TenantDrizzle } from '../../db/tenant-db.js';
import { pluginStorage, pluginStorageRevisions } from '../../db/tenant-schema.js';
import { identifierArg, jsonValueArg, parseArgs, utf8Bytes } from './args.js';
import { HostError, requireScope } from './errors.js';
import { StorageInputCache, type HeldValues } from './storage-input-cache.js';
import type { CapabilityHandlers, HostDeps } from './types.js';

// A NUL would come back cut short from SQLite and a lone surrogate be stored as U+FFFD, so a key
// could not be listed as it was set: both are refused with every other control character.
const key = identifierArg(MAX_STORAGE_KEY_BYTES);
const keyArgs = z.strictObject({ key });
const manyKeysArgs = z.strictObject({ keys: z.array(key).max(MAX_STORAGE_KEYS_PER_READ, TOO_MANY_STORAGE_KEYS) });
const setArgs = z.strictObject({ key, value: jsonValueArg });
const listArgs = z.strictObject({ prefix: identifierArg(MAX_STORAGE_KEY_BYTES, { allowEmpty: true }).optional() });

/** Bytes a row counts against the quota: key and value, as SQLite stores them (UTF-8). */
const rowBytes = sql<number>`length(cast(${pluginStorage.key} as blob)) + length(cast(${pluginStorage.value} as blob))`;

/**
 * The reads plugins make on every request, prepared once per database. A batch's keys go in as
 * one JSON array, and SQLite answers with the JSON array the plugin gets, in the keys' order,
 * null where a key is missing: one row to hand over instead of one per key to read, map and join
 * in here (a third of the time for 50 keys).
 */
const readsOf = perDatabase((db: TenantDrizzle) => {
  const plugin = sql.placeholder('plugin');
  // The keys of the JSON array `keys`, each with the plugin's row for it, if any.
  const wanted = sql`json_each(${sql.placeholder('keys')}) as wanted`;
  const wantedRow = and(eq(pluginStorage.pluginId, plugin), sql`${pluginStorage.key} = wanted.value`);
  return {
    one: db.select({ value: pluginStorage.value }).from(pluginStorage)
      .where(and(eq(pluginStorage.pluginId, plugin), eq(pluginStorage.key, sql.placeholder('key')))).prepare(),
    // One row: the JSON array of the value of each key of the JSON array `keys`, in order. Values
    // are JSON text the core wrote (storage.set), so they are joined as they are.
    many: db.select({ values: sql<string>`'[' || group_concat(coalesce(${pluginStorage.value}, 'null'), ',' order by wanted.key) || ']'` })
      .from(wanted).leftJoin(pluginStorage, wantedRow).prepare(),
    revision: db.select({ revision: pluginStorageRevisions.revision }).from(pluginStorageRevisions)
      .where(eq(pluginStorageRevisions.pluginId, plugin)).prepare(),
    // Storage inputs the cache does not hold: a row per key, to be held one by one.
    rows: db.select({ key: sql<string>`wanted.value`, value: pluginStorage.value }).from(wanted).leftJoin(pluginStorage, wantedRow).prepare(),
  };
});

/** The storage inputs' values held across calls (storage-input-cache.ts). */
const heldInputs = new StorageInputCache();

/**
 * The plugin's storage revision in `db` (0 before its first write): moved on by every write, so
 * what was read at one revision holds while it stands. Read it before any value: a value read
 * after it is as new as the revision or newer, never older.
 */
export async function storageRevision(db: TenantDrizzle, pluginId: string): Promise<number> {
  const [found] = await readsOf(db).revision.all({ plugin: pluginId });
  return found?.revision ?? 0;
}

/**
 * What a call's storage inputs read of the plugin's storage (sandbox `Invocation.storageJson`):
 * `{"keys":[...],"values":[...]}`, the values as stored, null where a key has none. The plan's
 * keys were made from declared templates and checked by the storage key rules; its followed keys
 * are read first, and the strings they hold make the rest (sdk `followedKeys`). Values come from
 * the cache while `revision` (storageRevision, read before) stands, else from the table.
 */
export async function readStorageInputs(
  db: TenantDrizzle, pluginId: string, plan: StorageReadPlan, revision: number, cache = heldInputs,
): Promise<string> {
  const held = cache.at(db, pluginId, revision);
  let keys = plan.keys;
  if (plan.follow.length > 0) {
    const followed = [...new Set(plan.follow.map((f) => f.key))];
    const values = await heldOrRead(db, pluginId, held, followed);
    const byKey = new Map(followed.map((key, i) => [key, followableValue(values[i])]));
    keys = [...keys, ...followedKeys(plan, (key) => byKey.get(key))];
  }
  const values = await heldOrRead(db, pluginId, held, keys);
  cache.account(held);
  return `{"keys":${JSON.stringify(keys)},"values":[${values.join(',')}]}`;
}

/** The values of `keys` as JSON text ('null' where a key has none): held ones, the rest read in one statement and held. */
async function heldOrRead(db: TenantDrizzle, pluginId: string, held: HeldValues, keys: readonly string[]): Promise<string[]> {
  const missing = keys.filter((key) => held.get(key) === undefined);
  const read = new Map<string, string | null>();
  if (missing.length > 0) {
    for (const row of await readsOf(db).rows.all({ plugin: pluginId, keys: JSON.stringify([...new Set(missing)]) })) {
      read.set(row.key, row.value);
      held.keep(row.key, row.value);
    }
  }
  return keys.map((key) => held.get(key) ?? read.get(key) ?? 'null');
}

/** The JSON array of the values of the keys in `keysJson` (a JSON array), null where a key has none. */
async function valuesOf(db: TenantDrizzle, pluginId: string, keysJson: string): Promise<string> {
  const [row] = await readsOf(db).many.all({ plugin: pluginId, keys: keysJson });
  return row!.values;
}

/**
 * `storage`: the plugin's own JSON key-value store in the tenant's database. Rows are keyed by
 * plugin id, not installation, so they survive a reinstall until the data is purged.
 */
export function storageCapabilities({ installation, limits, tenant }: HostDeps): CapabilityHandlers {
  const { pluginId } = installation;
  const mine = eq(pluginStorage.pluginId, pluginId);
  const row = (k: string) => and(mine, eq(pluginStorage.key, k));

  return {
    'storage.get': async (args) => {
      requireScope(installation, 'storage');
      const parsed = parseArgs('storage.get', keyArgs, args);
      const [found] = await readsOf(tenant.data.db).one.all({ plugin: pluginId, key: parsed.key });
      return found === undefined ? null : new RawJson(found.value);
    },
    'storage.getMany': async (args) => {
      requireScope(installation, 'storage');
      const { keys } = parseArgs('storage.getMany', manyKeysArgs, args);
      if (keys.length === 0) return [];
      return new RawJson(await valuesOf(tenant.data.db, pluginId, JSON.stringify(keys)));
    },
    'storage.set': async (args) => {
      requireScope(installation, 'storage');
      const parsed = parseArgs('storage.set', setArgs, args);
      const value = JSON.stringify(parsed.value);
      const valueBytes = utf8Bytes(value);
      if (valueBytes > limits.maxStorageValueBytes) {
        throw new HostError('BAD_USER_INPUT', `storage value is ${valueBytes} bytes of JSON; the limit is ${limits.maxStorageValueBytes}`);
      }
      const bytes = utf8Bytes(parsed.key) + valueBytes;
      const now = new Date();
      // Read and write in one transaction, so concurrent sets cannot both squeeze under the quota.
      await tenant.data.write(async (tx) => {
        const [usage] = await tx
          .select({
            total: sql<number>`coalesce(sum(${rowBytes}), 0)`,
            replaced: sql<number>`coalesce(sum(case when ${pluginStorage.key} = ${parsed.key} then ${rowBytes} end), 0)`,
          })
          .from(pluginStorage)
          .where(mine);
        const after = (usage?.total ?? 0) - (usage?.replaced ?? 0) + bytes;
        if (after > limits.storageQuotaBytes) {
          throw new HostError(
            'QUOTA_EXCEEDED',
            `storage would hold ${after} bytes; this plugin may keep ${limits.storageQuotaBytes} (keys and values) in this tenant`,
          );
        }
        await tx
          .insert(pluginStorage)
          .values({ pluginId, key: parsed.key, value, updatedAt: now })
          .onConflictDoUpdate({ target: [pluginStorage.pluginId, pluginStorage.key], set: { value, updatedAt: now } });
      });
      return undefined;
    },
    'storage.delete': async (args) => {
      requireScope(installation, 'storage');
      const parsed = parseArgs('storage.delete', keyArgs, args);
      await tenant.data.write((tx) => tx.delete(pluginStorage).where(row(parsed.key)));
      return undefined;
    },
    'storage.list': async (args) => {
      requireScope(installation, 'storage');
      const { prefix = '' } = parseArgs('storage.list', listArgs, args);
      // instr() = 1 is "starts with", compared exactly; LIKE would fold ASCII case and need escaping.
      const rows = await tenant.data.db
        .select({ key: pluginStorage.key })
        .from(pluginStorage)
        .where(prefix === '' ? mine : and(mine, sql`instr(${pluginStorage.key}, ${prefix}) = 1`))
        .orderBy(asc(pluginStorage.key));
      return rows.map((r) => r.key);
    },
  };
}
