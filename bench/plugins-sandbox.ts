/**
 * Measurements through SandboxSupervisor, the way the core calls plugins: core → worker process
 * (Node IPC) → isolate → back. Cold starts, warm batched calls, and the worker's memory as
 * installations warm up.
 */
import type { PluginBundle, SandboxSupervisor } from '../core/sandbox/src/index.js';
import { log } from './lib.js';
import { expectLabels, noHost, pause, resolverInvocation, rssBytes, sdlOrders, startSupervisor, type SdlOrder } from './plugins-common.js';

export interface ColdSample {
  /** Wall time of the invocation that started the isolate, seen by the caller. */
  coldMs: number;
  /** The isolate's CPU time in that invocation (compile, bundle top level, the call). */
  coldCpuMs: number;
  /** The next invocation on the same installation, now warm. */
  warmMs: number;
}

export interface ColdStartResult {
  firstEver: { wallMs: number; cpuMs: number };
  samples: ColdSample[];
}

/**
 * A fresh supervisor; its first invocation is the first-ever compile (the bundle is shipped to
 * the worker, verified, compiled without a code cache). Then `samples` new installation keys,
 * same bundle, each invoked twice: cold (the worker's spare blank sandbox, or a new isolate +
 * context + prelude, then the bundle compiled from V8's code cache + the call) and warm (the
 * call alone). `gapMs` between pairs: installations arriving apart, so the spare made after each
 * cold start is ready for the next; 0 is a burst, where each cold start waits for it.
 */
export async function supervisorColdStarts(bundle: PluginBundle, samples: number, gapMs: number): Promise<ColdStartResult> {
  // Room for every sample, so no eviction (an isolate's dispose) lands in a measurement.
  const supervisor = await startSupervisor({ maxWarmInstallations: samples + 10 });
  try {
    const parents = sdlOrders(1);
    const call = async (key: string) => {
      const t0 = performance.now();
      const result = await supervisor.invoke(resolverInvocation(key, bundle, parents), noHost);
      const wallMs = performance.now() - t0;
      expectLabels(result.value, parents, `cold start ${key}`);
      return { wallMs, cpuMs: result.metrics.cpuMs, coldStart: result.metrics.coldStart };
    };
    const first = await call('cold/first-ever');
    if (!first.coldStart) throw new Error('the first invocation of a fresh supervisor was not a cold start');
    const out: ColdSample[] = [];
    for (let i = 0; i < samples; i++) {
      if (gapMs > 0) await pause(gapMs);
      const cold = await call(`cold/${i}`);
      const warm = await call(`cold/${i}`);
      if (!cold.coldStart || warm.coldStart) throw new Error(`cold/${i}: expected a cold then a warm invocation, got ${cold.coldStart}/${warm.coldStart}`);
      out.push({ coldMs: cold.wallMs, coldCpuMs: cold.cpuMs, warmMs: warm.wallMs });
    }
    return { firstEver: { wallMs: first.wallMs, cpuMs: first.cpuMs }, samples: out };
  } finally {
    await supervisor.close();
  }
}

export interface WarmRun {
  items: number;
  wallMs: number[];
  /** isolate CPU time per call, as the worker reports it. */
  cpuMs: number[];
}

/**
 * One warm installation, called with 1, 100, 1 000 parents in turn (`rounds` alternations, so
 * drift of the machine hits every size alike). Every answer is checked once per block.
 */
