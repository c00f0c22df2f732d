/**
 * A steady mixed load at fixed rates (open loop: a request leaves on its schedule whether or not
 * the previous one has answered, so a slow server shows as latency, not as a lower rate): GraphQL
 * reads with plugin fields, writes that raise events, plugin storage writes, signed carrier
 * pushes to the shipment plugin's webhook, and portal and console pages of signed-in users.
 * Every answer is timed and judged; anything but the expected answer is an error.
 */
import { localOf } from '../fixtures.js';
import type { GraphQLResponse } from '../harness.js';
import { pushCarrierUpdate, type SoakWorld } from './soak-world.js';

export interface Sample {
  kind: string;
  /** Ms since the load started, when the request left. */
  at: number;
  ms: number;
  /** Why it failed (status, code or message); undefined when it succeeded. */
  error?: string;
}

export interface SoakLoadOptions {
  /**
   * Carrier pushes are signed with a timestamp this many seconds in the past (a carrier's clock
   * running behind, still inside the 300 s tolerance), so their replay claims expire sooner and
   * their pruning shows in a short run.
   */
  webhookAgeSeconds?: number;
}

export interface SoakLoad {
  samples: Sample[];
  /** Carrier pushes the server accepted, and when the last of them was sent (ms since epoch). */
  webhooks: { accepted: number; lastSentAt: number };
  stop(): Promise<void>;
}

const SHIPMENT = 'carrier trackingNumber status eta stale syncError { code } lastLocation { lat lon }';
/** The customer 360 with both plugins' fields, as the console and an integrator read it. */
const CUSTOMER_360 = `query($id: ID!) { customer(id: $id) {
  name email
  mosaic_maps_location { lat lon precision }
  mosaic_maps_nearestServiceLocations(first: 1) { name distanceKm }
  timeline(first: 20) { edges { kind at } }
  orders(first: 10) { edges { node { id orderNumber orderStatus
    mosaic_shipmentTracking_shipments { ${SHIPMENT} }
    mosaic_maps_route { markers { kind lat lon } }
  } } }
} }`;
const CUSTOMER_LIST = '{ customers(first: 20) { totalCount edges { node { id name email cases(first: 3) { edges { node { id status } } } } } } }';
/** Storage keys of the probe cycle through this many, so plugin storage stays the same size. */
const PROBE_KEYS = 200;

/** Requests per second of each kind: about 24 in all, a modest steady load for two cores. */
export const SOAK_RATES = {
  'read 360 (plugin fields)': 5,
  'read customer list': 3,
  'write addInteraction': 3,
  'write createCase': 0.5,
  'write createCustomer (event)': 0.5,
  'write plugin storage': 1,
  'carrier webhook': 2,
  'portal knowledge search': 2,
  'portal orders': 2,
  'console customer 360': 1.5,
  'console work list': 1,
  'console case': 1,
} as const satisfies Record<string, number>;

/** Unanswered requests of one kind beyond which a new one is not sent but counted as an error. */
const MAX_IN_FLIGHT = 50;

