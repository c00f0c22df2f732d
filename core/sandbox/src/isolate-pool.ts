import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { HostBridge } from './bridge.js';
import { BlankSandbox, InstallationSandbox, type CachedBundle, type CreateOptions } from './installation-sandbox.js';
import { DEFAULT_LIMITS, type SandboxLimits } from './limits.js';
import { failure, type Failure } from './protocol.js';

export interface PoolOptions {
  /** Warm installations this worker keeps; the least recently used is disposed beyond it. */
  maxWarm: number;
  bridge: HostBridge;
  onCatastrophicError: (message: string) => void;
  /** Bundle sources (and their code caches) kept, by sha256. */
  maxBundles?: number;
  maxBundleChars?: number;
}

/** Quiet time after the last call before the worker makes its next spare. */
export const SPARE_AFTER_IDLE_MS = 5;

export type Acquired = { ok: true; sandbox: InstallationSandbox; coldStart: boolean } | Failure;

interface Start {
  sha256: string;
  memoryMb: number;
  done: Promise<InstallationSandbox | Failure>;
}

/** The blank sandbox kept ready for the next cold start, with the bind of its bridge. */
interface Spare {
  memoryMb: number;
  ready: Promise<{ blank: BlankSandbox; bind: (key: string, onRunaway: () => void) => void } | undefined>;
}

/**
 * The isolates of one worker: one warm sandbox per installation key (LRU-bounded) and the
 * bundles they were built from, with V8's code cache per bundle so that a cold start of another
 * installation of the same bundle skips most of the compile. One blank sandbox (isolate,
 * context, prelude) waits for the next cold start, which then only compiles and runs its bundle;
 * it is made again, with the memory cap that cold start asked for, once no call has run for
 * SPARE_AFTER_IDLE_MS: making it holds the worker's thread for a few ms, which calls should not
 * wait for.
 */
export class IsolatePool {
  private readonly warm: LRUCache<string, InstallationSandbox>;
  private readonly bundles: LRUCache<string, CachedBundle>;
  private readonly starting = new Map<string, Start>();
  private spare: Spare | undefined;
  /** The memory cap of the spare to make once the worker is idle (after one was taken). */
  private spareWanted: number | undefined;
  /** Sandboxes acquired and not yet released, across installations. */
  private inUse = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Cold starts that took the spare (for tests and benches). */
  spareStarts = 0;

  constructor(private readonly options: PoolOptions) {
    this.warm = new LRUCache<string, InstallationSandbox>({
      max: options.maxWarm,
      dispose: (sandbox) => this.retire(sandbox),
    });
    this.bundles = new LRUCache<string, CachedBundle>({
      max: options.maxBundles ?? 1000,
      maxSize: options.maxBundleChars ?? 256 * 1024 * 1024,
      sizeCalculation: (bundle) => Math.max(1, bundle.code.length),
    });
    this.refillSpare(DEFAULT_LIMITS.memoryMb);
  }

  bundle(sha256: string): CachedBundle | undefined {
    return this.bundles.get(sha256);
  }

  /** Verifies `code` against its sha256 once, then keeps it. */
  addBundle(sha256: string, code: string): CachedBundle | Failure {
    const known = this.bundles.get(sha256);
    if (known && known.code === code) return known;
    const actual = createHash('sha256').update(code).digest('hex');
    if (actual !== sha256.toLowerCase()) {
      return failure('PLUGIN_FAILED', 'the plugin bundle does not match its sha256', 'INTEGRITY');
    }
    const bundle: CachedBundle = { sha256, code };
    this.bundles.set(sha256, bundle);
    return bundle;
  }

  /** The installation's warm sandbox, created when missing, stale or gone. Pair with release(). */
  async acquire(key: string, bundle: CachedBundle, limits: SandboxLimits): Promise<Acquired> {
    clearTimeout(this.idleTimer);
    for (;;) {
      const start = this.starting.get(key);
      if (start) {
        const result = await start.done;
        if (start.sha256 !== bundle.sha256 || start.memoryMb !== limits.memoryMb) continue;
        if (!(result instanceof InstallationSandbox)) return result;
        if (result.isDisposed || result.retired) continue;
        result.busy++;
        this.inUse++;
        return { ok: true, sandbox: result, coldStart: true };
      }
      const sandbox = this.warm.get(key);
      if (sandbox?.vetting) {
        await sandbox.vetting;
        continue;
      }
      if (sandbox && !sandbox.isDisposed && sandbox.sha256 === bundle.sha256 && sandbox.memoryMb === limits.memoryMb) {
        sandbox.busy++;
        this.inUse++;
        return { ok: true, sandbox, coldStart: false };
      }
      // Another bundle version, another memory cap, or disposed (memory limit): replace it.
      if (sandbox) this.warm.delete(key);
      return this.start(key, bundle, limits);
    }
  }

