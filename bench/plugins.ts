/**
 * `plugins` — what running plugin code costs, against the goals of the plugin sandbox issue:
 *
 * 1. cold start (new isolate + context + compiled bundle) p50/p99 ≤ 5 ms;
 * 2. a warm batched crossing ≤ 50 µs per call and ≤ 2 µs per item (1, 100, 1 000 items);
 * 3. a customer query whose orders(first: 50) carry a plugin field ≤ 1.3× the native query, with the
 *    field taking whole parents, with its input declared, and with its result kept (resultCache);
 * 4. ≤ 5 MB per warm installation, the worker's RSS bounded by the LRU at 1 000 installations.
 *
 * 1, 2 and 4 go through SandboxSupervisor as the core uses it (isolates in a worker process),
 * and take the numbers apart with the layers measured alone in this process (plugins-isolate.ts).
 * 3 is a real server in a child process under autocannon. The plugin is the `order-badge` fixture
 * (core/src/plugins/testing/fixtures/order-badge) built with the real SDK build. A MISS is
 * reported, not thrown: the run fails only on wrong answers or bad responses.
 */
import { envNumber, fmtInt, fmtMs, fmtRatio, log, markdownTable, summarize, type BenchResult } from './lib.js';
import { fixtureBundle, fmtMB, fmtUs, pause, sdlOrders, verdict } from './plugins-common.js';
import { bareCrossings, bareIsolateRss, coldStartStages, coreJson, ipcEcho, warmSandbox, type ColdStages } from './plugins-isolate.js';
import { pluginQuery, queryReport } from './plugins-query.js';
import { supervisorColdStarts, supervisorMemory, supervisorWarmCalls, type MemoryRun } from './plugins-sandbox.js';

const SECTIONS = ['cold', 'warm', 'query', 'memory'] as const;
type Section = (typeof SECTIONS)[number];

export async function plugins(): Promise<BenchResult> {
  const only = (process.env.BENCH_PLUGINS_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`BENCH_PLUGINS_ONLY: unknown section ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
  const wanted = (s: Section) => only.length === 0 || only.includes(s);

  log('plugins: building the order-badge fixture with the SDK build');
  const bundle = await fixtureBundle('1.0.0');
  const parts: string[] = [
    `### Plugins — the \`order-badge\` fixture (bundle ${fmtInt(bundle.code.length)} bytes, SDK build), isolated-vm in supervised worker processes`,
  ];
  const failures: string[] = [];

  if (wanted('cold')) parts.push(await coldSection(bundle));
  if (wanted('warm')) parts.push(await warmSection(bundle));
  if (wanted('query')) {
    const run = await pluginQuery({
      connections: envNumber('BENCH_PLUGINS_CONNECTIONS', 10),
      duration: envNumber('BENCH_PLUGINS_DURATION', 8),
      warmup: envNumber('BENCH_PLUGINS_WARMUP', 2),
      rounds: envNumber('BENCH_PLUGINS_ROUNDS', 2),
      sequential: envNumber('BENCH_PLUGINS_SEQUENTIAL', 500),
      sequentialWarmup: envNumber('BENCH_PLUGINS_SEQUENTIAL_WARMUP', 50),
    });
    const { report, failures: bad } = queryReport(run);
    parts.push(report);
    failures.push(...bad);
  }
  if (wanted('memory')) parts.push(await memorySection());
  return { report: parts.join('\n\n'), failures };
}

type Bundle = Awaited<ReturnType<typeof fixtureBundle>>;

/** Between cold starts: installations arrive apart, and the worker makes its next spare meanwhile (~3 ms). */
const COLD_GAP_MS = 10;
const burstSamples = (samples: number): number => Math.max(20, Math.ceil(samples / 4));

