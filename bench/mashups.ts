/**
 * `mashups` — the customer 360 query with both first-party plugins' fields (the customer's
 * `mosaic_maps_location`, every order's `mosaic_shipmentTracking_shipments`) for a customer with
 * 50 shipped orders, caches warm, against the same query without plugin fields, side by side in
 * one run. Goal: ≤ 1.5×.
 *
 * The carrier and geocoder simulators run here, on loopback, so their request logs show that
 * nothing reached them while the queries were timed; the platform runs in a child process
 * (serve-mashups-fixture.ts) with both plugins published and installed through the admin API.
 */
import { loadavg } from 'node:os';
import { SCENARIOS, startCarrierService, type CarrierService } from '@mosaic/example-carrier';
import { startGeocoderService, type GeocoderService } from '@mosaic/example-geocoder';
import { compareQueries, interleaved, type CompareResult, type CompareTarget } from './compare.js';
import {
  answerOf, badResponses, canonicalJson, describeBad, envNumber, fmtInt, fmtMs, fmtRatio, log, markdownTable, sequentialClient, startFixture,
  type BenchResult,
} from './lib.js';
import { verdict } from './plugins-common.js';
import { meteredUsage, minus, type Usage } from './plugins-query.js';
import { treeCpuMs } from './process-cpu.js';
import type { MashupsFixture, MashupsFixtureArgs } from './serve-mashups-fixture.js';

const ORDERS = 50;
const PLUGIN_IDS = ['mosaic.shipment-tracking', 'mosaic.maps'] as const;
const GOAL = 1.5;
const CARRIER_TOKEN = 'bench-parcelly-token';
const SHIPFAST_KEY = 'bench-shipfast-key';

const CUSTOMER_FIELDS = 'name email address { city country }';
const ORDER_FIELDS = 'id orderNumber orderStatus placedAt total { amount currency } lines { sku quantity }';
const LOCATION = 'mosaic_maps_location { lat lon precision }';
const SHIPMENTS = 'mosaic_shipmentTracking_shipments { status eta lastLocation { lat lon } }';
const ROUTE = 'mosaic_maps_route { markers { kind status lat lon } path { lat lon } }';

const query360 = (customerId: string, customerExtra: string, orderExtra: string): string =>
  `{customer(id:"${customerId}"){${CUSTOMER_FIELDS} ${customerExtra} orders(first:${ORDERS}){edges{node{${ORDER_FIELDS} ${orderExtra}}}}}}`;

/** Requests the simulators have answered so far (the geocoder keeps its last 1 000, far more than this run makes). */
const outsideCalls = (carrier: CarrierService, geocoder: GeocoderService) => ({ carrier: carrier.requests.length, geocoder: geocoder.requests.length });
type OutsideCalls = ReturnType<typeof outsideCalls>;

export async function mashups(): Promise<BenchResult> {
  const carrier = await startCarrierService({
    host: '127.0.0.1', token: CARRIER_TOKEN, shipfastKeys: [SHIPFAST_KEY], rateLimit: false, failureRate: 0, tickMs: 0,
  });
  const geocoder = await startGeocoderService({ host: '127.0.0.1', rateLimit: false });
  try {
    // Both carriers, every scenario (on time, delayed, delivered, lost, exception).
    const parcels = Array.from({ length: ORDERS }, (_, i) => {
      const name = i % 2 ? 'shipfast' : 'parcelly';
      const journey = carrier.register({ carrier: name, scenario: SCENARIOS[i % SCENARIOS.length]!, ageHours: 6 + (i % 10) * 12 });
      return { carrier: name.toUpperCase() as 'PARCELLY' | 'SHIPFAST', trackingNumber: journey.trackingNumber };
    });
    const args: MashupsFixtureArgs = { carrierPort: carrier.port, geocoderPort: geocoder.port, carrierToken: CARRIER_TOKEN, shipfastKey: SHIPFAST_KEY, parcels };
    log('mashups: building, publishing and installing both plugins; seeding 1 customer with 50 orders, a parcel attached to each');
    const fixture = await startFixture<MashupsFixture>([JSON.stringify(args)], 'serve-mashups-fixture.ts');
    try {
      return await measure(fixture.info, fixture.pid, carrier, geocoder);
    } finally {
      await fixture.stop();
    }
  } finally {
    await carrier.close();
    await geocoder.close();
  }
}

