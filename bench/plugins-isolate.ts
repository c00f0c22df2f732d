/**
 * The layers under SandboxSupervisor, measured one by one in this process so the end-to-end
 * numbers can be taken apart: the steps of a cold start, one warm invocation inside the isolate
 * (core's own InstallationSandbox: prelude, JSON parse in the isolate, the plugin, JSON out), the
 * isolated-vm crossings alone, the JSON work the core does, and a bare Node IPC round trip.
 *
 * isolated-vm needs --no-node-snapshot in the process that loads it; `npm run bench` passes it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ivm from 'isolated-vm';
import { InstallationSandbox, type CachedBundle } from '../core/sandbox/src/installation-sandbox.js';
import { DEFAULT_LIMITS } from '../core/sandbox/src/limits.js';
import { installPrelude, type BridgeFunction } from '../core/sandbox/src/prelude.js';
import type { PluginBundle } from '../core/sandbox/src/index.js';
import { benchDir } from './lib.js';
import { badge, ENTRY, expectLabels, invocationContext, type SdlOrder } from './plugins-common.js';

const limits = DEFAULT_LIMITS;
const onCatastrophicError = (message: string): void => {
  process.stderr.write(`[bench] isolated-vm: ${message}\n`);
  process.exit(70);
};
/** The fixture makes no host calls; a bridge that answers `undefined` is enough. */
const idleBridge = (): ivm.Reference<BridgeFunction> => new ivm.Reference<BridgeFunction>(async () => 'U');

export interface ColdStages {
  isolate: number;
  context: number;
  prelude: number;
  compile: number;
  run: number;
  /** Sum of the above: what InstallationSandbox.create does. */
  total: number;
  firstCall: number;
  dispose: number;
}

/**
 * The steps of InstallationSandbox.create, timed one by one (ms): new isolate, context, prelude,
 * compile (with V8's code cache from an earlier isolate, or without one — the first-ever
 * compile), running the bundle's top level; then the first resolver call (1 parent) and dispose.
 */
export async function coldStartStages(bundle: PluginBundle, samples: number, useCodeCache: boolean, parents: readonly SdlOrder[]): Promise<ColdStages[]> {
  const filename = `mosaic-plugin:///${bundle.sha256.slice(0, 16)}.js`;
  let cachedData: ivm.ExternalCopy<ArrayBuffer> | undefined;
  if (useCodeCache) {
    // As the worker does: the first isolate's compile produces the cache the next ones use.
    const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
    const script = (await isolate.compileScript(bundle.code, { produceCachedData: true, filename })) as ivm.Script & { cachedData?: ivm.ExternalCopy<ArrayBuffer> };
    cachedData = script.cachedData;
    isolate.dispose();
    if (!cachedData) throw new Error('V8 produced no code cache for the bundle');
  }
  const payloadJson = JSON.stringify([parents, {}]);
  const contextJson = JSON.stringify(invocationContext('bench', 'cold'));
  const out: ColdStages[] = [];
  // Kept alive until the series ends, as a worker keeps its warm isolates: a new isolate costs
  // more next to many live ones than in an empty process.
  const live: { isolate: ivm.Isolate; bridge: ivm.Reference<BridgeFunction>; sample: ColdStages }[] = [];
  for (let i = 0; i < samples; i++) {
    const bridge = idleBridge();
    const t0 = performance.now();
    const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb, onCatastrophicError });
    const t1 = performance.now();
    const context = await isolate.createContext();
    const t2 = performance.now();
    const runner = await installPrelude(context, bridge, limits.cpuTimeoutMs);
    const t3 = performance.now();
    const script = (await isolate.compileScript(
      bundle.code,
      cachedData ? { cachedData, filename } : { produceCachedData: true, filename },
    )) as ivm.Script & { cachedDataRejected?: boolean };
    const t4 = performance.now();
    if (script.cachedDataRejected) throw new Error('V8 rejected the code cache');
    await script.run(context, { timeout: limits.cpuTimeoutMs });
    script.release();
    const t5 = performance.now();
    const reply = await runner.apply(
      undefined,
      [1, ENTRY.kind, ENTRY.type, ENTRY.field, payloadJson, contextJson, limits.maxResultBytes, limits.maxHostArgBytes, limits.maxHostCalls],
      { timeout: limits.cpuTimeoutMs, result: { promise: true } },
    );
    const t6 = performance.now();
    if (typeof reply !== 'string' || reply[0] !== 'R') throw new Error(`cold start sample: unexpected reply ${String(reply).slice(0, 200)}`);
    expectLabels(JSON.parse(reply.slice(1)), parents, 'cold start (in process)');
    const sample = { isolate: t1 - t0, context: t2 - t1, prelude: t3 - t2, compile: t4 - t3, run: t5 - t4, total: t5 - t0, firstCall: t6 - t5, dispose: NaN };
    out.push(sample);
    live.push({ isolate, bridge, sample });
  }
  for (const { isolate, bridge, sample } of live) {
    const t0 = performance.now();
    isolate.dispose();
    sample.dispose = performance.now() - t0;
    bridge.release();
  }
  return out;
}

