import type { ControlDb } from '../../db/control.js';
import type { TenantDatabases, TenantDb } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { listTenants } from '../../tenancy/tenants.js';
import type { Installation } from '../installer/index.js';
import { exponentialBackoff, type Backoff } from './backoff.js';
import { listDeadLetters, replayDeadLetter, type DeadLetter } from './dead-letters.js';
import {
  abandonDelivery, claimDelivery, dispatchOutbox, dueDeliveries, hasUndispatched, nextWorkAt, renewLease, settleDelivered, settleFailed,
  type DeliveredEvent, type DueDelivery, type Lease,
} from './deliveries.js';
import { pruneHistory, type HistoryRetention } from './history-retention.js';
import { sweepRetention, type PurgedInstallation } from './retention.js';
import { loadSubscriptions, ManifestCache, type Subscriptions } from './subscriptions.js';

/**
 * Runs a plugin's handler for one event (the sandbox, injected). Rejects when the handler throws
 * or times out. The same event id comes with every retry: it is the handler's idempotency key.
 */
export type DeliverEvent = (tenantId: string, installation: Installation, event: DeliveredEvent) => Promise<void>;

export interface EventDispatcherOptions {
  control: ControlDb;
  tenants: TenantDatabases;
  deliver: DeliverEvent;
  logger: Logger;
  /** Attempts before a delivery is dead-lettered. */
  maxAttempts?: number;
  backoff?: Backoff;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  /** How often tenants with pending work are swept for due deliveries. */
  pollMs?: number;
  /**
   * How long a claimed delivery is reserved for the process running it; renewed every third of
   * it while the handler runs, so it bounds how long a delivery whose process died waits before
   * another process (or the restarted one) runs it again. Default `DEFAULT_LEASE_MS`.
   */
  leaseMs?: number;
  /** Outbox rows / due deliveries taken per query. */
  batchSize?: number;
  /** Tenants drained at once by a sweep. */
  concurrency?: number;
  /**
   * How long a tenant's next drain pass waits when commits came in during the last one (default
   * 100 ms): under steady writes one pass then takes the events of many commits, instead of
   * passes running back to back, each a handful of reads and a write transaction that the
   * tenant's own writes queue behind. A quiet tenant's first pass starts at once.
   */
  passGapMs?: number;
  /**
   * How often every tenant is checked again, not just the ones known to have work: picks up
   * events another process committed and then died before dispatching. 0 turns it off.
   */
  fullScanMs?: number;
  /**
   * How often `sweepRetention` (and `pruneHistory`: events, plugin logs and usage, web sessions,
   * if `history` is given) runs while started. 0 turns it off.
   */
  retentionSweepMs?: number;
  /** How long delivered events, plugin logs and plugin usage are kept; without it they are kept for ever. */
  history?: HistoryRetention;
  /** Shared with the inbound-webhook handler so both reuse verified manifests. */
  manifests?: ManifestCache;
  /**
   * Other clock-driven work run after each sweep while started (routing's offer and return
   * timers), so the server has one periodic loop. Must not reject; it logs its own failures.
   */
  periodic?: (now: Date) => Promise<void>;
}

/**
 * A delivery's lease: the sandbox's wall-clock deadline for an event handler (10 s) plus a margin.
 * The lease is renewed while the call runs (a call queued behind busy sandbox workers can take
 * longer), so a live holder keeps it however long the call takes, and a killed process's
 * deliveries run again within this long of its death. Renewal rather than a lease holder id that
 * a restarted process would reclaim at start-up: nodes have no identity that survives a restart
 * and is unique (two processes may share one data dir or one sqld), so a process could not tell
 * its dead predecessor's leases from a live neighbour's; an expiring lease needs no such identity.
 */
export const DEFAULT_LEASE_MS = 15_000;

interface Drain {
  done: Promise<void>;
  again: boolean;
}

/**
 * Delivers outbox events to subscribed plugins (DESIGN.md decision 7), at least once, with
 * retries, backoff and a dead-letter list. Any number of core processes may run one each: all
 * state lives in the tenant's database and every change to a delivery is conditional, so each
 * attempt runs in one process only. Within a process a tenant is drained by one pass at a time.
 */
