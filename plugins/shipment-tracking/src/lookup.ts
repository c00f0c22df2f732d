import type { FetchResponse, PluginContext } from '@mosaic/sdk';
import type { Config } from './config.js';
import { PARCELLY_AUTH, parcellyUrl, parseParcelly } from './parcelly.js';
import { parseShipFast, SHIPFAST_AUTH, SHIPFAST_BATCH, shipfastUrl } from './shipfast.js';
import { parcelKey, type Carrier, type ParcelRef, type TrackedParcel } from './shipment.js';
import {
  bestEffort, describe, readBackoff, readParcels, readSummaries, withoutEvents, writeBackoff, writeParcel,
  type ParcelRecord, type ParcelSummary, type SummaryRecord,
} from './store.js';

/**
 * Reads parcels the way every entry point needs them: from storage while fresh, else from the
 * carrier (ShipFast in batches, Parcelly one by one, within the host's per-call fetch limit),
 * never before a carrier's Retry-After has passed, and never failing: a parcel the carrier could
 * not be asked about comes back as last known, marked stale, with a coded syncError.
 */

type Ctx = PluginContext<Config>;

export type SyncErrorCode =
  | 'CARRIER_UNAVAILABLE' | 'CARRIER_RATE_LIMITED' | 'CARRIER_AUTH_FAILED' | 'CARRIER_BAD_RESPONSE'
  | 'TRACKING_NUMBER_UNKNOWN' | 'SYNC_DEFERRED';

export interface SyncError {
  code: SyncErrorCode;
  message: string;
  retryAfterSeconds: number | null;
}

/** The shape of Mosaic_ShipmentTracking_Shipment before its derived fields. */
export interface ShipmentView extends TrackedParcel {
  checkedAt: string | null;
  stale: boolean;
  syncError: SyncError | null;
}

/** A shipment without its history: what the list fields send (the history has its own resolver). */
export type ShipmentSummaryView = Omit<ShipmentView, 'events'>;

/*
 * One call may make 100 host calls and 10 fetches. Worst case here: the attachments (a list and 13
 * calls while older attachments are being moved to per-order keys, see attachments.ts), two reads of
 * 50 parcels, 2 back-off reads, 8 fetches, 50 parcel writes (record and summary), 2 back-off writes
 * and a few log lines.
 */
/** Carrier requests per call, under the host's 10. */
export const MAX_FETCHES = 8;
/** Parcels one call looks at (read together in one `storage.getMany`, whose limit is 100); the rest come back SYNC_DEFERRED. */
export const MAX_PARCELS = 50;
/** Parcels one call asks the carriers about (a storage write each); the rest are served as last known. */
export const MAX_REFRESHED = 25;
/** When a 429 names no Retry-After. */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

type Outcome = { record: ParcelRecord } | { error: SyncError };

export async function lookupParcels(refs: readonly ParcelRef[], ctx: Ctx, options: { force?: boolean } = {}): Promise<Map<string, ShipmentView>> {
  return (await lookup(refs, ctx, options, readParcels)) as Map<string, ShipmentView>;
}

/** As `lookupParcels`, without the histories: reads each parcel's small summary, not its events. */
export async function lookupSummaries(refs: readonly ParcelRef[], ctx: Ctx): Promise<Map<string, ShipmentSummaryView>> {
  const views = await lookup(refs, ctx, {}, readSummaries);
  // A parcel refreshed in this call comes back with its events: leave them out here too.
  for (const [key, view] of views) if ('events' in view) views.set(key, withoutEvents(view));
  return views;
}

type Stored = ParcelRecord | SummaryRecord;
type AnyView = ShipmentSummaryView | ShipmentView;

