import type { JsonValue, PluginContext } from '@mosaic/sdk';
import type { Config } from './config.js';
import { parcelKey, type ParcelRef } from './shipment.js';
import { bestEffort, set } from './store.js';

/**
 * Which parcels are attached to which order. `order:<orderId>` holds an order's parcels
 * (`CARRIER:number` each), so the orders of a request level are read with one `getMany`, whatever
 * the tenant's number of parcels. Parcels attached before those keys existed are only in
 * `attached:<orderId>:<CARRIER>:<number>` keys, found with a `list` over all of them; until every
 * order has its key (`attachments:indexed`), reads use that list and move a few orders per call
 * to their key (`attachments:cursor`: the last order id moved). New attachments write both keys.
 */

type Ctx = PluginContext<Config>;

const ATTACHED = 'attached:';
const INDEXED = 'attachments:indexed';
const CURSOR = 'attachments:cursor';
/** The host's `getMany` limit. */
const KEYS_PER_READ = 100;
/** Orders moved to their key per call: a few writes, well within the host's 100 calls. */
const MOVED_PER_CALL = 10;

const orderKey = (orderId: string): string => `order:${orderId}`;

/** What `readAttached` reads for orders with an `id`, as storage input templates: the host sends them with the call. */
export const ATTACHED_STORAGE_INPUTS = [INDEXED, CURSOR, 'order:{id}'];
const attachedKey = (orderId: string, ref: ParcelRef): string => `${ATTACHED}${orderId}:${parcelKey(ref)}`;

/** Parcels attached to each order, in the order they were attached. */
export async function readAttached(ctx: Ctx, orderIds: readonly string[]): Promise<Map<string, ParcelRef[]>> {
  const wanted = [...new Set(orderIds)];
  const [indexed, cursor, ...lists] = await getMany(ctx, [INDEXED, CURSOR, ...wanted.map(orderKey)]);
  if (indexed === true) return new Map(wanted.map((id, i) => [id, refsOf(lists[i])]));
  const all = await listAttached(ctx);
  await bestEffort(ctx, 'the attachment index', moveSome(ctx, all, typeof cursor === 'string' ? cursor : null));
  return new Map(wanted.map((id) => [id, all.get(id) ?? []]));
}

/** Attaches `ref` to an order whose parcels, `ref` included, are `parcels`. */
export async function writeAttached(ctx: Ctx, orderId: string, ref: ParcelRef, parcels: readonly ParcelRef[]): Promise<void> {
  await set(ctx, attachedKey(orderId, ref), true);
  await set(ctx, orderKey(orderId), parcels.map(parcelKey));
}

async function getMany(ctx: Ctx, keys: readonly string[]): Promise<(JsonValue | null)[]> {
  const chunks = Array.from({ length: Math.ceil(keys.length / KEYS_PER_READ) }, (_, i) => keys.slice(i * KEYS_PER_READ, (i + 1) * KEYS_PER_READ));
  return (await Promise.all(chunks.map((chunk) => ctx.storage.getMany(chunk)))).flat();
}

function refsOf(value: JsonValue | null | undefined): ParcelRef[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((key) => {
    const [carrier, trackingNumber] = typeof key === 'string' ? key.split(':') : [];
    return (carrier === 'PARCELLY' || carrier === 'SHIPFAST') && trackingNumber ? [{ carrier, trackingNumber }] : [];
  });
}

/** Every `attached:` key, by order. */
async function listAttached(ctx: Ctx): Promise<Map<string, ParcelRef[]>> {
  const out = new Map<string, ParcelRef[]>();
  for (const key of await ctx.storage.list(ATTACHED)) {
    // The order id may hold colons; carrier and number never do, so read from the end.
    const parts = key.slice(ATTACHED.length).split(':');
    const trackingNumber = parts.pop();
    const carrier = parts.pop();
    const orderId = parts.join(':');
    if (!trackingNumber || (carrier !== 'PARCELLY' && carrier !== 'SHIPFAST')) continue;
    const list = out.get(orderId) ?? [];
    if (!out.has(orderId)) out.set(orderId, list);
    list.push({ carrier, trackingNumber });
  }
  return out;
}

/** Writes the keys of the next few orders after `cursor` (merged with what an attachment meanwhile wrote), then moves the cursor or marks the index complete. */
async function moveSome(ctx: Ctx, all: ReadonlyMap<string, ParcelRef[]>, cursor: string | null): Promise<void> {
  const next = [...all.keys()].sort().filter((id) => cursor === null || id > cursor).slice(0, MOVED_PER_CALL);
  if (next.length === 0) return set(ctx, INDEXED, true);
  const current = await getMany(ctx, next.map(orderKey));
  await Promise.all(next.map((id, i) => {
    const keys = [...new Set([...refsOf(current[i]), ...all.get(id)!].map(parcelKey))];
    return set(ctx, orderKey(id), keys);
  }));
  await set(ctx, CURSOR, next.at(-1)!);
}