async function coldSection(bundle: Bundle): Promise<string> {
  const samples = envNumber('BENCH_PLUGINS_COLD', 200);
  log(`plugins: cold starts through the supervisor (${samples} installations ${COLD_GAP_MS} ms apart, then ${burstSamples(samples)} in a burst)`);
  const sup = await supervisorColdStarts(bundle, samples, COLD_GAP_MS);
  await pause(500);
  const burst = await supervisorColdStarts(bundle, burstSamples(samples), 0);
  await pause(500);
  log('plugins: cold start stages in this process');
  const parents = sdlOrders(1);
  const cached = await coldStartStages(bundle, samples, true, parents);
  const uncached = await coldStartStages(bundle, Math.max(20, Math.ceil(samples / 4)), false, parents);

  const cold = summarize(sup.samples.map((s) => s.coldMs));
  const warm = summarize(sup.samples.map((s) => s.warmMs));
  const added = summarize(sup.samples.map((s) => s.coldMs - s.warmMs));
  const burstAdded = summarize(burst.samples.map((s) => s.coldMs - s.warmMs));
  const bare = summarize(cached.map((s) => s.isolate + s.context));
  const cpu = summarize(sup.samples.map((s) => s.coldCpuMs));
  const ready = summarize(cached.map((s) => s.total));
  const row = (what: string, n: number, s: { p50: number; p99: number }, goal?: number) => [
    what, fmtInt(n), fmtMs(s.p50), fmtMs(s.p99), goal === undefined ? '' : `≤ ${goal} ms`,
    goal === undefined ? '' : `${verdict(s.p50, goal)} / ${verdict(s.p99, goal)}`,
  ];
  const table = markdownTable(['measurement', 'samples>', 'p50 ms>', 'p99 ms>', 'goal', 'p50 / p99'], [
    row('**cold invocation, end to end** (supervisor.invoke on a new installation key)', samples, cold, 5),
    row('warm invocation right after, same key (the call alone)', samples, warm),
    row(`**cold start alone** = cold − warm, per pair (installations ${COLD_GAP_MS} ms apart)`, samples, added, 5),
    row('cold start alone, in a burst (back to back: each waits for the spare being made)', burst.samples.length, burstAdded),
    row('isolate CPU time of the cold invocation (worker-reported)', samples, cpu),
    row('sandbox ready in this process, no IPC (isolate → bundle run; stages below)', cached.length, ready, 5),
    ['first-ever compile: first invocation of a fresh worker (bundle shipped, sha256 checked, compiled without code cache)', '1', fmtMs(sup.firstEver.wallMs), '', '', ''],
  ]);

  const stage = (label: string, pick: (s: ColdStages) => number) => {
    const a = summarize(cached.map(pick));
    const b = summarize(uncached.map(pick));
    return [label, fmtMs(a.p50), fmtMs(a.p99), fmtMs(b.p50), fmtMs(b.p99)];
  };
  const stages = markdownTable(
    ['stage (in this process, isolated-vm directly, as InstallationSandbox.create; isolates kept alive through the series)', 'code cache p50 ms>', 'p99 ms>', 'first-ever compile p50 ms>', 'p99 ms>'],
    [
      stage('`new ivm.Isolate({ memoryLimit: 64 })`', (s) => s.isolate),
      stage('`isolate.createContext()`', (s) => s.context),
      stage('prelude (`evalClosure`: capture built-ins, strip globals, runner)', (s) => s.prelude),
      stage('`compileScript(bundle)` — with V8 code cache / without', (s) => s.compile),
      stage('run the bundle\'s top level (`definePlugin`)', (s) => s.run),
      stage('**= sandbox ready** (sum of the above)', (s) => s.total),
      stage('first resolver call (1 order)', (s) => s.firstCall),
      stage('`isolate.dispose()` (what an LRU eviction costs)', (s) => s.dispose),
    ],
  );
  const ratio = markdownTable(['goal', 'measured', 'goal', 'verdict'], [
    [
      'cold start alone p50 ÷ a bare `new ivm.Isolate` + `createContext` p50 (stages below, same run)',
      `${fmtMs(added.p50)} / ${fmtMs(bare.p50)} ms = ${fmtRatio(added.p50 / bare.p50)}×`, '≤ 0.5×', verdict(added.p50 / bare.p50, 0.5),
    ],
  ]);
  return [
    `#### 1. Cold start — goal p50/p99 ≤ 5 ms, and ≤ 0.5× a bare isolate + context`,
    '',
    table,
    '',
    ratio,
    '',
    `What the end-to-end cold number includes: core → worker IPC (the bundle code is not resent: the worker already has it), the worker's pool lookup, **the blank sandbox the worker keeps ready (isolate with a 64 MB cap + context + the prelude, made after the previous cold start; made here when none is ready) + compiling the bundle from V8's code cache (produced by the first isolate of that bundle) + running its top level**, then the resolver call itself (1 order) and the reply over IPC. "Cold start alone" subtracts the warm call that follows on the same key, leaving what the new isolate costs. Every sample uses a new installation key and the same bundle, with room for all of them in the LRU, so no eviction lands in a sample. The first-ever compile (${fmtMs(sup.firstEver.wallMs)} ms, isolate CPU ${fmtMs(sup.firstEver.cpuMs)} ms) happens once per bundle per worker process; here it is also the worker's very first invocation, so the worker's own code is not yet optimized either. What compiling without a code cache costs by itself is the right-hand column below.`,
    '',
    stages,
  ].join('\n');
}

