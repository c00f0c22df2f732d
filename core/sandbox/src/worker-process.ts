import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LRUCache } from 'lru-cache';
import { afterElapsed } from './after-elapsed.js';
import type { SandboxLogger } from './logger.js';
import type { SandboxLimits } from './limits.js';
import {
  envelope,
  failure,
  type CoreMessage,
  type HostCallMessage,
  type InvokeMessage,
  type Outcome,
  type Usage,
  type WorkerMessage,
} from './protocol.js';
import { isCapability, type HostFunction, type InvocationEntry, type PluginBundle } from './types.js';
import type { WorkerConfig } from './worker.js';

export interface WorkerEntry {
  file: string;
  execArgv: string[];
}

/**
 * The worker script: dist/sandbox-worker.js beside the bundled supervisor, or worker.ts run
 * through tsx when this module itself is TypeScript source (vitest, tsx).
 * --no-node-snapshot: isolated-vm can crash V8 on Node 20+ without it.
 */
export function workerEntry(moduleUrl: string = import.meta.url): WorkerEntry {
  if (moduleUrl.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(moduleUrl).resolve('tsx')).href;
    return { file: fileURLToPath(new URL('./worker.ts', moduleUrl)), execArgv: ['--no-node-snapshot', '--import', tsx] };
  }
  return { file: fileURLToPath(new URL('./sandbox-worker.js', moduleUrl)), execArgv: ['--no-node-snapshot'] };
}

export interface RunRequest {
  id: number;
  installationKey: string;
  bundle: PluginBundle;
  entry: InvocationEntry;
  contextJson: string;
  payloadJson: string;
  limits: SandboxLimits;
}

export interface Reply {
  outcome: Outcome;
  usage: Usage;
}

interface InFlight {
  request: RunRequest;
  host: HostFunction;
  hostCalls: number;
  cancelBackstop: () => void;
  resolve: (reply: Reply) => void;
}

export interface WorkerProcessOptions {
  entry: WorkerEntry;
  config: WorkerConfig;
  /** How long past an invocation's wall deadline the worker may stay silent before it is killed. */
  backstopMs: number;
  /**
   * Resident set size past which the process is replaced. isolated-vm's heap limit is
   * approximate (one large JSON.parse can overshoot it several times), so the process that
   * hosts the isolates is bounded as well. Unbounded when omitted.
   */
  maxRssBytes?: number;
  logger?: SandboxLogger;
}

/**
 * The core's handle on one sandbox worker slot. Calls go to its current process. When that
 * process dies, what was in flight on it fails and a new one is forked (backing off if it keeps
 * dying). When it grows past `maxRssBytes` it is recycled: a replacement takes new calls at
 * once, and the old process ends once the calls it took have finished.
 */
export class WorkerProcess {
  private current: ForkedWorker;
  /** Recycled processes finishing their last calls. */
  private readonly draining = new Set<ForkedWorker>();
  private crashes: number[] = [];
  /** Processes replaced so far: after dying (a crash or an unresponsive kill) and past the memory ceiling. */
  readonly replaced = { crash: 0, memory: 0 };
  private restartTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly options: WorkerProcessOptions) {
    this.current = this.nextWorker();
  }

  get pid(): number | undefined {
    return this.current.pid;
  }

  /** The current process's resident set size as it last reported it (0 before it has run a call). */
  get rssBytes(): number {
    return this.current.rssBytes;
  }

  async whenReady(): Promise<void> {
    // A process that dies before it is ready hands over to its replacement.
    while (!this.closing) {
      this.ensureStarted();
      if (await this.current.whenReady()) return;
    }
  }

  run(request: RunRequest, host: HostFunction): Promise<Reply> {
    this.ensureStarted();
    return this.current.run(request, host);
  }

  /** Kills the processes; what is in flight fails. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartTimer);
    const workers = [this.current, ...this.draining];
    await Promise.all(workers.map((worker) => worker.close('the plugin sandbox is shutting down')));
  }

  private ensureStarted(): void {
    if (!this.restartTimer && !this.closing) this.current.start();
  }

  private nextWorker(): ForkedWorker {
    const worker: ForkedWorker = new ForkedWorker(this.options, {
      onRss: (rssBytes) => this.checkMemory(worker, rssBytes),
      onExit: () => this.exited(worker),
    });
    return worker;
  }

  /** Past the ceiling: new calls go to a replacement; the old process ends when its calls have. */
  private checkMemory(worker: ForkedWorker, rssBytes: number): void {
    const max = this.options.maxRssBytes;
    if (worker !== this.current || this.closing || max === undefined || rssBytes <= max) return;
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    this.options.logger?.warn(
      { pid: worker.pid, rssMb: mb(rssBytes), maxRssMb: mb(max) },
      'sandbox worker over its memory ceiling; replacing it once its calls finish',
    );
    this.current = this.nextWorker();
    this.replaced.memory += 1;
    this.current.start();
    this.draining.add(worker);
    worker.drain();
  }

  private exited(worker: ForkedWorker): void {
    this.draining.delete(worker);
    if (worker !== this.current || this.closing) return;
    this.current = this.nextWorker();
    this.replaced.crash += 1;
    this.scheduleRestart();
  }

  /** Immediately after a lone crash; backing off when the worker keeps dying. */
  private scheduleRestart(): void {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((at) => now - at < 60_000), now];
    const delay = this.crashes.length <= 2 ? 0 : Math.min(5_000, 100 * 2 ** (this.crashes.length - 3));
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.ensureStarted();
    }, delay);
  }
}