async function lookup(
  refs: readonly ParcelRef[],
  ctx: Ctx,
  options: { force?: boolean },
  read: (ctx: Ctx, refs: readonly ParcelRef[]) => Promise<(Stored | null)[]>,
): Promise<Map<string, AnyView>> {
  const unique = [...new Map(refs.map((r) => [parcelKey(r), r])).values()];
  const wanted = unique.slice(0, MAX_PARCELS);
  const now = Date.now();
  const stored = await read(ctx, wanted);
  const known = new Map(wanted.map((ref, i) => [parcelKey(ref), stored[i] ?? null]));

  const due = wanted.filter((ref) => options.force || !isFresh(known.get(parcelKey(ref)) ?? null, now, ctx.config.freshnessSeconds));
  const outcomes = await refresh(due.slice(0, MAX_REFRESHED), ctx, now);
  for (const ref of due.slice(MAX_REFRESHED)) outcomes.set(parcelKey(ref), { error: deferred() });

  const views = new Map<string, AnyView>();
  for (const ref of unique) {
    const key = parcelKey(ref);
    const last = known.get(key) ?? null;
    const outcome = outcomes.get(key);
    if (!known.has(key)) views.set(key, viewOf(ref, null, deferred()));
    else if (!outcome) views.set(key, viewOf(ref, last, null));
    else if ('record' in outcome) views.set(key, viewOf(ref, outcome.record, null));
    else views.set(key, viewOf(ref, last, outcome.error));
  }
  return views;
}

const isFresh = (record: Stored | null, now: number, seconds: number): boolean => {
  if (!record) return false;
  const age = now - Date.parse(record.checkedAt);
  return age >= 0 && age < seconds * 1000;
};

function viewOf(ref: ParcelRef, record: Stored | null, error: SyncError | null): AnyView {
  const parcel = record?.parcel;
  // A number the carrier does not know is news, not a sync failure: say so without calling it stale.
  const unknown = record && record.parcel === null && !error
    ? { code: 'TRACKING_NUMBER_UNKNOWN' as const, message: `${carrierName(ref.carrier)} has no parcel ${ref.trackingNumber} (yet); check the number, or wait until the label is scanned.`, retryAfterSeconds: null }
    : null;
  const state = { checkedAt: record?.checkedAt ?? null, stale: error !== null, syncError: error ?? unknown };
  if (!parcel) return { ...ref, status: 'UNKNOWN', eta: null, deliveredAt: null, lastLocation: null, events: [], ...state };
  // Written out field by field: a list field builds one view per parcel on every request, and
  // V8 copies an object literal of known fields several times faster than it spreads a parsed one.
  const view: ShipmentSummaryView = {
    carrier: parcel.carrier,
    trackingNumber: parcel.trackingNumber,
    status: parcel.status,
    eta: parcel.eta,
    deliveredAt: parcel.deliveredAt,
    lastLocation: parcel.lastLocation,
    checkedAt: state.checkedAt,
    stale: state.stale,
    syncError: state.syncError,
  };
  return 'events' in parcel ? { ...view, events: parcel.events } : view;
}

const deferred = (): SyncError => ({
  code: 'SYNC_DEFERRED',
  message: `Not checked with the carrier in this request (one request checks at most ${MAX_REFRESHED} parcels and looks at ${MAX_PARCELS}); ask again shortly.`,
  retryAfterSeconds: 0,
});

export const carrierName = (carrier: Carrier): string => (carrier === 'PARCELLY' ? 'Parcelly' : 'ShipFast');

