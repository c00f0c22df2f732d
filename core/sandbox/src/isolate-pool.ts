import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { HostBridge } from './bridge.js';
import { InstallationSandbox, type CachedBundle } from './installation-sandbox.js';
import type { SandboxLimits } from './limits.js';
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

export type Acquired = { ok: true; sandbox: InstallationSandbox; coldStart: boolean } | Failure;

interface Start {
  sha256: string;
  memoryMb: number;
  done: Promise<InstallationSandbox | Failure>;
}

/**
 * The isolates of one worker: one warm sandbox per installation key (LRU-bounded) and the
 * bundles they were built from, with V8's code cache per bundle so that a cold start of another
 * installation of the same bundle skips most of the compile.
 */
export class IsolatePool {
  private readonly warm: LRUCache<string, InstallationSandbox>;
  private readonly bundles: LRUCache<string, CachedBundle>;
  private readonly starting = new Map<string, Start>();

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
    for (;;) {
      const start = this.starting.get(key);
      if (start) {
        const result = await start.done;
        if (start.sha256 !== bundle.sha256 || start.memoryMb !== limits.memoryMb) continue;
        if (!(result instanceof InstallationSandbox)) return result;
        if (result.isDisposed || result.retired) continue;
        result.busy++;
        return { ok: true, sandbox: result, coldStart: true };
      }
      const sandbox = this.warm.get(key);
      if (sandbox?.vetting) {
        await sandbox.vetting;
        continue;
      }
      if (sandbox && !sandbox.isDisposed && sandbox.sha256 === bundle.sha256 && sandbox.memoryMb === limits.memoryMb) {
        sandbox.busy++;
        return { ok: true, sandbox, coldStart: false };
      }
      // Another bundle version, another memory cap, or disposed (memory limit): replace it.
      if (sandbox) this.warm.delete(key);
      return this.start(key, bundle, limits);
    }
  }

  release(sandbox: InstallationSandbox): void {
    sandbox.busy--;
    if (sandbox.retired && sandbox.busy === 0) sandbox.dispose();
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
    const sandboxes = [...this.warm.values()];
    this.warm.clear();
    for (const sandbox of sandboxes) sandbox.dispose();
  }

  private async start(key: string, bundle: CachedBundle, limits: SandboxLimits): Promise<Acquired> {
    let created: InstallationSandbox | undefined;
    const bridge = this.options.bridge.referenceFor(key, () => created && this.discard(created));
    const done = InstallationSandbox.create({
      key,
      bundle,
      limits,
      bridge,
      onCatastrophicError: this.options.onCatastrophicError,
    }).then((result) => {
      if (result instanceof InstallationSandbox) created = result;
      return result;
    });
    this.starting.set(key, { sha256: bundle.sha256, memoryMb: limits.memoryMb, done });
    const result = await done;
    this.starting.delete(key);
    if (!(result instanceof InstallationSandbox)) return result;
    this.warm.set(key, result);
    result.busy++;
    return { ok: true, sandbox: result, coldStart: true };
  }

  /** Evicted or replaced: dispose once no invocation is using it. */
  private retire(sandbox: InstallationSandbox): void {
    sandbox.retired = true;
    if (sandbox.busy === 0) sandbox.dispose();
  }
}