export async function supervisorWarmCalls(bundle: PluginBundle, sizes: number[], callsFor: (items: number) => number, rounds: number): Promise<WarmRun[]> {
  const supervisor = await startSupervisor({ maxWarmInstallations: 10 });
  try {
    const key = 'warm/0';
    const parentsBy = new Map(sizes.map((n) => [n, sdlOrders(n)]));
    const runs = new Map<number, WarmRun>(sizes.map((n) => [n, { items: n, wallMs: [], cpuMs: [] }]));
    const block = async (parents: SdlOrder[], calls: number, record: WarmRun | undefined) => {
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now();
        const result = await supervisor.invoke(resolverInvocation(key, bundle, parents), noHost);
        const ms = performance.now() - t0;
        if (i === 0) expectLabels(result.value, parents, `warm call with ${parents.length} items`);
        if (result.metrics.coldStart && record) throw new Error('a measured warm call was a cold start');
        record?.wallMs.push(ms);
        record?.cpuMs.push(result.metrics.cpuMs);
      }
    };
    for (const n of sizes) await block(parentsBy.get(n)!, Math.ceil(callsFor(n) / 4), undefined); // warm-up (JIT, caches)
    for (let round = 1; round <= rounds; round++) {
      for (const n of sizes) {
        log(`plugins: warm calls through the supervisor, round ${round}/${rounds}, ${n} items × ${Math.ceil(callsFor(n) / rounds)} calls`);
        await block(parentsBy.get(n)!, Math.ceil(callsFor(n) / rounds), runs.get(n)!);
      }
    }
    return [...runs.values()];
  } finally {
    await supervisor.close();
  }
}

export interface MemoryCheckpoint {
  installations: number;
  rssBytes: number;
}

export interface MemoryRun {
  maxWarm: number;
  baselineRss: number;
  /** After one installation (bundle shipped, compiled, one isolate). */
  afterFirstRss: number;
  checkpoints: MemoryCheckpoint[];
  /** Whether installation #1 (warmed first) was still warm after all the others. */
  firstStillWarm: boolean;
  workerPid: number;
  seconds: number;
}

/**
 * `tenants × perTenant` installations (distinct keys `tenant-<t>/inst-<i>/1`; installation i of
 * every tenant runs bundle i, so there are `perTenant` distinct plugins), each warmed with one
 * 50-order call, in tenant order. The worker's VmRSS is read after every `every` installations.
 */
export async function supervisorMemory(bundles: PluginBundle[], tenants: number, maxWarm: number, every: number): Promise<MemoryRun> {
  const supervisor: SandboxSupervisor = await startSupervisor({ maxWarmInstallations: maxWarm });
  try {
    const parents = sdlOrders(50);
    const keyOf = (t: number, i: number) => `tenant-${t}/inst-${i}/1`;
    const pid = supervisor.workerPid(keyOf(0, 0));
    if (pid === undefined) throw new Error('the sandbox worker has no pid');
    const baselineRss = rssBytes(pid);
    const checkpoints: MemoryCheckpoint[] = [];
    let warmed = 0;
    let afterFirstRss = baselineRss;
    const started = performance.now();
    for (let t = 0; t < tenants; t++) {
      for (let i = 0; i < bundles.length; i++) {
        const key = keyOf(t, i);
        if (supervisor.workerPid(key) !== pid) throw new Error('the worker process changed (crashed?) during the memory run');
        const result = await supervisor.invoke(resolverInvocation(key, bundles[i]!, parents, `tenant-${t}`), noHost);
        if (!result.metrics.coldStart) throw new Error(`${key} was already warm`);
        if (warmed === 0) expectLabels(result.value, parents, 'memory run');
        warmed++;
        if (warmed === 1) afterFirstRss = rssBytes(pid);
        if (warmed % every === 0) {
          checkpoints.push({ installations: warmed, rssBytes: rssBytes(pid) });
          log(`plugins: memory, maxWarmInstallations ${maxWarm}: ${warmed} installations, worker RSS ${(checkpoints.at(-1)!.rssBytes / 2 ** 20).toFixed(0)} MB`);
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const again = await supervisor.invoke(resolverInvocation(keyOf(0, 0), bundles[0]!, parents, 'tenant-0'), noHost);
    return { maxWarm, baselineRss, afterFirstRss, checkpoints, firstStillWarm: !again.metrics.coldStart, workerPid: pid, seconds };
  } finally {
    await supervisor.close();
  }
}