interface ForkedWorkerEvents {
  /** Each memory report of the process. */
  onRss: (rssBytes: number) => void;
  /** The process ended, whether it was told to or not. */
  onExit: () => void;
}

/**
 * One forked worker process: queues messages until it is ready, answers its host calls with
 * each invocation's host function, and fails what is in flight on it if it dies. Forked at most
 * once; a replacement is another ForkedWorker.
 */
class ForkedWorker {
  rssBytes = 0;
  private child: ChildProcess | undefined;
  private started = false;
  private ready = false;
  /** Told to end (drained or closed): its exit is no crash. */
  private stopping = false;
  /** Takes no new calls; ends when the last one settles. */
  private draining = false;
  private queue: CoreMessage[] = [];
  private readonly inflight = new Map<number, InFlight>();
  /** Bundles this process already has, so their code is not sent again. */
  private readonly shipped = new LRUCache<string, true>({ max: 10_000 });
  private readyWaiters: Array<(ready: boolean) => void> = [];

  constructor(
    private readonly options: WorkerProcessOptions,
    private readonly events: ForkedWorkerEvents,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves true once the process can take calls, false if it ends first. */
  whenReady(): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    if (this.stopping || (this.started && !this.child)) return Promise.resolve(false);
    const ready = new Promise<boolean>((resolve) => this.readyWaiters.push(resolve));
    this.updateRef();
    return ready;
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    const { entry, config } = this.options;
    const child = fork(entry.file, [JSON.stringify(config)], {
      execArgv: entry.execArgv,
      serialization: 'advanced',
    });
    this.child = child;
    child.on('message', (message: WorkerMessage) => this.onMessage(child, message));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (error) => this.options.logger?.error({ err: error }, 'sandbox worker process error'));
    this.updateRef();
  }

  run(request: RunRequest, host: HostFunction): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      const silentFor = request.limits.wallTimeoutMs + this.options.backstopMs;
      const cancelBackstop = afterElapsed(silentFor, () => this.unresponsive(request.id));
      this.inflight.set(request.id, { request, host, hostCalls: 0, cancelBackstop, resolve });
      this.updateRef();
      const { sha256, code } = request.bundle;
      const ship = !this.shipped.has(sha256);
      if (ship) this.shipped.set(sha256, true);
      this.post(this.invokeMessage(request, ship ? code : undefined));
    });
  }

  /** No new calls come; the process ends once the ones in flight have settled. */
  drain(): void {
    this.draining = true;
    if (this.inflight.size === 0) void this.stop();
  }

  /** Fails what is in flight with `message` and ends the process. */
  close(message: string): Promise<void> {
    this.stopping = true;
    this.failAll(message);
    return this.stop();
  }

  private async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(force);
  }

  private onMessage(child: ChildProcess, message: WorkerMessage): void {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        for (const queued of this.queue.splice(0)) this.send(child, queued);
        for (const resolve of this.readyWaiters.splice(0)) resolve(true);
        this.updateRef();
        return;
      }
      case 'need-bundle': {
        const call = this.inflight.get(message.id);
        if (!call) return;
        this.shipped.set(call.request.bundle.sha256, true);
        this.post(this.invokeMessage(call.request, call.request.bundle.code));
        return;
      }
      case 'host-call':
        void this.answer(child, message);
        return;
      case 'done':
        this.settle(message.id, { outcome: message.outcome, usage: message.usage });
        this.reportRss(message.rssBytes);
        return;
      case 'memory':
        this.reportRss(message.rssBytes);
        return;
    }
  }

  private reportRss(rssBytes: number): void {
    this.rssBytes = rssBytes;
    this.events.onRss(rssBytes);
  }

  private async answer(child: ChildProcess, message: HostCallMessage): Promise<void> {
    const call = this.inflight.get(message.id);
    let reply: string;
    if (!call) {
      reply = envelope.error('INVOCATION_ENDED', 'the invocation has already ended');
    } else if (!isCapability(message.capability) || ++call.hostCalls > call.request.limits.maxHostCalls) {
      // The worker enforces both; checked again because a worker is only as sound as V8.
      reply = envelope.error('BAD_REQUEST', `refused ${message.capability}`);
    } else {
      try {
        const value = await call.host(message.capability, JSON.parse(message.argsJson));
        reply = envelope.value(value);
      } catch (error) {
        reply = refusal(error, message.capability, this.options.logger);
      }
      // Ended (or the process died) while the host worked: nobody is waiting.
      if (this.inflight.get(message.id) !== call) return;
    }
    this.send(child, { type: 'host-result', id: message.id, callId: message.callId, envelope: reply });
  }

  private settle(id: number, reply: Reply): void {
    const call = this.inflight.get(id);
    if (!call) return;
    this.inflight.delete(id);
    call.cancelBackstop();
    // The worker counts host calls it refused itself too; prefer its count.
    call.resolve({ ...reply, usage: { ...reply.usage, hostCalls: Math.max(reply.usage.hostCalls, call.hostCalls) } });
    this.updateRef();
    if (this.draining && this.inflight.size === 0) void this.stop();
  }

  /** The worker missed an invocation's deadline by the whole backstop: its event loop is stuck. */
  private unresponsive(id: number): void {
    const call = this.inflight.get(id);
    if (!call) return;
    this.settle(id, {
      outcome: failure('PLUGIN_TIMEOUT', 'the plugin sandbox process stopped responding; it is being restarted'),
      usage: { cpuMs: 0, hostCalls: call.hostCalls, coldStart: false },
    });
    this.options.logger?.error({ pid: this.child?.pid }, 'sandbox worker unresponsive; killing it');
    this.child?.kill('SIGKILL');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    this.ready = false;
    this.queue = [];
    if (!this.stopping) {
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      this.options.logger?.error({ pid: child.pid, code, signal }, 'sandbox worker process died');
      this.failAll(`the plugin sandbox process crashed (${how})`);
    }
    for (const resolve of this.readyWaiters.splice(0)) resolve(false);
    this.events.onExit();
  }

  private failAll(message: string): void {
    for (const [id, call] of this.inflight) {
      const usage = { cpuMs: 0, hostCalls: call.hostCalls, coldStart: false };
      this.settle(id, { outcome: failure('PLUGIN_FAILED', message), usage });
    }
  }

  private invokeMessage(request: RunRequest, code: string | undefined): InvokeMessage {
    return {
      type: 'invoke',
      id: request.id,
      installationKey: request.installationKey,
      bundle: code === undefined ? { sha256: request.bundle.sha256 } : { sha256: request.bundle.sha256, code },
      entry: request.entry,
      contextJson: request.contextJson,
      payloadJson: request.payloadJson,
      limits: request.limits,
    };
  }

  private post(message: CoreMessage): void {
    if (this.child && this.ready) this.send(this.child, message);
    else this.queue.push(message);
  }

  private send(child: ChildProcess, message: CoreMessage): void {
    // A failed send means the process is going away; its exit handler fails the invocation.
    if (child.connected) child.send(message, () => {});
  }

  /** A worker keeps the core alive only while someone waits on it (a call, or start()). */
  private updateRef(): void {
    const child = this.child;
    if (!child) return;
    if (this.inflight.size > 0 || this.readyWaiters.length > 0) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }
}

/**
 * Codes of refusals meant for plugins look like ours (FORBIDDEN, QUOTA_EXCEEDED, EGRESS_...).
 * Driver and system errors also carry codes (SQLITE_ERROR, ERR_INVALID_ARG, ENOENT) and their
 * messages hold SQL or paths; they are host faults even if one slipped past the host's masking.
 */
const isRefusalCode = (code: string) =>
  /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/.test(code) && !/^(?:SQLITE|LIBSQL|ERR|HRANA)_/.test(code) && !/^E[A-Z]+$/.test(code);

/**
 * What the plugin sees when the host function throws. Errors carrying a string code are meant
 * for it (FORBIDDEN, NOT_FOUND, ...); anything else is a host fault whose text stays here.
 */
function refusal(error: unknown, capability: string, logger: SandboxLogger | undefined): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && isRefusalCode(code)) {
    return envelope.error(code, error instanceof Error ? error.message : String(error));
  }
  logger?.error({ err: error, capability }, 'plugin host capability failed');
  return envelope.error('INTERNAL', `the host could not complete ${capability}`);
}
