import ivm from 'isolated-vm';
import { afterElapsed } from './after-elapsed.js';
import type { SandboxLimits } from './limits.js';
import { installPrelude, type BridgeFunction, type Runner } from './prelude.js';
import { decodeEnvelope, failure, type Failure, type Outcome } from './protocol.js';
import type { InvocationEntry } from './types.js';

/** A verified bundle as a worker keeps it; `cachedData` is V8's code cache, shared by isolates. */
export interface CachedBundle {
  sha256: string;
  code: string;
  cachedData?: ivm.ExternalCopy<ArrayBuffer>;
}

export interface BlankOptions {
  memoryMb: number;
  /** Bounds the prelude's own run. */
  cpuTimeoutMs: number;
  bridge: ivm.Reference<BridgeFunction>;
  onCatastrophicError: (message: string) => void;
  /** Run the prelude once through a resolver of its own (see warmUp): for a sandbox made ahead of its use. */
  warm?: boolean;
}

// A resolver that touches nothing, and a context of the shape the prelude reads.
const WARM_UP_PLUGIN = 'globalThis.mosaicPlugin = { resolvers: { Warm: { up: async (parents) => parents } } };';
const WARM_UP_CONTEXT = JSON.stringify({ tenant: { id: '', slug: '' }, installation: { id: '', pluginId: '', version: '' }, config: {} });

/**
 * V8 compiles a function on its first call, so the first call of every new context compiles the
 * prelude's per-call code (the ctx it builds, the result's checks). A spare does that while the
 * worker is idle: one call through a trivial resolver, then the global is removed again before
 * any bundle loads. It makes no host call (the bridge is unbound anyway) and leaves no state.
 */
async function warmUp(context: ivm.Context, runner: ivm.Reference<Runner>, timeout: number): Promise<void> {
  await context.eval(WARM_UP_PLUGIN, { timeout });
  await runner.apply(undefined, [0, 'resolver', 'Warm', 'up', '[[1],{}]', WARM_UP_CONTEXT, 1024, 1024, 0], { timeout, result: { promise: true } });
  await context.eval('delete globalThis.mosaicPlugin;', { timeout });
}

/**
 * An isolate with its context and the prelude, before any bundle: three quarters of a cold
 * start, and nothing of any installation's. IsolatePool keeps one ready (with an unbound bridge,
 * see HostBridge.unboundReference), as serverless platforms start isolates before the request.
 */
export class BlankSandbox {
  private constructor(
    readonly memoryMb: number,
    readonly isolate: ivm.Isolate,
    readonly context: ivm.Context,
    readonly runner: ivm.Reference<Runner>,
  ) {}

  /** Rejects (having disposed what it made) when the isolate cannot be set up. */
  static async create(options: BlankOptions): Promise<BlankSandbox> {
    const isolate = new ivm.Isolate({ memoryLimit: options.memoryMb, onCatastrophicError: options.onCatastrophicError });
    try {
      const context = await isolate.createContext();
      const runner = await installPrelude(context, options.bridge, options.cpuTimeoutMs);
      if (options.warm) await warmUp(context, runner, options.cpuTimeoutMs);
      return new BlankSandbox(options.memoryMb, isolate, context, runner);
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      throw error;
    }
  }

  dispose(): void {
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}

/** A new sandbox from a blank one made for it (its bridge bound to `key`), or made here. */
export type CreateOptions = { key: string; bundle: CachedBundle; limits: SandboxLimits } & (
  | { blank: BlankSandbox }
  | { bridge: ivm.Reference<BridgeFunction>; onCatastrophicError: (message: string) => void }
);

export interface RunRequest {
  invocationId: number;
  entry: InvocationEntry;
  payloadJson: string;
  contextJson: string;
  limits: SandboxLimits;
}

// Messages isolated-vm uses for the conditions we must tell apart.
const TIMED_OUT = 'Script execution timed out.';
const MEMORY = /memory limit/i;

/** One installation's isolate, context and runner; warm between invocations. */
export class InstallationSandbox {
  /** Invocations currently using it; an evicted sandbox is disposed when this drops to 0. */
  busy = 0;
  retired = false;
  /** Set while a probe decides whether the sandbox is stuck (IsolatePool.vet). */
  vetting: Promise<void> | undefined;
  private resetByHost = false;

  private constructor(
    readonly key: string,
    readonly sha256: string,
    readonly memoryMb: number,
    readonly cachedDataUsed: boolean,
    private readonly isolate: ivm.Isolate,
    private readonly context: ivm.Context,
    private readonly runner: ivm.Reference<Runner>,
  ) {}

  /** The bundle loaded into a blank sandbox (new isolate + context + prelude, unless given one). */
  static async create(options: CreateOptions): Promise<InstallationSandbox | Failure> {
    const { bundle, limits } = options;
    let blank: BlankSandbox | undefined;
    try {
      blank = 'blank' in options
        ? options.blank
        : await BlankSandbox.create({
          memoryMb: limits.memoryMb, cpuTimeoutMs: limits.cpuTimeoutMs, bridge: options.bridge, onCatastrophicError: options.onCatastrophicError,
        });
      const { isolate, context, runner } = blank;
      const { script, cachedDataUsed } = await compile(isolate, bundle);
      await script.run(context, { timeout: limits.cpuTimeoutMs });
      script.release();
      const { key } = options;
      return new InstallationSandbox(key, bundle.sha256, limits.memoryMb, cachedDataUsed, isolate, context, runner);
    } catch (error) {
      const result = classify(error, limits, blank?.isolate.isDisposed ?? false, false, 'load');
      blank?.dispose();
      return result;
    }
  }