/** Starts the load on `w`; it runs until `stop()`. */
export function startSoakLoad(w: SoakWorld, options: SoakLoadOptions = {}): SoakLoad {
  const samples: Sample[] = [];
  const webhooks = { accepted: 0, lastSentAt: 0 };
  const started = performance.now();
  const pending = new Set<Promise<void>>();
  let n = 0;
  const tag = Date.now().toString(36);
  const { records } = w;
  // New interactions go to the newest case, so no one case's thread grows through the whole run.
  let newestCase = records.case;

  const gql = async (query: string, variables?: Record<string, unknown>, expect?: (data: Record<string, any>) => string | undefined) => {
    const res: GraphQLResponse = await w.admin.gql(query, variables);
    if (res.status !== 200) return `HTTP ${res.status} ${res.errors?.[0]?.extensions?.code ?? ''}`.trim();
    if (res.errors?.length) return `${res.errors[0]!.extensions?.code ?? 'ERROR'} at ${res.errors[0]!.path?.join('.') ?? '-'}: ${res.errors[0]!.message}`;
    return expect?.(res.data ?? {});
  };
  const page = async (visitor: SoakWorld['portal'], path: string, mustContain?: string) => {
    const res = await visitor.fetch(path);
    const html = await res.text();
    if (res.status !== 200) return `HTTP ${res.status} ${path}${res.headers.get('location') ? ` → ${res.headers.get('location')}` : ''}`;
    if (mustContain && !html.includes(mustContain)) return `${path} lacks "${mustContain}"`;
    return undefined;
  };

  const requests: Record<keyof typeof SOAK_RATES, () => Promise<string | undefined>> = {
    'read 360 (plugin fields)': () => gql(CUSTOMER_360, { id: w.customer360 }, (d) => {
      const orders = d.customer?.orders?.edges ?? [];
      if (!d.customer?.mosaic_maps_location) return 'no map location';
      if (orders.length !== w.parcels.length || orders.some((e: any) => e.node.mosaic_shipmentTracking_shipments?.length !== 1)) return 'a tracked order without its shipment';
      return undefined;
    }),
    'read customer list': () => gql(CUSTOMER_LIST),
    'write addInteraction': () => gql('mutation($i: AddInteractionInput!) { addInteraction(input: $i) { interaction { id } } }', {
      i: { customerId: records.customer, caseId: newestCase, channel: 'EMAIL', direction: 'INBOUND', body: `soak message ${tag}-${++n}` },
    }, (d) => (d.addInteraction?.interaction?.id ? undefined : 'no interaction id')),
    'write createCase': () => gql('mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } } }', {
      i: { customerId: records.customer, subject: `Soak case ${tag}-${++n}`, queueId: records.queue },
    }, (d) => {
      if (!d.createCase?.case?.id) return 'no case id';
      newestCase = d.createCase.case.id;
      return undefined;
    }),
    'write createCustomer (event)': () => gql('mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }', {
      i: { name: `Soak ${tag}-${++n}`, email: `soak-${tag}-${n}@soak.example` },
    }, (d) => (d.createCustomer?.customer?.id ? undefined : 'no customer id')),
    'write plugin storage': () => {
      const key = `soak-${++n % PROBE_KEYS}`;
      return gql('mutation($k: String!, $v: String!) { faults_probe_remember(key: $k, value: $v) }', { k: key, v: `value ${n}` },
        (d) => (d.faults_probe_remember === key ? undefined : 'storage write not acknowledged'));
    },
    'carrier webhook': async () => {
      const sentAt = Date.now();
      const pushed = await pushCarrierUpdate(w.core.url, w.webhookPath, {
        eventId: `evt_soak_${tag}_${++n}`, trackingNumber: w.parcels[n % w.parcels.length]!, ageSeconds: options.webhookAgeSeconds ?? 0,
      });
      if ('error' in pushed) return pushed.error;
      webhooks.accepted++;
      webhooks.lastSentAt = Math.max(webhooks.lastSentAt, sentAt);
      return undefined;
    },
    'portal knowledge search': () => page(w.portal, `/t/${w.slug}/portal/knowledge?q=refunds`, 'Refunds'),
    'portal orders': () => page(w.portal, `/t/${w.slug}/portal/orders`, 'SOAK-1'),
    'console customer 360': () => page(w.console, `/t/${w.slug}/console/customers/${localOf(w.customer360)}`, 'Ada Lovelace'),
    'console work list': () => page(w.console, `/t/${w.slug}/console`),
    'console case': () => page(w.console, `/t/${w.slug}/console/cases/${localOf(records.case)}`, 'Refund please'),
  };

  const inFlight = new Map<string, number>();
  const fire = (kind: keyof typeof SOAK_RATES) => {
    const at = performance.now() - started;
    if ((inFlight.get(kind) ?? 0) >= MAX_IN_FLIGHT) {
      samples.push({ kind, at, ms: 0, error: `more than ${MAX_IN_FLIGHT} unanswered` });
      return;
    }
    inFlight.set(kind, (inFlight.get(kind) ?? 0) + 1);
    const t0 = performance.now();
    const done = requests[kind]().catch((err: unknown) => `failed: ${(err as Error).message}`).then((error) => {
      samples.push({ kind, at, ms: performance.now() - t0, ...(error ? { error } : {}) });
      inFlight.set(kind, inFlight.get(kind)! - 1);
      pending.delete(done);
    });
    pending.add(done);
  };
  // Each kind on its own clock, started at a random phase so the kinds do not fire in step.
  const timers: NodeJS.Timeout[] = [];
  for (const [kind, rate] of Object.entries(SOAK_RATES) as [keyof typeof SOAK_RATES, number][]) {
    const every = 1000 / rate;
    timers.push(setTimeout(() => {
      fire(kind);
      timers.push(setInterval(() => fire(kind), every));
    }, Math.random() * every));
  }
  return {
    samples,
    webhooks,
    async stop() {
      for (const t of timers) clearInterval(t);
      while (pending.size) await Promise.all([...pending]);
    },
  };
}