/** A warm InstallationSandbox in this process: the exact code a worker runs per invocation, minus IPC. */
export async function warmSandbox(bundle: PluginBundle): Promise<{
  run(parents: readonly SdlOrder[], iterations: number): Promise<number[]>;
  heap(): Promise<ivm.HeapStatistics>;
  dispose(): void;
}> {
  const cached: CachedBundle = { sha256: bundle.sha256, code: bundle.code };
  const bridge = idleBridge();
  const created = await InstallationSandbox.create({ key: 'bench/in-process', bundle: cached, limits, bridge, onCatastrophicError });
  if (!(created instanceof InstallationSandbox)) throw new Error(`could not create a sandbox: ${created.message}`);
  const sandbox = created;
  const contextJson = JSON.stringify(invocationContext('bench', 'in-process'));
  let id = 1;
  return {
    async run(parents, iterations) {
      const payloadJson = JSON.stringify([parents, {}]);
      const times: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const t0 = performance.now();
        const outcome = await sandbox.run({ invocationId: id++, entry: ENTRY, payloadJson, contextJson, limits });
        times.push(performance.now() - t0);
        if (i === 0) {
          if (!outcome.ok || outcome.json === undefined) throw new Error(`in-process sandbox: ${JSON.stringify(outcome).slice(0, 300)}`);
          expectLabels(JSON.parse(outcome.json), parents, `in-process sandbox, ${parents.length} items`);
        }
      }
      return times;
    },
    heap: () => sandbox.heapStatistics(),
    dispose() {
      sandbox.dispose();
      bridge.release();
    },
  };
}

/**
 * The floor of a crossing: isolated-vm calling a trivial function with a short string argument,
 * synchronously (applySync) and the way the sandbox does (apply, awaiting a promise result).
 */
export async function bareCrossings(iterations: number): Promise<{ sync: number[]; async: number[] }> {
  const isolate = new ivm.Isolate({ memoryLimit: 8 });
  try {
    const context = await isolate.createContext();
    const syncFn = (await context.eval('(s) => s.length', { reference: true })) as ivm.Reference<(s: string) => number>;
    const asyncFn = (await context.eval('async (s) => s.length', { reference: true })) as ivm.Reference<(s: string) => Promise<number>>;
    const sync: number[] = [];
    const async: number[] = [];
    for (let i = 0; i < iterations; i++) {
      let t0 = performance.now();
      syncFn.applySync(undefined, ['["x"]']);
      sync.push(performance.now() - t0);
      t0 = performance.now();
      await asyncFn.apply(undefined, ['["x"]'], { result: { promise: true } });
      async.push(performance.now() - t0);
    }
    return { sync, async };
  } finally {
    isolate.dispose();
  }
}

/** What the supervisor does to values in the core per call: stringify parents and context, parse the result. */
export function coreJson(parents: readonly SdlOrder[], iterations: number): number[] {
  const context = invocationContext('bench', 'json');
  const resultJson = JSON.stringify(parents.map(badge));
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    JSON.stringify(context);
    JSON.stringify([parents, {}]);
    JSON.parse(resultJson);
    times.push(performance.now() - t0);
  }
  return times;
}

/**
 * A bare Node IPC round trip with the supervisor's settings (fork, `serialization: 'advanced'`,
 * the worker's execArgv): a message shaped like `invoke` with `payloadChars` of JSON out, one
 * shaped like `done` with `replyChars` of JSON back, and nothing done in between.
 */
export async function ipcEcho(): Promise<{
  roundTrips(payloadChars: number, replyChars: number, iterations: number): Promise<number[]>;
  close(): Promise<void>;
}> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child: ChildProcess = fork(join(benchDir, 'plugins-echo.ts'), [], {
    execArgv: ['--no-node-snapshot', '--import', tsx],
    serialization: 'advanced',
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the IPC echo process exited (${code}) before it was ready`)));
  });
  let id = 0;
  const once = (message: object): Promise<void> =>
    new Promise((resolve) => {
      child.once('message', () => resolve());
      child.send(message);
    });
  return {
    async roundTrips(payloadChars, replyChars, iterations) {
      const payloadJson = JSON.stringify('p'.repeat(Math.max(0, payloadChars - 2)));
      const times: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const message = {
          type: 'invoke', id: ++id, replyChars, installationKey: 'bench/ipc', bundle: { sha256: 'f'.repeat(64) }, entry: ENTRY,
          contextJson: '{"tenant":{"id":"bench-id","slug":"bench"},"installation":{"id":"ipc","pluginId":"acme.order-badge","version":"1.0.0"},"config":{}}',
          payloadJson, limits,
        };
        const t0 = performance.now();
        await once(message);
        times.push(performance.now() - t0);
      }
      return times;
    },
    async close() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
}

/**
 * RSS per bare isolate with a context, no code run (plugins-bare-isolates.ts, in a fresh process):
 * what one isolate per installation costs before any plugin runs.
 */
export async function bareIsolateRss(count: number): Promise<number> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = fork(join(benchDir, 'plugins-bare-isolates.ts'), [String(count)], { execArgv: ['--no-node-snapshot', '--import', tsx] });
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { perIsolateBytes: number }) => resolve(m.perIsolateBytes));
      child.once('exit', (code) => reject(new Error(`the bare isolates process exited (${code}) before it answered`)));
    });
  } finally {
    child.kill();
  }
}