async function measure(info: MashupsFixture, serverPid: number, carrier: CarrierService, geocoder: GeocoderService): Promise<BenchResult> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${info.apiKey}` };
  const client = sequentialClient(info.graphqlUrl, headers);
  type Order = Record<string, unknown> & { mosaic_shipmentTracking_shipments?: { status: string; stale?: boolean; syncError?: unknown }[] };
  type Customer = Record<string, unknown> & { mosaic_maps_location?: unknown; orders: { edges: { node: Order }[] } };
  const ask = async (body: string): Promise<{ raw: string; customer: Customer }> => {
    const res = await client.post(body);
    const parsed = JSON.parse(res.body) as { data?: { customer?: Customer }; errors?: unknown };
    if (res.status !== 200 || parsed.errors || parsed.data?.customer?.orders.edges.length !== info.orders) {
      throw new Error(`mashups: ${res.status} ${res.body.slice(0, 500)}`);
    }
    return { raw: res.body, customer: parsed.data.customer };
  };

  // Warm the caches: ask until every parcel is answered from storage (not stale, no sync error),
  // the customer is placed, and a whole query reached neither simulator.
  const check = JSON.stringify({ query: query360(info.customerId, LOCATION, `${SHIPMENTS.replace('status', 'status stale syncError { code }')} ${ROUTE}`) });
  let warm = false;
  for (let attempt = 1; attempt <= 20 && !warm; attempt++) {
    const before = outsideCalls(carrier, geocoder);
    const { customer } = await ask(check);
    const after = outsideCalls(carrier, geocoder);
    const parcelsOk = customer.orders.edges.every(({ node }) => node.mosaic_shipmentTracking_shipments?.length === 1
      && node.mosaic_shipmentTracking_shipments.every((s) => s.stale === false && s.syncError === null && s.status !== 'UNKNOWN'));
    warm = parcelsOk && customer.mosaic_maps_location !== null && after.carrier === before.carrier && after.geocoder === before.geocoder;
    log(`mashups: warm-up query ${attempt}: parcels ${parcelsOk ? 'all from storage' : 'not all current yet'}, location ${customer.mosaic_maps_location ? 'known' : 'unknown'}, carrier +${after.carrier - before.carrier}, geocoder +${after.geocoder - before.geocoder} requests`);
  }
  if (!warm) throw new Error('mashups: the plugins did not settle to answering from storage within 20 queries');

  const targets: CompareTarget[] = [];
  const add = async (name: string, customerExtra: string, orderExtra: string) => {
    const body = JSON.stringify({ query: query360(info.customerId, customerExtra, orderExtra) });
    const { raw, customer } = await ask(body);
    targets.push({ name, body, expected: answerOf(raw), headers });
    return customer;
  };
  const native = await add('360 without plugin fields', '', '');
  const withPlugins = await add('360 with both plugins\' fields', LOCATION, SHIPMENTS);
  await add('360 with both plugins\' fields + `mosaic_maps_route` (reference)', LOCATION, `${SHIPMENTS} ${ROUTE}`);
  client.close();
  // The plugin query carries the native one's answer unchanged, plus its own fields.
  const strip = (c: Customer) => JSON.stringify({
    ...c, mosaic_maps_location: undefined,
    orders: { edges: c.orders.edges.map(({ node }) => ({ node: { ...node, mosaic_shipmentTracking_shipments: undefined } })) },
  });
  if (canonicalJson(strip(withPlugins)) !== canonicalJson(strip(native))) throw new Error('mashups: the plugin query\'s native fields differ from the native query\'s');

  const opts = {
    url: info.graphqlUrl, label: 'mashups',
    sequential: envNumber('BENCH_MASHUPS_SEQUENTIAL', 300),
    sequentialWarmup: envNumber('BENCH_MASHUPS_SEQUENTIAL_WARMUP', 30),
    connections: envNumber('BENCH_MASHUPS_CONNECTIONS', 10),
    duration: envNumber('BENCH_MASHUPS_DURATION', 8),
    warmup: envNumber('BENCH_MASHUPS_WARMUP', 2),
    rounds: envNumber('BENCH_MASHUPS_ROUNDS', 2),
  };
  // A first pass outside the timing, so every query has run before the counters are read.
  await interleaved(opts, targets, 3);
  const loadBefore = loadavg();
  const callsBefore = outsideCalls(carrier, geocoder);
  const results = await compareQueries(opts, targets);
  const callsAfter = outsideCalls(carrier, geocoder);
  const loadAfter = loadavg();
  // Where the plugin queries' time goes, as the platform meters its sandbox calls: each plugin
  // query alone, one request at a time (after the timing, so the metering's pauses stay out of it).
  const meterRequests = envNumber('BENCH_MASHUPS_METERED', 100);
  const metered: Metered[] = [];
  for (const target of targets.slice(1)) {
    log(`mashups: metering ${meterRequests} requests of ${target.name}`);
    const usage = async () => Promise.all(PLUGIN_IDS.map((id) => meteredUsage(info.graphqlUrl, headers, id)));
    const before = await usage();
    await interleaved(opts, [target], meterRequests);
    const after = await usage();
    metered.push({ target, requests: meterRequests, usage: after.map((u, i) => minus(u, before[i]!)) });
  }
  // Server CPU per request (the server child and its sandbox workers), each query in turn, in rounds.
  const cpuRounds = envNumber('BENCH_MASHUPS_CPU_ROUNDS', 4);
  const cpuRequests = envNumber('BENCH_MASHUPS_CPU_REQUESTS', 50);
  const cpuMs = targets.map(() => 0);
  log(`mashups: server CPU, ${cpuRounds} rounds of ${cpuRequests} requests per query at c=1`);
  for (let round = 0; round < cpuRounds; round++) {
    for (const [i, target] of targets.entries()) {
      const before = treeCpuMs(serverPid);
      await interleaved(opts, [target], cpuRequests);
      cpuMs[i]! += treeCpuMs(serverPid) - before;
    }
  }
  const cpu = targets.map((target, i) => ({ target, msPerRequest: cpuMs[i]! / (cpuRounds * cpuRequests) }));
  return report(results, opts, { callsBefore, callsAfter, loadBefore, loadAfter, metered, cpu });
}

interface Metered {
  target: CompareTarget;
  requests: number;
  /** Per PLUGIN_IDS entry. */
  usage: Usage[];
}

interface Context {
  callsBefore: OutsideCalls;
  callsAfter: OutsideCalls;
  loadBefore: number[];
  loadAfter: number[];
  metered: Metered[];
  /** Server CPU (server process and its sandbox workers) per request, c=1. */
  cpu: Array<{ target: CompareTarget; msPerRequest: number }>;
}

function report(results: CompareResult[], opts: { connections: number; duration: number; rounds: number; warmup: number; sequential: number }, ctx: Context): BenchResult {
  const [native, plugins] = results as [CompareResult, CompareResult, CompareResult];
  const c = `c=${opts.connections}`;
  const rows = results.map((r) => [
    r.target.name, fmtMs(r.sequential.p50), fmtMs(r.sequential.p99), fmtRatio(r.sequential.p50 / native.sequential.p50),
    fmtInt(r.rps), fmtMs(r.loaded.p50), fmtMs(r.loaded.p99), fmtRatio(r.loaded.p50 / native.loaded.p50), fmtRatio(native.rps / r.rps),
    fmtInt(badResponses(r.all) + badResponses(r.warm)),
  ]);
  const goal = (what: string, ratio: number) => [what, fmtRatio(ratio), `≤ ${GOAL}×`, verdict(ratio, GOAL)];
  const goals = [
    goal('p50 latency, c=1 (with plugins ÷ without)', plugins.sequential.p50 / native.sequential.p50),
    goal(`p50 latency under load, ${c}`, plugins.loaded.p50 / native.loaded.p50),
    goal(`cost per request, ${c} (req/s without ÷ with)`, native.rps / plugins.rps),
  ];
  const nativeCpu = ctx.cpu[0]?.msPerRequest ?? 0;
  const cpuRows = ctx.cpu.map(({ target, msPerRequest }) => [target.name, fmtMs(msPerRequest), nativeCpu ? fmtRatio(msPerRequest / nativeCpu) : '—']);
  const carrierCalls = ctx.callsAfter.carrier - ctx.callsBefore.carrier;
  const geocoderCalls = ctx.callsAfter.geocoder - ctx.callsBefore.geocoder;
  const problems = [
    ...results.flatMap(({ target, all, warm }) => [
      ...(badResponses(all) ? [`${target.name}: ${describeBad(all)} in the measured runs`] : []),
      ...(badResponses(warm) ? [`${target.name}: ${describeBad(warm)} during warm-up`] : []),
    ]),
    ...(carrierCalls || geocoderCalls ? [`the caches were not warm: ${carrierCalls} carrier and ${geocoderCalls} geocoder requests while timing`] : []),
  ];
  const meteredRows = ctx.metered.flatMap(({ target, requests, usage }) => usage.map((u, i) => [
    target.name, `\`${PLUGIN_IDS[i]}\``, fmtRatio(u.calls / requests),
    u.calls ? fmtMs(u.wallMs / u.calls) : '—', u.calls ? fmtMs(u.cpuMs / u.calls) : '—', fmtInt(u.failures),
  ]));
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');
  const text = [
    `### Mash-ups — the customer 360 with both first-party plugins' fields, warm caches, vs without — goal ≤ ${GOAL}×`,
    '',
    `One tenant with \`mosaic.shipment-tracking\` and \`mosaic.maps\` built from plugins/, signed, published and installed through the admin API, talking to the carrier and geocoder simulators on loopback (\`.test\` names mapped by \`MOSAIC_EGRESS_DEV_HOSTS\`). One customer with an address and ${ORDERS} shipped orders, each with a parcel attached through \`mosaic_shipmentTracking_attachTrackingNumber\` (Parcelly and ShipFast alternating, every simulator scenario); \`freshnessSeconds\` 86 400, so warm means answered from plugin storage. Before timing, the query was repeated until every parcel was current and a whole query reached neither simulator.`,
    '',
    `Without plugins: \`customer(id){${CUSTOMER_FIELDS} orders(first:${ORDERS}){edges{node{${ORDER_FIELDS}}}}}\`; with plugins the customer adds \`${LOCATION}\` and each order \`${SHIPMENTS}\`; the reference row adds \`${ROUTE}\` on each order. c=1: ${fmtInt(opts.sequential)} requests per query, interleaved request by request; ${c}: autocannon, ${opts.rounds} × ${opts.duration} s per query, alternating, ${opts.warmup} s warm-up before each. Every response must equal its query's first answer.`,
    '',
    markdownTable(['query', 'c=1 p50 ms>', 'c=1 p99 ms>', 'c=1 p50 ratio>', `${c} req/s>`, `${c} p50 ms>`, `${c} p99 ms>`, `${c} p50 ratio>`, `${c} cost ratio>`, 'bad>'], rows),
    '',
    markdownTable(['goal: with plugins vs without', 'measured>', 'goal', 'verdict'], goals),
    '',
    `Sandbox calls as the platform metered them (\`pluginUsage\`), each plugin query alone for ${fmtInt(ctx.metered[0]?.requests ?? 0)} requests at c=1 after the timing: wall time of a call (core → worker → isolate, its host calls, back) and isolate CPU, means. Both plugins declare \`resultCache\` on these fields, so a warm request is answered from kept results without a call (fewer than 1 call per request); run with \`MOSAIC_PLUGIN_RESULT_CACHE_MB=0\` to measure every request calling the sandbox.`,
    '',
    markdownTable(['query', 'plugin', 'calls per request>', 'wall ms per call>', 'isolate CPU ms per call>', 'failures>'], meteredRows),
    '',
    'Server CPU per request, c=1 (user + system time of the server process and its sandbox worker processes, read from /proc, each query in turn in rounds after the timing): less sensitive to other work on the machine than latency is, and not a goal by itself.',
    '',
    markdownTable(['query', 'server CPU ms per request>', 'ratio>'], cpuRows),
    '',
    `Outside calls while timing (c=1 and ${c}, warm-ups included): carrier ${fmtInt(carrierCalls)}, geocoder ${fmtInt(geocoderCalls)}. Load average (1 / 5 / 15 min) at the start of timing ${load(ctx.loadBefore)}, at its end ${load(ctx.loadAfter)}.`,
    '',
    `Bad = non-2xx + connection errors/timeouts + 2xx with a body other than the first answer: ${problems.length ? '' : 'none.'}`,
    ...problems.map((p) => `- ${p}`),
  ].join('\n');
  return { report: text, failures: problems };
}
