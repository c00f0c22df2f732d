/**
 * Entry of a sandbox worker process (DESIGN.md decision 5): isolates live here, never in the
 * core process, because a V8 out-of-memory can abort the process that hosts them. The
 * supervisor forks this file (or dist/sandbox-worker.js) with --no-node-snapshot and talks to
 * it over IPC (protocol.ts). Nothing here outlives the parent: a closed channel ends the process.
 */
import { afterElapsed } from './after-elapsed.js';
import { HostBridge } from './bridge.js';
import type { CachedBundle, InstallationSandbox } from './installation-sandbox.js';
import { IsolatePool } from './isolate-pool.js';
import {
  failure,
  type CoreMessage,
  type InvokeMessage,
  type Outcome,
  type Usage,
  type WorkerMessage,
} from './protocol.js';

export interface WorkerConfig {
  maxWarm: number;
}

/** Bundles outlive their warm isolates a while: their code cache makes the next cold start cheap. */
const bundlesKept = (maxWarm: number): number => Math.max(2 * maxWarm, 16);

/** A probe slower than this after a missed deadline means plugin code is still spinning. */
const RESPONSIVE_WITHIN_MS = 100;

/** How often a worker with calls running reports its memory (it also does after every call). */
const MEMORY_REPORT_MS = 1_000;

/** How old a reading of the resident set size may be: each reading is a read of /proc (~10 µs). */
const RSS_FRESH_MS = 20;

/** The resident set size, read at most every RSS_FRESH_MS: warm calls come far more often. */
function rssReader(): () => number {
  let bytes = 0;
  let readAt = -Infinity;
  return () => {
    const now = performance.now();
    if (now - readAt >= RSS_FRESH_MS) {
      bytes = process.memoryUsage.rss();
      readAt = now;
    }
    return bytes;
  };
}

export function startWorker(config: WorkerConfig): void {
  const send = (message: WorkerMessage): void => {
    // A closed channel means the core is gone; 'disconnect' below ends the process.
    if (process.connected) process.send?.(message, undefined, undefined, () => {});
  };
  const bridge = new HostBridge(send);
  const rss = rssReader();
  const done = (id: number, outcome: Outcome, usage: Usage): void => {
    send({ type: 'done', id, outcome, usage, rssBytes: rss() });
  };
  let running = 0;
  setInterval(() => {
    if (running > 0) send({ type: 'memory', rssBytes: rss() });
  }, MEMORY_REPORT_MS).unref();
  const pool = new IsolatePool({
    maxWarm: config.maxWarm,
    maxBundles: bundlesKept(config.maxWarm),
    bridge,
    onCatastrophicError: (message) => {
      // V8 has lost control of an isolate, so the process cannot be trusted (isolated-vm's
      // advice is to end it). SIGKILL rather than abort(): a core dump would put tenant data
      // from plugin heaps on disk. The supervisor fails what was in flight and forks anew.
      process.stderr.write(`[sandbox-worker ${process.pid}] ${message}; exiting\n`);
      process.kill(process.pid, 'SIGKILL');
    },
  });

  const serve = (message: InvokeMessage): void => {
    const { sha256, code } = message.bundle;
    let bundle = pool.bundle(sha256);
    if (code !== undefined) {
      const added = pool.addBundle(sha256, code);
      if ('ok' in added) {
        done(message.id, added, { cpuMs: 0, hostCalls: 0, coldStart: false });
        return;
      }
      bundle = added;
    }
    if (!bundle) {
      send({ type: 'need-bundle', id: message.id });
      return;
    }
    running++;
    void run(message, bundle).finally(() => running--);
  };

  const run = async (message: InvokeMessage, bundle: CachedBundle): Promise<void> => {
    const { id, installationKey, limits } = message;
    const invocation = bridge.open(id, installationKey, limits);
    let sandbox: InstallationSandbox | undefined;
    let coldStart = false;
    let cpuStart = 0n;

    const work = (async (): Promise<Outcome> => {
      const acquired = await pool.acquire(installationKey, bundle, limits);
      if (!acquired.ok) return acquired;
      sandbox = acquired.sandbox;
      coldStart = acquired.coldStart;
      // A cold start's own cost (compile, bundle top level) is part of this invocation.
      cpuStart = coldStart ? 0n : sandbox.cpuTimeNs;
      try {
        return await sandbox.run({
          invocationId: id,
          entry: message.entry,
          payloadJson: message.payloadJson,
          contextJson: message.contextJson,
          limits,
        });
      } finally {
        pool.release(acquired.sandbox);
      }
    })().catch((error: unknown) => failure('PLUGIN_FAILED', `plugin sandbox error: ${String(error)}`));

    let cancelDeadline = (): void => {};
    const deadline = new Promise<'deadline'>((resolve) => {
      // Not a moment early by performance.now(), the clock the core reports wallMs in.
      cancelDeadline = afterElapsed(limits.wallTimeoutMs, () => resolve('deadline'));
    });
    const settled = await Promise.race([work, deadline]);
    cancelDeadline();
    const timedOut = settled === 'deadline';
    const cpuNs = sandbox ? sandbox.cpuTimeNs - cpuStart : 0n;

    let outcome: Outcome;
    if (timedOut) {
      outcome = failure('PLUGIN_TIMEOUT', `the plugin exceeded its wall-clock deadline of ${limits.wallTimeoutMs} ms`);
    } else {
      // A broken host limit fails the invocation even if the plugin caught the refusal.
      outcome = invocation.violation ?? settled;
    }
    bridge.close(id, timedOut);
    // Past the deadline the plugin is either awaiting (fine: its host calls were just refused)
    // or spinning in a continuation no isolated-vm timer covers, which costs it the isolate.
    // Vetting starts before 'done' goes out so that the next call waits for the verdict.
    if (timedOut && sandbox) void pool.vet(sandbox, RESPONSIVE_WITHIN_MS);
    done(id, outcome, { cpuMs: cpuNs > 0n ? Number(cpuNs) / 1e6 : 0, hostCalls: invocation.hostCalls, coldStart });
  };

  process.on('message', (message: CoreMessage) => {
    if (message.type === 'invoke') serve(message);
    else if (message.type === 'host-result') bridge.settle(message);
  });
  process.on('disconnect', () => {
    pool.close();
    process.exit(0);
  });
  send({ type: 'ready' });
}

function configFrom(arg: string | undefined): WorkerConfig {
  const parsed = arg ? (JSON.parse(arg) as Partial<WorkerConfig>) : {};
  return { maxWarm: typeof parsed.maxWarm === 'number' && parsed.maxWarm > 0 ? parsed.maxWarm : 100 };
}

if (process.send) startWorker(configFrom(process.argv[2]));