  release(sandbox: InstallationSandbox): void {
    sandbox.busy--;
    this.inUse--;
    if (sandbox.retired && sandbox.busy === 0) sandbox.dispose();
    this.refillWhenIdle();
  }

  /**
   * After a missed deadline: new calls wait until the sandbox answers a probe within
   * `withinMs`; if it does not, plugin code is still spinning and the sandbox is discarded.
   */
  vet(sandbox: InstallationSandbox, withinMs: number): Promise<void> {
    sandbox.vetting ??= sandbox.responds(withinMs).then((responsive) => {
      sandbox.vetting = undefined;
      if (!responsive) this.discard(sandbox);
    });
    return sandbox.vetting;
  }

  /** Disposes the sandbox now, even mid-call: it is stuck or still running abandoned work. */
  discard(sandbox: InstallationSandbox): void {
    if (this.warm.peek(sandbox.key) === sandbox) this.warm.delete(sandbox.key);
    sandbox.dispose();
  }

  warmSandbox(key: string): InstallationSandbox | undefined {
    return this.warm.peek(key);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    void this.spare?.ready.then((spare) => spare?.blank.dispose());
    this.spare = undefined;
    const sandboxes = [...this.warm.values()];
    this.warm.clear();
    for (const sandbox of sandboxes) sandbox.dispose();
  }

  private async start(key: string, bundle: CachedBundle, limits: SandboxLimits): Promise<Acquired> {
    let created: InstallationSandbox | undefined;
    const onRunaway = () => created && this.discard(created);
    const done = (async () => {
      const spare = await this.takeSpare(limits.memoryMb);
      if (spare) {
        spare.bind(key, onRunaway);
        this.spareStarts++;
      }
      const options: CreateOptions = spare
        ? { key, bundle, limits, blank: spare.blank }
        : { key, bundle, limits, bridge: this.options.bridge.referenceFor(key, onRunaway), onCatastrophicError: this.options.onCatastrophicError };
      const result = await InstallationSandbox.create(options);
      if (result instanceof InstallationSandbox) created = result;
      return result;
    })();
    this.starting.set(key, { sha256: bundle.sha256, memoryMb: limits.memoryMb, done });
    const result = await done;
    this.starting.delete(key);
    if (!(result instanceof InstallationSandbox)) {
      this.refillWhenIdle();
      return result;
    }
    this.warm.set(key, result);
    result.busy++;
    this.inUse++;
    return { ok: true, sandbox: result, coldStart: true };
  }

  /** The spare, if it has this memory cap (another is made once the worker is idle); otherwise none. */
  private async takeSpare(memoryMb: number): Promise<Awaited<Spare['ready']>> {
    const spare = this.spare;
    if (spare?.memoryMb !== memoryMb) return undefined;
    this.spare = undefined;
    this.spareWanted = memoryMb;
    return spare.ready;
  }

  /** Whether a spare is made and waiting (for tests and benches). */
  async hasSpare(): Promise<boolean> {
    return (await this.spare?.ready) !== undefined;
  }

  /** The memory cap of the spare to make now: one was taken, and no call is running or starting. */
  private get spareDue(): number | undefined {
    return this.inUse > 0 || this.starting.size > 0 || this.spare ? undefined : this.spareWanted;
  }

  private refillWhenIdle(): void {
    if (this.spareDue === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      const memoryMb = this.spareDue;
      if (memoryMb === undefined) return;
      this.spareWanted = undefined;
      this.refillSpare(memoryMb);
    }, SPARE_AFTER_IDLE_MS).unref();
  }

  private refillSpare(memoryMb: number): void {
    const ready = (async () => {
      if (this.closed) return undefined;
      const slot = this.options.bridge.unboundReference();
      try {
        const blank = await BlankSandbox.create({
          memoryMb, cpuTimeoutMs: DEFAULT_LIMITS.cpuTimeoutMs, bridge: slot.reference, onCatastrophicError: this.options.onCatastrophicError, warm: true,
        });
        return { blank, bind: slot.bind };
      } catch {
        return undefined; // the next cold start makes its own
      }
    })();
    this.spare = { memoryMb, ready };
  }

  /** Evicted or replaced: dispose once no invocation is using it. */
  private retire(sandbox: InstallationSandbox): void {
    sandbox.retired = true;
    if (sandbox.busy === 0) sandbox.dispose();
  }
}
