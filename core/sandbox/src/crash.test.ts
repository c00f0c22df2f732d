import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginError } from './errors.js';
import { SandboxSupervisor } from './supervisor.js';
import { pluginBundle, testContext, quietLogger } from './test-helpers.js';
import type { HostFunction } from './types.js';

const plugin = pluginBundle(`{
  resolvers: {
    Q: {
      ok: async (parents) => parents.map((p) => p.id),
      waitForHost: async (parents, args, ctx) => [await ctx.storage.get('k')],
      // Growing a Map past the heap limit is an OOM V8 cannot unwind: the process dies.
      fatal: async () => { const m = new Map(); let i = 0; while (true) m.set(i++, 'v' + i); },
    },
  },
}`);

const invocation = (installationKey: string, field: string, limits = {}) => ({
  installationKey,
  bundle: plugin,
  context: testContext(),
  entry: { kind: 'resolver' as const, type: 'Q', field },
  parents: [{ id: installationKey }],
  limits: { memoryMb: 16, cpuTimeoutMs: 10_000, wallTimeoutMs: 20_000, ...limits },
});

const answer: HostFunction = async () => 'stored';

describe('sandbox worker crashes', () => {
  let supervisor: SandboxSupervisor;
  let keyA = '';
  let keyB = '';

  beforeAll(async () => {
    supervisor = new SandboxSupervisor({ logger: quietLogger, workers: 2 });
    await supervisor.start();
    // Two installations that land on different worker processes.
    keyA = 'tenant-a/inst';
    const pidA = supervisor.workerPid(keyA);
    for (let i = 0; !keyB; i++) if (supervisor.workerPid(`tenant-b/inst-${i}`) !== pidA) keyB = `tenant-b/inst-${i}`;
  });
  afterAll(() => supervisor.close());

  it('fails the in-flight call with PLUGIN_FAILED when the worker is killed, then restarts it', async () => {
    const pid = supervisor.workerPid(keyA)!;
    const replaced = supervisor.workerReplacements().crash;
    let hostReached!: () => void;
    const reached = new Promise<void>((resolve) => (hostReached = resolve));
    const stuck: HostFunction = () => {
      hostReached();
      return new Promise(() => {});
    };
    const inFlight = supervisor.invoke(invocation(keyA, 'waitForHost'), stuck).catch((error: unknown) => error);
    await reached;
    process.kill(pid, 'SIGKILL');
    const error = await inFlight;
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ code: 'PLUGIN_FAILED', message: 'the plugin sandbox process crashed (signal SIGKILL)' });

    const next = await supervisor.invoke(invocation(keyA, 'waitForHost'), answer);
    expect(next.value).toEqual(['stored']);
    expect(next.metrics.coldStart).toBe(true);
    expect(supervisor.workerPid(keyA)).not.toBe(pid);
    expect(supervisor.workerReplacements()).toMatchObject({ crash: replaced + 1, memory: 0 });
  });

  it('survives a V8 out-of-memory that takes its worker down; other workers are untouched', async () => {
    const pidA = supervisor.workerPid(keyA);
    const pidB = supervisor.workerPid(keyB);
    await supervisor.invoke(invocation(keyA, 'ok'), answer);
    const fatal = supervisor.invoke(invocation(keyA, 'fatal'), answer).catch((error: unknown) => error);
    let served = 0;
    let over = false;
    void fatal.finally(() => (over = true));
    while (!over) {
      const result = await supervisor.invoke(invocation(keyB, 'ok'), answer);
      expect(result.value).toEqual([keyB]);
      served++;
    }
    expect(served).toBeGreaterThan(0);
    // Either isolated-vm reports the OOM and the worker lives, or the worker dies; never the core.
    const error = (await fatal) as PluginError;
    expect(error).toBeInstanceOf(PluginError);
    expect(error.code).toBe('PLUGIN_FAILED');
    expect(error.message).toMatch(/memory limit|process crashed/);
    expect(supervisor.workerPid(keyB)).toBe(pidB);
    expect((await supervisor.invoke(invocation(keyA, 'ok'), answer)).value).toEqual([keyA]);
    if (/crashed/.test(error.message)) expect(supervisor.workerPid(keyA)).not.toBe(pidA);
  });

  it('refuses calls after close()', async () => {
    const closing = new SandboxSupervisor({ logger: quietLogger });
    await closing.close();
    await expect(closing.invoke(invocation(keyA, 'ok'), answer)).rejects.toMatchObject({ code: 'PLUGIN_FAILED' });
  });
});