async function warmSection(bundle: Bundle): Promise<string> {
  const sizes = [1, 100, 1000];
  const calls = envNumber('BENCH_PLUGINS_CALLS', 2000);
  const callsFor = (n: number) => (n >= 1000 ? Math.ceil(calls / 4) : calls);
  const e2e = await supervisorWarmCalls(bundle, sizes, callsFor, 2);
  await pause(500);

  log('plugins: warm calls inside the isolate, in this process');
  const sandbox = await warmSandbox(bundle);
  const inIsolate = new Map<number, number[]>();
  try {
    for (const n of sizes) await sandbox.run(sdlOrders(n), Math.ceil(callsFor(n) / 4)); // warm-up
    for (const n of sizes) inIsolate.set(n, await sandbox.run(sdlOrders(n), callsFor(n)));
  } finally {
    sandbox.dispose();
  }
  log('plugins: bare isolated-vm crossings, core-side JSON, bare IPC round trips');
  const floor = await bareCrossings(calls);
  const json = new Map(sizes.map((n) => [n, coreJson(sdlOrders(n), callsFor(n))]));
  const echo = await ipcEcho();
  const ipc = new Map<number, number[]>();
  const messageChars = new Map<number, { payload: number; reply: number }>();
  try {
    for (const n of sizes) {
      const parents = sdlOrders(n);
      const chars = { payload: JSON.stringify([parents, {}]).length, reply: JSON.stringify(parents.map(() => 'ORD-000001 (DELIVERED)')).length };
      messageChars.set(n, chars);
      await echo.roundTrips(chars.payload, chars.reply, Math.ceil(callsFor(n) / 4));
      ipc.set(n, await echo.roundTrips(chars.payload, chars.reply, callsFor(n)));
    }
  } finally {
    await echo.close();
  }

  const p50 = (xs: number[]) => summarize(xs).p50;
  const e2eBy = new Map(e2e.map((r) => [r.items, r]));
  const rows = sizes.map((n) => {
    const r = e2eBy.get(n)!;
    const s = summarize(r.wallMs);
    const iso = summarize(inIsolate.get(n)!);
    return [
      fmtInt(n), fmtInt(r.wallMs.length), fmtUs(s.p50), fmtUs(s.p99), fmtUs(s.p50 / n),
      fmtUs(p50(r.cpuMs)), fmtUs(iso.p50), fmtUs(iso.p99), fmtUs(iso.p50 / n),
    ];
  });
  const table = markdownTable(
    ['items', 'calls>', 'end to end p50 µs>', 'p99 µs>', 'per item (p50 ÷ items) µs>', 'isolate CPU p50 µs>', 'in isolate p50 µs>', 'p99 µs>', 'per item µs>'],
    rows,
  );

  const e1 = p50(e2eBy.get(1)!.wallMs);
  const e1000 = p50(e2eBy.get(1000)!.wallMs);
  const i1 = p50(inIsolate.get(1)!);
  const i1000 = p50(inIsolate.get(1000)!);
  const eSlope = (e1000 - e1) / 999;
  const iSlope = (i1000 - i1) / 999;
  const goals = markdownTable(['goal', 'path', 'measured µs>', 'goal µs>', 'verdict'], [
    ['per call (1 item, p50)', 'end to end (core → worker → isolate → core)', fmtUs(e1), '50', verdict(e1 * 1000, 50)],
    ['per item (marginal: (p50@1000 − p50@1) ÷ 999)', 'end to end', fmtUs(eSlope), '2', verdict(eSlope * 1000, 2)],
    ['per call (1 item, p50)', 'in isolate only (InstallationSandbox.run, no IPC)', fmtUs(i1), '50', verdict(i1 * 1000, 50)],
    ['per item (marginal)', 'in isolate only', fmtUs(iSlope), '2', verdict(iSlope * 1000, 2)],
  ]);

  const where = markdownTable(
    ['items', 'JSON out / back (chars)>', 'end to end µs>', 'in isolate µs>', 'bare IPC round trip µs>', 'core JSON µs>', 'rest µs>'],
    sizes.map((n) => {
      const e = p50(e2eBy.get(n)!.wallMs);
      const iso = p50(inIsolate.get(n)!);
      const rt = p50(ipc.get(n)!);
      const js = p50(json.get(n)!);
      const chars = messageChars.get(n)!;
      return [fmtInt(n), `${fmtInt(chars.payload)} / ${fmtInt(chars.reply)}`, fmtUs(e), fmtUs(iso), fmtUs(rt), fmtUs(js), fmtUs(e - iso - rt - js)];
    }),
  );
  return [
    '#### 2. Warm crossing, batched — goal ≤ 50 µs per call, ≤ 2 µs per item',
    '',
    `One warm installation of the fixture; \`Order.acme_orderBadge_label\` called with 1, 100 and 1 000 SDL-shaped orders (as core hands them to plugins: global id, orderNumber, orderStatus, currency, total, one line, customer ref, ISO date; ~${fmtInt(messageChars.get(1)!.payload)} chars of JSON each), calls one after another, sizes alternated over 2 rounds after a warm-up. **End to end** is \`supervisor.invoke\` as the core calls it: JSON-encode parents and context, IPC to the worker process, pool lookup, the isolate call, the reply over IPC, JSON.parse and the result-shape check. **In isolate** is core's own \`InstallationSandbox.run\` on a warm sandbox in this process — the async isolated-vm \`apply\` of the prelude's runner, JSON.parse of the parents inside the isolate, the resolver, JSON.stringify and the copy out — i.e. the end-to-end path minus IPC and the worker's bookkeeping.`,
    '',
    table,
    '',
    goals,
    '',
    'Where the time goes (p50 of each layer measured alone; "rest" = end to end − the three, i.e. the worker\'s message handling, pool, limits and timers, and event-loop turns on both sides):',
    '',
    where,
    '',
    `Floors, isolated-vm alone: a synchronous \`applySync\` of a trivial function with a short string: p50 ${fmtUs(p50(floor.sync))} µs; an async \`apply\` awaiting a promise result (what the sandbox uses, because plugin resolvers are async and may await host calls): p50 ${fmtUs(p50(floor.async))} µs. The bare IPC round trip uses the supervisor's settings (fork, \`serialization: 'advanced'\`, the worker's execArgv) with messages of the same shape and size and a child that only answers.`,
  ].join('\n');
}

