import type { JsonValue, PluginContext } from '@mosaic/sdk';
import type { Config } from './config.js';
import { parcelKey, type Carrier, type ParcelRef, type TrackedParcel } from './shipment.js';

/**
 * The plugin's storage, one place for its keys and shapes:
 * - `parcel:<CARRIER>:<number>`  what the carrier last said (null: it does not know the number) and when;
 * - `summary:<CARRIER>:<number>` the same without the event history (a few hundred bytes instead of
 *   up to 40 events), what the list fields read; parcels stored before it existed have none and are
 *   read from `parcel:` until their next refresh writes one;
 * - `link:<CARRIER>:<number>`    the order and customer a parcel belongs to;
 * - `order:<orderId>`, `attached:<orderId>:<CARRIER>:<number>`, `attachments:*`  the parcels
 *   attached to each order (see attachments.ts);
 * - `backoff:<CARRIER>`          until when that carrier must not be called (its Retry-After).
 */

type Ctx = PluginContext<Config>;

export interface ParcelRecord {
  parcel: TrackedParcel | null;
  checkedAt: string;
}

/** A parcel as the list fields show it: everything but the history. */
export type ParcelSummary = Omit<TrackedParcel, 'events'>;

export interface SummaryRecord {
  parcel: ParcelSummary | null;
  checkedAt: string;
}

export interface ParcelLink {
  orderId: string;
  customerId: string;
  orderNumber: string;
}

export interface Backoff {
  until: string;
  code: string;
  message: string;
}

const get = async <T>(ctx: Ctx, key: string): Promise<T | null> => (await ctx.storage.get(key)) as T | null;
export const set = (ctx: Ctx, key: string, value: unknown): Promise<void> => ctx.storage.set(key, value as JsonValue);

const parcelStorageKey = (ref: ParcelRef): string => `parcel:${parcelKey(ref)}`;
export const readParcel = (ctx: Ctx, ref: ParcelRef) => get<ParcelRecord>(ctx, parcelStorageKey(ref));
/** What is stored of each parcel, in the order of `refs`: one host call for all (at most 100, the host's `getMany` limit). */
export const readParcels = async (ctx: Ctx, refs: readonly ParcelRef[]): Promise<(ParcelRecord | null)[]> =>
  refs.length === 0 ? [] : ((await ctx.storage.getMany(refs.map(parcelStorageKey))) as (ParcelRecord | null)[]);

const summaryStorageKey = (ref: ParcelRef): string => `summary:${parcelKey(ref)}`;
/** As a storage input template: the summaries of the parcels an order lists (`order:<orderId>` holds their `CARRIER:number`s). */
export const ORDER_SUMMARIES_STORAGE_INPUT = 'summary:{order:{id}[]}';
/** The object without its `events`, whatever else it holds. */
export const withoutEvents = <T extends { events?: unknown }>({ events: _events, ...rest }: T): Omit<T, 'events'> => rest;
const summaryOf = (record: ParcelRecord): SummaryRecord => ({ parcel: record.parcel && withoutEvents(record.parcel), checkedAt: record.checkedAt });

/**
 * The summaries of `refs`, in order: one `getMany`, and a second one of the full records only for
 * parcels without a summary (stored before summaries existed, or whose summary could not be stored).
 */
export async function readSummaries(ctx: Ctx, refs: readonly ParcelRef[]): Promise<(SummaryRecord | null)[]> {
  if (refs.length === 0) return [];
  const summaries = (await ctx.storage.getMany(refs.map(summaryStorageKey))) as (SummaryRecord | null)[];
  const missing = refs.filter((_, i) => summaries[i] === null);
  if (missing.length === 0) return summaries;
  const full = await readParcels(ctx, missing);
  let next = 0;
  return summaries.map((summary) => {
    if (summary !== null) return summary;
    const record = full[next++] ?? null;
    return record && summaryOf(record);
  });
}

/**
 * Stores the full record, then its summary. A summary that cannot be stored is removed, so that
 * readers fall back to the full record instead of serving an older summary.
 */
export async function writeParcel(ctx: Ctx, ref: ParcelRef, record: ParcelRecord): Promise<void> {
  await set(ctx, parcelStorageKey(ref), record);
  try {
    await set(ctx, summaryStorageKey(ref), summaryOf(record));
  } catch (error) {
    await ctx.storage.delete(summaryStorageKey(ref)).catch(() => undefined);
    throw error;
  }
}

export const readLink = (ctx: Ctx, ref: ParcelRef) => get<ParcelLink>(ctx, `link:${parcelKey(ref)}`);
export const writeLink = (ctx: Ctx, ref: ParcelRef, link: ParcelLink) => set(ctx, `link:${parcelKey(ref)}`, link);
export const deleteLink = (ctx: Ctx, ref: ParcelRef) => ctx.storage.delete(`link:${parcelKey(ref)}`);

export const readBackoff = (ctx: Ctx, carrier: Carrier) => get<Backoff>(ctx, `backoff:${carrier}`);
export const writeBackoff = (ctx: Ctx, carrier: Carrier, backoff: Backoff) => set(ctx, `backoff:${carrier}`, backoff);

/** A full store costs only the cache: the answer in hand is still good. */
export async function bestEffort(ctx: Ctx, what: string, write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (error) {
    ctx.log.warn(`could not store ${what}`, { error: describe(error) });
  }
}

/** Host refusals carry a code (EGRESS_TIMEOUT, FORBIDDEN, ...); keep it in the log line. */
export function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? `${code}: ${String(message)}` : String(message ?? error);
}