/** Asks the carriers about `due` parcels, stores what they said, and says what happened to each. */
async function refresh(due: ParcelRef[], ctx: Ctx, now: number): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  if (due.length === 0) return outcomes;
  const shipfast = due.filter((r) => r.carrier === 'SHIPFAST');
  const parcelly = due.filter((r) => r.carrier === 'PARCELLY');
  // ShipFast answers 25 parcels a request, so it goes first; Parcelly gets the requests left.
  const shipfastBudget = Math.min(Math.ceil(shipfast.length / SHIPFAST_BATCH), MAX_FETCHES - (parcelly.length ? 1 : 0));
  await Promise.all([
    refreshCarrier('SHIPFAST', shipfast, ctx, now, budget(shipfastBudget), outcomes, shipfastBatches),
    refreshCarrier('PARCELLY', parcelly, ctx, now, budget(MAX_FETCHES - shipfastBudget), outcomes, parcellyOneByOne),
  ]);
  await Promise.all([...outcomes].map(([key, outcome]) => {
    if (!('record' in outcome)) return undefined;
    const ref = due.find((r) => parcelKey(r) === key)!;
    return bestEffort(ctx, `parcel ${key}`, writeParcel(ctx, ref, outcome.record));
  }));
  return outcomes;
}

interface Stop { stop: SyncError; backoff?: number }
/** What a carrier said about each parcel it was asked about, and why it stopped early, if it did. */
type Fetched = { outcomes: Map<string, Outcome>; stopped?: Stop };
type Fetcher = (refs: ParcelRef[], ctx: Ctx, take: () => boolean, now: number) => Promise<Fetched>;

async function refreshCarrier(carrier: Carrier, refs: ParcelRef[], ctx: Ctx, now: number, take: () => boolean, outcomes: Map<string, Outcome>, fetcher: Fetcher): Promise<void> {
  if (refs.length === 0) return;
  const backoff = await readBackoff(ctx, carrier);
  const waitMs = backoff ? Date.parse(backoff.until) - now : 0;
  if (backoff && waitMs > 0) {
    // Remembered from the carrier's Retry-After: asking before then only earns another 429.
    const error: SyncError = { code: backoff.code as SyncErrorCode, message: backoff.message, retryAfterSeconds: Math.ceil(waitMs / 1000) };
    for (const ref of refs) outcomes.set(parcelKey(ref), { error });
    return;
  }
  const { outcomes: answered, stopped } = await fetcher(refs, ctx, take, now);
  // One line per carrier and call, however many parcels the refusal touched.
  if (stopped) {
    const level = stopped.stop.code === 'CARRIER_AUTH_FAILED' ? 'error' : 'warn';
    ctx.log[level](`${carrierName(carrier)}: ${stopped.stop.code}: ${stopped.stop.message}`, { parcels: refs.length, ...(stopped.backoff !== undefined && { retryAfterSeconds: stopped.backoff }) });
  }
  for (const [key, outcome] of answered) outcomes.set(key, outcome);
  // Not asked: refused along with the rest, or past this call's fetch budget.
  for (const ref of refs) if (!outcomes.has(parcelKey(ref))) outcomes.set(parcelKey(ref), { error: stopped?.stop ?? deferred() });
  if (stopped?.backoff !== undefined) {
    const until = new Date(now + stopped.backoff * 1000).toISOString();
    await bestEffort(ctx, `${carrier} back-off`, writeBackoff(ctx, carrier, { until, code: stopped.stop.code, message: stopped.stop.message }));
  }
}

/** One POST per 25 numbers; a refusal stops the rest (the next ones would be refused alike). */
const shipfastBatches: Fetcher = async (refs, ctx, take, now) => {
  const outcomes = new Map<string, Outcome>();
  for (let i = 0; i < refs.length; i += SHIPFAST_BATCH) {
    if (!take()) break;
    const batch = refs.slice(i, i + SHIPFAST_BATCH);
    const answer = await call('SHIPFAST', ctx, shipfastUrl(ctx.config.shipfastBaseUrl), {
      method: 'POST', headers: SHIPFAST_AUTH, body: JSON.stringify({ numbers: batch.map((r) => r.trackingNumber) }),
    });
    if ('stop' in answer) return { outcomes, stopped: answer };
    const parsed = parseShipFast(answer.json);
    const checkedAt = new Date(now).toISOString();
    for (const ref of batch) {
      const parcel = parsed?.get(ref.trackingNumber.toUpperCase());
      outcomes.set(parcelKey(ref), parsed && parcel !== undefined ? { record: { parcel, checkedAt } } : { error: badResponse('SHIPFAST') });
    }
  }
  return { outcomes };
};