export class EventDispatcher {
  readonly manifests: ManifestCache;
  readonly #control: ControlDb;
  readonly #tenants: TenantDatabases;
  readonly #deliver: DeliverEvent;
  readonly #logger: Logger;
  readonly #maxAttempts: number;
  readonly #backoff: Backoff;
  readonly #clock: () => number;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  readonly #batchSize: number;
  readonly #concurrency: number;
  readonly #passGapMs: number;
  readonly #fullScanMs: number;
  readonly #retentionSweepMs: number;
  readonly #history: HistoryRetention | undefined;
  readonly #periodic: ((now: Date) => Promise<void>) | undefined;
  readonly #drains = new Map<string, Drain>();
  /** Tenants this process knows to have work, with when it falls due (epoch ms). */
  readonly #work = new Map<string, number>();
  readonly #scheduled = new Set<string>();
  #started = false;
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;
  #sweep: Promise<void> | undefined;
  #nextFullScan = 0;
  #nextRetention = 0;

  constructor(options: EventDispatcherOptions) {
    this.#control = options.control;
    this.#tenants = options.tenants;
    this.#deliver = options.deliver;
    this.#logger = options.logger;
    this.#maxAttempts = options.maxAttempts ?? 6;
    this.#backoff = options.backoff ?? exponentialBackoff();
    this.#clock = options.clock ?? Date.now;
    this.#pollMs = options.pollMs ?? 1_000;
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#batchSize = options.batchSize ?? 100;
    this.#concurrency = options.concurrency ?? 4;
    this.#passGapMs = options.passGapMs ?? 100;
    this.#fullScanMs = options.fullScanMs ?? 10 * 60_000;
    this.#retentionSweepMs = options.retentionSweepMs ?? 60 * 60_000;
    this.#history = options.history;
    this.manifests = options.manifests ?? new ManifestCache(options.control);
    this.#periodic = options.periodic;
    if (this.#maxAttempts < 1) throw new Error('maxAttempts must be at least 1');
  }

  /** A domain change committed in `tenantId`: drain it soon. Bursts coalesce; ignored unless started. */
  notify(tenantId: string): void {
    if (!this.#started) return;
    this.#work.set(tenantId, 0);
    if (this.#scheduled.has(tenantId)) return;
    this.#scheduled.add(tenantId);
    setImmediate(() => {
      this.#scheduled.delete(tenantId);
      if (this.#started) void this.drain(tenantId);
    });
  }

  /**
   * Dispatches the tenant's undispatched events and runs its due deliveries. A call during a
   * running pass joins it and asks for one more pass, so the promise settles only after a pass
   * that began after the call. Never rejects: failures are logged and retried by the sweep.
   */
  drain(tenantId: string): Promise<void> {
    const running = this.#drains.get(tenantId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const drain: Drain = { again: true, done: Promise.resolve() };
    this.#drains.set(tenantId, drain);
    drain.done = (async () => {
      try {
        for (let pass = 0; drain.again && !this.#stopping; pass++) {
          if (pass > 0 && this.#passGapMs > 0) {
            await new Promise((resolve) => setTimeout(resolve, this.#passGapMs));
            if (this.#stopping) break;
          }
          drain.again = false;
          await this.#drainOnce(tenantId);
        }
      } finally {
        this.#drains.delete(tenantId);
      }
    })();
    return drain.done;
  }

  /** Starts the periodic sweep; the first one checks every tenant. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#nextFullScan = 0;
    this.#nextRetention = this.#retentionSweepMs > 0 ? 0 : Infinity;
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.#pollMs);
    this.#timer.unref();
  }

  /** Stops sweeping and waits for drains in flight; a pass stops before its next delivery. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    try {
      await this.#sweep;
      await Promise.all([...this.#drains.values()].map((d) => d.done));
    } finally {
      this.#stopping = false;
    }
  }

  async listDeadLetters(tenantId: string, options: { pluginId?: string | null; first?: number | null } = {}): Promise<DeadLetter[]> {
    return listDeadLetters(await this.#tenants.get(tenantId), options);
  }

  /** Re-queues a dead letter (attempts reset, due now); NOT_FOUND if there is no such dead letter. */
  async replay(tenantId: string, eventId: string, pluginId: string): Promise<void> {
    await replayDeadLetter(await this.#tenants.get(tenantId), eventId, pluginId, new Date(this.#clock()));
    this.#work.set(tenantId, 0);
    this.notify(tenantId);
  }

  sweepRetention(now: Date): Promise<PurgedInstallation[]> {
    return sweepRetention({ control: this.#control, tenants: this.#tenants, logger: this.#logger }, now);
  }

  #tick(): void {
    if (this.#sweep || !this.#started) return;
    this.#sweep = this.#runSweep()
      .catch((err: unknown) => this.#logger.error({ err }, 'event sweep failed'))
      .finally(() => { this.#sweep = undefined; });
  }

  async #runSweep(): Promise<void> {
    const now = this.#clock();
    let due = [...this.#work].filter(([, at]) => at <= now).map(([id]) => id);
    if (now >= this.#nextFullScan) {
      due = (await listTenants(this.#control)).map((t) => t.id);
      this.#nextFullScan = this.#fullScanMs > 0 ? now + this.#fullScanMs : Infinity;
    }
    await forEachLimit(due, this.#concurrency, (id) => (this.#started ? this.drain(id) : Promise.resolve()));
    if (this.#started && now >= this.#nextRetention) {
      this.#nextRetention = now + this.#retentionSweepMs;
      const purged = await this.sweepRetention(new Date(now));
      if (purged.length) this.#logger.info({ purged }, 'purged data of uninstalled plugins past retention');
      if (this.#history) {
        const pruned = await pruneHistory({ control: this.#control, tenants: this.#tenants, logger: this.#logger }, new Date(now), this.#history);
        if (Object.values(pruned).some((n) => n > 0)) this.#logger.info({ pruned }, 'pruned event history, plugin logs and usage, and ended web sessions past retention');
      }
    }
    if (this.#started && this.#periodic) await this.#periodic(new Date(now));
  }

  async #drainOnce(tenantId: string): Promise<void> {
    try {
      const data = await this.#tenants.get(tenantId);
      const subs = await this.#dispatch(tenantId, data);
      await this.#deliverDue(tenantId, data, subs);
      const next = await nextWorkAt(data.db);
      if (this.#drains.get(tenantId)?.again) return; // another pass follows and looks again
      if (next === null) this.#work.delete(tenantId);
      else this.#work.set(tenantId, next);
    } catch (err) {
      this.#work.set(tenantId, 0);
      this.#logger.error({ err, tenantId }, 'event drain failed; the sweep will retry');
    }
  }

  /** Fans undispatched events out to their subscribers; returns the subscriptions it used, if it loaded them. */
  async #dispatch(tenantId: string, data: TenantDb): Promise<Subscriptions | undefined> {
    if (!(await hasUndispatched(data.db))) return undefined;
    const subs = await loadSubscriptions(this.#control, this.manifests, this.#logger, tenantId);
    for (;;) {
      const taken = await dispatchOutbox(data, subs.subscribers, new Date(this.#clock()), this.#batchSize);
      if (taken < this.#batchSize) return subs;
    }
  }

  async #deliverDue(tenantId: string, data: TenantDb, loaded: Subscriptions | undefined): Promise<void> {
    let subs = loaded;
    let fresh = false;
    // Loaded on first need; a plugin missing from them may have been installed since (and its
    // deliveries fanned out by another process), so look once more before calling it gone.
    const current = async (pluginId: string): Promise<Subscriptions> => {
      if (!subs || (!subs.installations.has(pluginId) && !fresh)) {
        fresh = true;
        subs = await loadSubscriptions(this.#control, this.manifests, this.#logger, tenantId);
      }
      return subs;
    };
    while (!this.#stopping) {
      const due = await dueDeliveries(data.db, new Date(this.#clock()), this.#batchSize);
      if (due.length === 0) return;
      // Plugins run side by side; each plugin's deliveries run one after another, in order.
      await Promise.all(groupBy(due, (d) => d.pluginId).map(async (queue) => {
        for (const d of queue) {
          if (this.#stopping) return;
          await this.#attempt(tenantId, data, d, await current(d.pluginId));
        }
      }));
      if (due.length < this.#batchSize) return;
    }
  }

  async #attempt(tenantId: string, data: TenantDb, due: DueDelivery, subs: Subscriptions): Promise<void> {
    const at = { tenantId, pluginId: due.pluginId, eventId: due.eventId, type: due.event.type };
    const target = runnable(due, subs, this.#maxAttempts);
    if ('refusal' in target) {
      const abandoned = await abandonDelivery(data, due, target.refusal, new Date(this.#clock()));
      if (abandoned) this.#logger.warn({ ...at, reason: target.refusal }, 'event delivery dead-lettered');
      return;
    }
    const now = this.#clock();
    const claimed = await claimDelivery(data, due, new Date(now + this.#leaseMs), new Date(now));
    if (!claimed) return; // another process has it
    const holding = this.#holdLease(data, claimed, at);
    let lease: Lease;
    try {
      await this.#deliver(tenantId, target.installation, due.event);
    } catch (err) {
      lease = await holding.release();
      const failedAt = this.#clock();
      const error = describeError(err);
      const dead = lease.attempts >= this.#maxAttempts;
      const retryAt = dead ? null : new Date(failedAt + this.#backoff(lease.attempts));
      const kept = await settleFailed(data, lease, error, retryAt, new Date(failedAt));
      const log = { ...at, attempt: lease.attempts, retryAt, error };
      if (!kept) this.#logger.warn(log, 'event delivery failed after its lease expired; another process took it over');
      else if (dead) this.#logger.error(log, 'event delivery dead-lettered after its last attempt');
      else this.#logger.warn(log, 'event delivery failed; will retry');
      return;
    }
    lease = await holding.release();
    if (!(await settleDelivered(data, lease, new Date(this.#clock())))) {
      this.#logger.warn({ ...at, attempt: lease.attempts }, 'event delivered after its lease expired; it may run again elsewhere');
    }
  }

  /**
   * Renews `lease` every third of the lease while its delivery runs. `release` stops renewing
   * and answers the lease as last renewed, which settling must name.
   */
  #holdLease(data: TenantDb, lease: Lease, at: Record<string, unknown>): { release: () => Promise<Lease> } {
    let current = lease;
    let renewing: Promise<void> = Promise.resolve();
    let lost = false;
    const renew = async () => {
      const now = this.#clock();
      try {
        const renewed = await renewLease(data, current, new Date(now + this.#leaseMs), new Date(now));
        if (renewed) current = renewed;
        else {
          lost = true;
          clearInterval(timer);
          this.#logger.warn({ ...at, attempt: current.attempts }, 'event delivery lost its lease while running; it may run again elsewhere');
        }
      } catch (err) {
        // Kept as is: the next renewal tries again, and the lease still has two thirds to run.
        this.#logger.warn({ ...at, err }, 'renewing an event delivery lease failed');
      }
    };
    const timer = setInterval(() => { if (!lost) renewing = renewing.then(renew); }, Math.max(1, Math.floor(this.#leaseMs / 3)));
    return {
      release: async () => {
        clearInterval(timer);
        await renewing;
        return current;
      },
    };
  }
}

/** The installation to deliver to, or why the delivery can never run. */
function runnable(due: DueDelivery, subs: Subscriptions, maxAttempts: number): { installation: Installation } | { refusal: string } {
  const installation = subs.installations.get(due.pluginId);
  if (due.attempts >= maxAttempts) return { refusal: 'its last attempt never finished (the process running it stopped)' };
  if (!installation) return { refusal: `${due.pluginId} is not installed` };
  if (!subs.subscribes(due.pluginId, due.event.type)) {
    return { refusal: `${due.pluginId}@${installation.version} no longer handles ${due.event.type}` };
  }
  return { installation };
}

function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

function describeError(err: unknown): string {
  if (err instanceof AppError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
