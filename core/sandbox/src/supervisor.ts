import { performance } from 'node:perf_hooks';
import { defaultLogger, type SandboxLogger } from './logger.js';
import { PluginError } from './errors.js';
import { DEFAULT_LIMITS, resolveLimits, type SandboxLimits } from './limits.js';
import type { HostFunction, Invocation, InvocationMetrics, InvocationResult } from './types.js';
import { WorkerProcess, workerEntry, type Reply } from './worker-process.js';

export interface SandboxSupervisorOptions {
  /** Worker processes; installations are spread over them by a hash of their key. */
  workers?: number;
  /** Warm isolates kept across all workers (split evenly); least recently used go first. */
  maxWarmInstallations?: number;
  /** Limits for every invocation unless it overrides them. */
  defaultLimits?: Partial<SandboxLimits>;
  /** How long past an invocation's deadline a silent worker is given before it is killed. */
  backstopMs?: number;
  /**
   * Resident set size (MB) past which a worker process is recycled: a replacement takes new
   * calls and the old process ends once its calls have finished. The isolates' own heap limits
   * are approximate; this bounds the process that hosts them.
   */
  maxWorkerRssMb?: number;
  logger?: SandboxLogger;
}

/** Far above a worker with 100 small warm isolates (~200 MB), far below a runaway one. */
const DEFAULT_MAX_WORKER_RSS_MB = 1024;

/**
 * Runs plugin code for the core. Isolates live in worker processes (DESIGN.md decision 5);
 * each installation always lands on the same worker, where its isolate stays warm.
 */
export class SandboxSupervisor {
  readonly limits: SandboxLimits;
  private readonly workers: WorkerProcess[];
  private nextId = 1;
  private closed = false;

  constructor(options: SandboxSupervisorOptions = {}) {
    const count = options.workers ?? 1;
    const maxWarm = options.maxWarmInstallations ?? 100;
    const maxRssMb = options.maxWorkerRssMb ?? DEFAULT_MAX_WORKER_RSS_MB;
    if (!Number.isInteger(count) || count < 1) throw new RangeError('workers must be a positive integer');
    if (!Number.isInteger(maxWarm) || maxWarm < 1) throw new RangeError('maxWarmInstallations must be a positive integer');
    if (!Number.isInteger(maxRssMb) || maxRssMb < 1) throw new RangeError('maxWorkerRssMb must be a positive integer');
    this.limits = resolveLimits(DEFAULT_LIMITS, options.defaultLimits);
    const entry = workerEntry();
    const logger = options.logger ?? defaultLogger();
    const config = { maxWarm: Math.ceil(maxWarm / count) };
    const backstopMs = options.backstopMs ?? 5_000;
    const maxRssBytes = maxRssMb * 2 ** 20;
    this.workers = Array.from(
      { length: count },
      () => new WorkerProcess({ entry, config, backstopMs, maxRssBytes, logger }),
    );
  }

  /** Forks the workers now instead of on first use and waits until they can take calls. */
  async start(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.whenReady()));
  }

  /**
   * Runs one entry of a plugin. Resolves with its value and metrics; rejects with PluginError
   * (PLUGIN_FAILED or PLUGIN_TIMEOUT) when the plugin fails, overruns a limit, or its sandbox
   * process dies. `host` answers the plugin's capability calls for this invocation only.
   */
  async invoke<T = unknown>(invocation: Invocation, host: HostFunction): Promise<InvocationResult<T>> {
    const started = performance.now();
    if (this.closed) throw new PluginError('PLUGIN_FAILED', 'the plugin sandbox is shut down', emptyMetrics());
    const limits = resolveLimits(this.limits, invocation.limits);
    const reply = await this.workerFor(invocation.installationKey).run(
      {
        id: this.nextId++,
        installationKey: invocation.installationKey,
        bundle: invocation.bundle,
        entry: invocation.entry,
        contextJson: contextJsonOf(invocation),
        payloadJson: JSON.stringify(payloadOf(invocation)),
        limits,
      },
      host,
    );
    const metrics = metricsOf(reply, performance.now() - started);
    const { outcome } = reply;
    if (!outcome.ok) throw new PluginError(outcome.code, outcome.message, metrics, outcome.pluginCode);
    const value: unknown = outcome.json === undefined ? undefined : JSON.parse(outcome.json);
    const problem = shapeProblem(invocation, value);
    if (problem) throw new PluginError('PLUGIN_FAILED', problem, metrics, 'BAD_RESULT');
    return { value: value as T, metrics };
  }

  /** The worker process an installation runs in (for operators and crash tests). */
  workerPid(installationKey: string): number | undefined {
    return this.workerFor(installationKey).pid;
  }

  /** That process's resident set size in bytes as it last reported it (0 before its first call). */
  workerRssBytes(installationKey: string): number {
    return this.workerFor(installationKey).rssBytes;
  }

  /** Worker processes replaced since start, by why (read by the server's metrics). */
  workerReplacements(): { crash: number; memory: number } {
    return this.workers.reduce(
      (sum, worker) => ({ crash: sum.crash + worker.replaced.crash, memory: sum.memory + worker.replaced.memory }),
      { crash: 0, memory: 0 },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  private workerFor(installationKey: string): WorkerProcess {
    // length ≥ 1 is checked in the constructor
    return this.workers[fnv1a(installationKey) % this.workers.length]!;
  }
}

/**
 * The context as the prelude parses it, with the prefetched storage as its `storage`: spliced in
 * as text, because the values are JSON the database already holds (never parsed in the core).
 */
function contextJsonOf(invocation: Invocation): string {
  const json = JSON.stringify(invocation.context);
  return invocation.storageJson === undefined ? json : `${json.slice(0, -1)},"storage":${invocation.storageJson}}`;
}

/** The entry's leading arguments; the prelude appends ctx. */
function payloadOf(invocation: Invocation): unknown[] {
  if ('parents' in invocation) return [invocation.parents, invocation.args ?? {}];
  if ('event' in invocation) return [invocation.event];
  if ('request' in invocation) return [invocation.request];
  if ('target' in invocation) return invocation.declaredInput === undefined ? [invocation.target] : [invocation.target, invocation.declaredInput];
  return [invocation.input];
}

function shapeProblem(invocation: Invocation, value: unknown): string | undefined {
  const { entry } = invocation;
  if ('parents' in invocation && entry.kind === 'resolver') {
    const expected = invocation.parents.length;
    if (!Array.isArray(value)) return `resolver ${entry.type}.${entry.field} must return an array, one value per parent`;
    if (value.length !== expected) {
      return `resolver ${entry.type}.${entry.field} returned ${value.length} values for ${expected} parents`;
    }
  }
  if (entry.kind === 'webhook') {
    const status = (value as { status?: unknown } | null | undefined)?.status;
    if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) {
      return `webhook ${entry.name} must return { status, body } with an HTTP status`;
    }
  }
  return undefined;
}

function metricsOf(reply: Reply, wallMs: number): InvocationMetrics {
  const { usage } = reply;
  return { cpuMs: round(usage.cpuMs), wallMs: round(wallMs), hostCalls: usage.hostCalls, coldStart: usage.coldStart };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

const emptyMetrics = (): InvocationMetrics => ({ cpuMs: 0, wallMs: 0, hostCalls: 0, coldStart: false });

/** FNV-1a: cheap, stable across processes, good enough to spread keys over a few workers. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