/** One GET per number, side by side. */
const parcellyOneByOne: Fetcher = async (refs, ctx, take, now) => {
  const outcomes = new Map<string, Outcome>();
  const asked = refs.filter(() => take());
  const answers = await Promise.all(asked.map((ref) => call('PARCELLY', ctx, parcellyUrl(ctx.config.parcellyBaseUrl, ref.trackingNumber), { headers: PARCELLY_AUTH })));
  let stopped: Stop | undefined;
  const checkedAt = new Date(now).toISOString();
  answers.forEach((answer, i) => {
    const key = parcelKey(asked[i]!);
    if ('stop' in answer) {
      // A 429 outranks other refusals: its Retry-After must be remembered.
      if (!stopped || answer.backoff !== undefined) stopped = answer;
      outcomes.set(key, { error: answer.stop });
    } else if (answer.status === 404) outcomes.set(key, { record: { parcel: null, checkedAt } });
    else {
      const parcel = parseParcelly(answer.json);
      outcomes.set(key, parcel ? { record: { parcel, checkedAt } } : { error: badResponse('PARCELLY') });
    }
  });
  return { outcomes, ...(stopped && { stopped }) };
};

type Answer = { status: number; json: unknown } | Stop;

async function call(carrier: Carrier, ctx: Ctx, url: string, init: Parameters<Ctx['fetch']>[1]): Promise<Answer> {
  const name = carrierName(carrier);
  let res: FetchResponse;
  try {
    res = await ctx.fetch(url, init);
  } catch (error) {
    return { stop: { code: 'CARRIER_UNAVAILABLE', message: `${name} could not be reached (${describe(error)}); showing what it last said.`, retryAfterSeconds: null } };
  }
  if (res.status === 429) {
    const seconds = retryAfterSeconds(res.headers['retry-after'], Date.now()) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return { stop: { code: 'CARRIER_RATE_LIMITED', message: `${name} asked us to wait before asking again; showing what it last said.`, retryAfterSeconds: seconds }, backoff: seconds };
  }
  if (res.status >= 500) {
    const seconds = retryAfterSeconds(res.headers['retry-after'], Date.now());
    return { stop: { code: 'CARRIER_UNAVAILABLE', message: `${name} is not answering right now (HTTP ${res.status}); showing what it last said.`, retryAfterSeconds: seconds ?? null }, ...(seconds !== undefined && { backoff: seconds }) };
  }
  if (res.status === 401 || res.status === 403) {
    const secret = carrier === 'PARCELLY' ? 'PARCELLY_TOKEN' : 'SHIPFAST_API_KEY';
    return { stop: { code: 'CARRIER_AUTH_FAILED', message: `${name} refused the installation's credentials (HTTP ${res.status}); an admin should check the ${secret} secret.`, retryAfterSeconds: null } };
  }
  if (res.status !== 200 && res.status !== 404) return { stop: badResponse(carrier) };
  try {
    return { status: res.status, json: res.status === 200 ? await res.json() : null };
  } catch {
    return { stop: badResponse(carrier) };
  }
}

/** A budget of `n` requests, spent one `take()` at a time. */
function budget(n: number): () => boolean {
  let left = n;
  return () => (left > 0 ? (left -= 1, true) : false);
}

const badResponse = (carrier: Carrier): SyncError => ({
  code: 'CARRIER_BAD_RESPONSE', message: `${carrierName(carrier)} answered in a shape this plugin does not understand; showing what it last said.`, retryAfterSeconds: null,
});

/** Retry-After is delay-seconds or an HTTP date; anything else is ignored. */
export function retryAfterSeconds(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), 86_400);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.min(Math.ceil((at - now) / 1000), 86_400));
}