const MAX_WARM_MEASURED = 1_000;
/** Bare isolates kept at once to measure the floor of one isolate per installation. */
const BARE_ISOLATES = 300;

async function memorySection(): Promise<string> {
  const perTenant = 10;
  const tenants = envNumber('BENCH_PLUGINS_TENANTS', 100);
  const total = tenants * perTenant;
  const every = Math.max(1, Math.round(total / 10));
  log(`plugins: building ${perTenant} versions of the fixture (distinct bundles)`);
  const bundles = [];
  for (let i = 0; i < perTenant; i++) bundles.push(await fixtureBundle(`1.0.${i}`));

  const runs: MemoryRun[] = [];
  // The default cap (100) against room for all (with fewer installations than 200, half of them),
  // up to a thousand warm: at ~1.2 MB each, many thousands more outgrow one worker process.
  for (const maxWarm of [Math.max(1, Math.min(100, Math.floor(total / 2))), Math.min(total, MAX_WARM_MEASURED)]) {
    log(`plugins: memory, ${total} installations, maxWarmInstallations ${maxWarm}`);
    runs.push(await supervisorMemory(bundles, tenants, maxWarm, every));
    await pause(500);
  }
  const [small, large] = runs as [MemoryRun, MemoryRun];

  // One warm isolate's V8 heap, from isolated-vm, after the same 50-order call.
  const probe = await warmSandbox(bundles[0]!);
  let heap;
  try {
    await probe.run(sdlOrders(50), 3);
    heap = await probe.heap();
  } finally {
    probe.dispose();
  }

  const floor = await bareIsolateRss(BARE_ISOLATES);

  const rssAt = (run: MemoryRun, n: number) => run.checkpoints.find((c) => c.installations === n)?.rssBytes ?? NaN;
  const rows = [
    ['0 (worker just started)', fmtMB(small.baselineRss), fmtMB(large.baselineRss)],
    ['1', fmtMB(small.afterFirstRss), fmtMB(large.afterFirstRss)],
    ...small.checkpoints.map((c) => [fmtInt(c.installations), fmtMB(c.rssBytes), fmtMB(rssAt(large, c.installations))]),
  ];
  const table = markdownTable(['installations warmed', `worker RSS MB, maxWarmInstallations ${small.maxWarm}>`, `worker RSS MB, maxWarmInstallations ${large.maxWarm}>`], rows);

  const allWarm = large.maxWarm; // installations warm at once in the large run
  const perInstall = (rssAt(large, allWarm) - large.afterFirstRss) / (allWarm - 1);
  const perInstallSmall = (rssAt(small, 100) - small.afterFirstRss) / 99;
  // Once the LRU is full (maxWarm installations warmed), every new one evicts one: RSS should stay put.
  const full = small.checkpoints.find((c) => c.installations >= small.maxWarm) ?? small.checkpoints.at(-1)!;
  const fullAt = full.rssBytes;
  const endAt = rssAt(small, total);
  const growth = endAt / fullAt;
  const goals = markdownTable(['measurement', 'measured', 'goal', 'verdict'], [
    [`worker RSS per warm installation ((RSS@${allWarm} − RSS@1) ÷ ${allWarm - 1}, maxWarm ${large.maxWarm})`, `${fmtMB(perInstall)} MB`, '≤ 5 MB', verdict(perInstall, 5 * 2 ** 20)],
    ['the same against issue 13\'s goal', `${fmtMB(perInstall)} MB`, '≤ 1 MB', verdict(perInstall, 2 ** 20)],
    [`the floor: RSS per bare isolate with a context, no code run (${BARE_ISOLATES} kept at once, a fresh process)`, `${(floor / 2 ** 20).toFixed(2)} MB`, 'printed', 'done'],
    [`worker RSS with all ${fmtInt(total)} installations warmed under the LRU (maxWarm ${small.maxWarm})`, `${fmtMB(endAt)} MB`, '≤ 2 GiB', verdict(endAt, 2 * 2 ** 30)],
    // Only when there is a checkpoint at 100 (up to 1 000 installations).
    ...(Number.isFinite(perInstallSmall) ? [['the same over the first 100 (maxWarm 100)', `${fmtMB(perInstallSmall)} MB`, '≤ 5 MB', verdict(perInstallSmall, 5 * 2 ** 20)]] : []),
    ['V8 heap of one warm isolate (used / total heap size, malloced), from isolated-vm', `${fmtMB(heap.used_heap_size)} / ${fmtMB(heap.total_heap_size)} MB, ${fmtMB(heap.malloced_memory)} MB`, '≤ 5 MB', verdict(heap.total_heap_size, 5 * 2 ** 20)],
    [`LRU bound: RSS@${total} ÷ RSS@${full.installations} (the LRU full) with maxWarm ${small.maxWarm}; bounded if ≤ 1.25`, `${fmtMB(endAt)} / ${fmtMB(fullAt)} MB = ${growth.toFixed(2)}`, '≤ 1.25', verdict(growth, 1.25)],
    [`installation #1 still warm after all ${total}?`, `maxWarm ${small.maxWarm}: ${small.firstStillWarm ? 'yes' : 'no (evicted)'}; maxWarm ${large.maxWarm}: ${large.firstStillWarm ? 'yes' : 'no (evicted)'}`, `evicted / ${large.maxWarm >= total ? 'kept' : 'evicted'}`, !small.firstStillWarm && large.firstStillWarm === (large.maxWarm >= total) ? 'PASS' : '**MISS**'],
  ]);
  return [
    `#### 4. Memory per warm installation and the LRU bound — goal ≤ 5 MB each`,
    '',
    `${fmtInt(total)} installations (${tenants} tenants × ${perTenant}; installation i of each tenant runs its own plugin version, so ${perTenant} distinct bundles), each with its own key and warmed by one call with 50 orders, in tenant order, through one supervisor with one worker process (the default). VmRSS of the worker (\`supervisor.workerPid(key)\`, /proc/<pid>/status) after every ${fmtInt(every)}. Run once with maxWarmInstallations ${small.maxWarm} and once with ${fmtInt(large.maxWarm)} (${small.seconds.toFixed(1)} s and ${large.seconds.toFixed(1)} s to warm them all). RSS is read right after the calls, with no forced GC; memory V8 or malloc has freed is not always returned to the OS at once, so an evicting run settles above its live set.`,
    '',
    table,
    '',
    goals,
  ].join('\n');
}