  get isDisposed(): boolean {
    return this.isolate.isDisposed;
  }

  /** Total CPU time of the isolate in ns (0 once it is gone). */
  get cpuTimeNs(): bigint {
    try {
      return this.isolate.cpuTime;
    } catch {
      return 0n;
    }
  }

  heapStatistics(): Promise<ivm.HeapStatistics> {
    return this.isolate.getHeapStatistics();
  }

  async run(request: RunRequest): Promise<Outcome> {
    const { entry, limits } = request;
    const [name, field] = entryNames(entry);
    try {
      const reply: unknown = await this.runner.apply(
        undefined,
        [
          request.invocationId,
          entry.kind,
          name,
          field,
          request.payloadJson,
          request.contextJson,
          limits.maxResultBytes,
          limits.maxHostArgBytes,
          limits.maxHostCalls,
        ],
        { timeout: limits.cpuTimeoutMs, result: { promise: true } },
      );
      const decoded = decodeEnvelope(reply);
      if (!decoded.ok) return failure(decoded.userError ? 'BAD_USER_INPUT' : 'PLUGIN_FAILED', decoded.message, decoded.code);
      // The isolate bounded the length in UTF-16 units; this is the exact UTF-8 size.
      if (decoded.json !== undefined && Buffer.byteLength(decoded.json) > limits.maxResultBytes) {
        const message = `the result exceeds ${limits.maxResultBytes} bytes of JSON`;
        return failure('PLUGIN_FAILED', message, 'RESULT_TOO_LARGE');
      }
      return decoded;
    } catch (error) {
      return classify(error, limits, this.isolate.isDisposed, this.resetByHost, 'run');
    }
  }

  /**
   * Whether the isolate can take a task within `withinMs`. A task queues behind whatever runs
   * in the isolate, so a plugin spinning in a continuation (which no isolated-vm timer covers)
   * shows up as a probe that does not come back.
   */
  async responds(withinMs: number): Promise<boolean> {
    if (this.isolate.isDisposed) return true;
    let cancel = (): void => {};
    const late = new Promise<boolean>((resolve) => {
      cancel = afterElapsed(withinMs, () => resolve(false));
    });
    const probe = this.context.eval('0').then(
      () => true,
      () => true,
    );
    const answer = await Promise.race([probe, late]);
    cancel();
    return answer;
  }

  /** Ends the isolate, also mid-run (isolated-vm terminates the running script). */
  dispose(): void {
    this.resetByHost = true;
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}

function entryNames(entry: InvocationEntry): [string, string] {
  switch (entry.kind) {
    case 'resolver':
      return [entry.type, entry.field];
    case 'event':
      return [entry.type, ''];
    case 'action':
    case 'webhook':
      return [entry.name, ''];
    case 'widget':
      return [entry.id, ''];
  }
}

type CompiledScript = ivm.Script & { cachedData?: ivm.ExternalCopy<ArrayBuffer>; cachedDataRejected?: boolean };

/**
 * Compiles with V8's code cache when another isolate already produced one for this bundle;
 * otherwise produces it for the next cold start.
 */
async function compile(
  isolate: ivm.Isolate,
  bundle: CachedBundle,
): Promise<{ script: ivm.Script; cachedDataUsed: boolean }> {
  const filename = `mosaic-plugin:///${bundle.sha256.slice(0, 16)}.js`;
  const cachedData = bundle.cachedData;
  const script = (await isolate.compileScript(
    bundle.code,
    cachedData ? { cachedData, filename } : { produceCachedData: true, filename },
  )) as CompiledScript;
  if (!cachedData) {
    if (script.cachedData) bundle.cachedData = script.cachedData;
    return { script, cachedDataUsed: false };
  }
  // Rejected (e.g. V8 flags differ): forget it so the next cold start produces a fresh one.
  if (script.cachedDataRejected) bundle.cachedData = undefined;
  return { script, cachedDataUsed: !script.cachedDataRejected };
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
}

function classify(
  error: unknown,
  limits: SandboxLimits,
  disposed: boolean,
  resetByHost: boolean,
  stage: 'load' | 'run',
): Failure {
  const text = errorText(error);
  const during = stage === 'load' ? ' while loading its bundle' : '';
  if (error instanceof Error && error.message === TIMED_OUT) {
    return failure('PLUGIN_TIMEOUT', `the plugin exceeded its CPU time limit of ${limits.cpuTimeoutMs} ms${during}`);
  }
  // isolated-vm disposes an isolate by itself only when it hits the memory limit; the error it
  // reports then depends on where the plugin was ("memory limit" or "Promise was abandoned").
  if (MEMORY.test(text) || (disposed && !resetByHost)) {
    return failure('PLUGIN_FAILED', `the plugin exceeded its memory limit of ${limits.memoryMb} MB${during}`);
  }
  if (disposed) return failure('PLUGIN_FAILED', 'the plugin sandbox was reset while this call was running');
  if (stage === 'load') return failure('PLUGIN_FAILED', `the plugin bundle failed to load: ${text}`);
  return failure('PLUGIN_FAILED', `plugin sandbox error: ${text}`);
}
