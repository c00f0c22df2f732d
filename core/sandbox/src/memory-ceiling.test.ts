import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxSupervisor } from './supervisor.js';
import { pluginBundle, quietLogger, testContext } from './test-helpers.js';
import type { HostFunction, ResolverInvocation } from './types.js';

/**
 * isolated-vm's heap limit is approximate: under a 64 MB limit one JSON.parse takes a worker
 * process up by well over 100 MB. The supervisor bounds the process instead: past its RSS
 * ceiling a worker is replaced, and the calls it already took still finish.
 */

const CEILING_MB = 160;

const hoarder = pluginBundle(`{
  resolvers: {
    Hoard: {
      // Kept in a global, so the memory stays in use after the call.
      parse: async (parents, args) => {
        globalThis.kept = JSON.parse('[' + new Array(args.n).fill('{"a":1,"b":"yy"}').join(',') + ']');
        return [globalThis.kept.length];
      },
      parseThenWait: async (parents, args, ctx) => {
        globalThis.kept = JSON.parse('[' + new Array(args.n).fill('{"a":1,"b":"yy"}').join(',') + ']');
        await ctx.storage.get('gate');
        return [globalThis.kept.length];
      },
    },
  },
}`);

const victim = pluginBundle(`{
  resolvers: {
    Customer: {
      total: async (parents, args, ctx) => parents.map((p) => ctx.tenant.slug + ':' + p.amounts.reduce((a, b) => a + b, 0)),
      totalAfterHost: async (parents, args, ctx) => {
        const bonus = await ctx.storage.get('bonus');
        return parents.map((p) => ctx.tenant.slug + ':' + (p.amounts.reduce((a, b) => a + b, 0) + bonus));
      },
    },
  },
}`);

const HOARDER = 'tenant-x/hoarder';
const VICTIM = 'tenant-v/victim';
const LIMITS = { memoryMb: 64, cpuTimeoutMs: 10_000, wallTimeoutMs: 20_000 };

const hoard = (field: string, n: number, memoryMb: number): ResolverInvocation => ({
  installationKey: HOARDER,
  bundle: hoarder,
  context: testContext('x'),
  entry: { kind: 'resolver', type: 'Hoard', field },
  parents: [{}],
  args: { n },
  limits: { ...LIMITS, memoryMb },
});

const parents = (seed: number) => Array.from({ length: 5 }, (_, i) => ({ amounts: [seed, i, seed * i, 7] }));
const expected = (seed: number, bonus = 0) => parents(seed).map((p) => `v:${p.amounts.reduce((a, b) => a + b, 0) + bonus}`);

const victimCall = (field: string, seed: number): ResolverInvocation => ({
  installationKey: VICTIM,
  bundle: victim,
  context: testContext('v'),
  entry: { kind: 'resolver', type: 'Customer', field },
  parents: parents(seed),
  limits: LIMITS,
});

/** A host whose storage.get answers only once the test opens the gate. */
function gatedHost(answer: unknown) {
  let open!: () => void;
  let reached!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  const host: HostFunction = async () => {
    reached();
    await opened;
    return answer;
  };
  return { host, open, arrived };
}

const noHost: HostFunction = async () => null;

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('worker RSS ceiling', () => {
  let supervisor: SandboxSupervisor;

  beforeAll(async () => {
    supervisor = new SandboxSupervisor({ logger: quietLogger, workers: 1, maxWorkerRssMb: CEILING_MB });
    await supervisor.start();
  });
  afterAll(() => supervisor.close());

  /** Victim calls, one after another, until `over` resolves; each must be exact. */
  async function victimLoop(over: Promise<unknown>): Promise<number> {
    let done = false;
    void over.finally(() => (done = true));
    let served = 0;
    for (let seed = 1; !done || served === 0; seed++) {
      const result = await supervisor.invoke(victimCall('total', seed), noHost);
      expect(result.value).toEqual(expected(seed));
      served++;
    }
    return served;
  }

  it('replaces a worker that a JSON.parse took past the ceiling; calls it had taken still finish', async () => {
    expect((await supervisor.invoke(victimCall('total', 1), noHost)).value).toEqual(expected(1));
    const oldPid = supervisor.workerPid(VICTIM)!;
    expect(supervisor.workerRssBytes(VICTIM)).toBeLessThan(CEILING_MB * 2 ** 20);

    // A victim call in flight on the old worker, waiting on its host, when the recycle starts.
    const gate = gatedHost(100);
    const inFlight = supervisor.invoke(victimCall('totalAfterHost', 42), gate.host);
    await gate.arrived;

    // ~70 MB of JSON text and objects: V8 stops it at the 64 MB heap limit, but only after the
    // process has grown by more than 150 MB (isolated-vm checks the limit after the fact).
    const hoarded = supervisor.invoke(hoard('parse', 2_000_000, 64), noHost).catch((error: unknown) => error);
    const served = await victimLoop(hoarded);
    expect(served).toBeGreaterThan(0);
    expect(await hoarded).toMatchObject({ code: 'PLUGIN_FAILED', message: 'the plugin exceeded its memory limit of 64 MB' });

    // The call's own report put the worker past the ceiling: new calls go to a replacement...
    const newPid = supervisor.workerPid(VICTIM);
    expect(newPid).toBeDefined();
    expect(newPid).not.toBe(oldPid);
    expect(alive(oldPid)).toBe(true);
    expect((await supervisor.invoke(victimCall('total', 7), noHost)).value).toEqual(expected(7));

    // ...while the old one finishes the call it took, then ends.
    gate.open();
    expect((await inFlight).value).toEqual(expected(42, 100));
    await until(() => !alive(oldPid), 'the recycled worker has exited');

    expect(await victimLoop(Promise.resolve())).toBeGreaterThan(0);
    expect(supervisor.workerPid(VICTIM)).toBe(newPid);
    const rss = supervisor.workerRssBytes(VICTIM);
    expect(rss).toBeGreaterThan(0);
    expect(rss).toBeLessThan(CEILING_MB * 2 ** 20);
  });

  it('notices growth while the call that caused it is still running, and lets that call finish', async () => {
    const oldPid = supervisor.workerPid(HOARDER)!;
    const replaced = supervisor.workerReplacements().memory;
    const gate = gatedHost('open');
    // A heap limit the data fits in: the call succeeds and keeps what it parsed.
    const hoarded = supervisor.invoke(hoard('parseThenWait', 1_500_000, 256), gate.host);
    await gate.arrived;

    // No call has ended on the old worker: its periodic report triggers the recycle.
    await until(() => supervisor.workerPid(HOARDER) !== oldPid, 'a replacement worker has taken over');
    expect(supervisor.workerReplacements().memory).toBe(replaced + 1);
    expect(await victimLoop(Promise.resolve())).toBeGreaterThan(0);
    expect(alive(oldPid)).toBe(true);

    gate.open();
    expect((await hoarded).value).toEqual([1_500_000]);
    await until(() => !alive(oldPid), 'the recycled worker has exited');
    expect(supervisor.workerRssBytes(VICTIM)).toBeLessThan(CEILING_MB * 2 ** 20);
  });
});
