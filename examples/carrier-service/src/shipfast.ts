import { viewAt, type Journey, type Milestone } from './journey.js';

/**
 * ShipFast, the second carrier, deliberately unlike Parcelly: one POST answers a batch of
 * numbers, the key travels in X-Api-Key, fields are snake_case, times are Unix seconds,
 * checkpoints come newest first and its status vocabulary is its own. A plugin that supports
 * both has to normalise.
 */

/** "SF" and 8 to 20 digits. */
export const SHIPFAST_NUMBER = /^SF[0-9]{8,20}$/;
/** Numbers per request. */
export const SHIPFAST_BATCH_LIMIT = 25;

export type ShipFastState =
  | 'info_received' | 'picked_up' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'failed_attempt' | 'delayed' | 'lost';

export interface ShipFastFacility {
  code: string;
  name: string;
  country_code: string;
  latitude: number;
  longitude: number;
}

export interface ShipFastCheckpoint {
  /** Unix seconds. */
  ts: number;
  state: ShipFastState;
  message: string;
  facility: ShipFastFacility;
}

export type ShipFastResult =
  | {
    number: string;
    found: true;
    service_level: 'express' | 'economy';
    state: ShipFastState;
    /** Unix seconds; later than now while the parcel is on its way, null when lost. */
    eta_ts: number | null;
    delivered_ts: number | null;
    /** Newest first. */
    checkpoints: ShipFastCheckpoint[];
  }
  | { number: string; found: false; reason: 'unknown_number' | 'invalid_number' };

const STATE: Record<Milestone, ShipFastState> = {
  label_created: 'info_received',
  picked_up: 'picked_up',
  arrived_at_hub: 'in_transit',
  departed_hub: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  delivered: 'delivered',
  delivery_failed: 'failed_attempt',
  delayed: 'delayed',
  lost: 'lost',
};

export const shipfastState = (milestone: Milestone): ShipFastState => STATE[milestone];

const seconds = (ms: number) => Math.floor(ms / 1000);
/** An ETA rounds up, so that "later than now" survives the rounding. */
const etaSeconds = (ms: number) => Math.ceil(ms / 1000);

/** ShipFast's result for a journey at `now` (epoch ms). */
export function shipfastResult(journey: Journey, now: number): ShipFastResult {
  const view = viewAt(journey, now);
  const deliveredTs = view.deliveredAt === null ? null : seconds(view.deliveredAt);
  return {
    number: journey.trackingNumber,
    found: true,
    service_level: journey.service === 'EXPRESS' ? 'express' : 'economy',
    state: STATE[view.current.milestone],
    eta_ts: deliveredTs ?? (view.eta === null ? null : etaSeconds(view.eta)),
    delivered_ts: deliveredTs,
    checkpoints: view.events.map((e) => ({
      ts: seconds(e.at),
      state: STATE[e.milestone],
      message: e.description,
      facility: { code: e.hub.code, name: `${e.hub.city} ${e.hub.code}`, country_code: e.hub.country, latitude: e.hub.lat, longitude: e.hub.lng },
    })).reverse(),
  };
}
