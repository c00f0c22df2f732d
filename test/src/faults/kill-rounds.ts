/**
 * kill -9 during writes: a core process takes imports, customer creations (each with an outbox
 * event the probe plugin handles) and plugin storage writes, and is killed with SIGKILL at a
 * random moment, round after round. After a last restart the ledger is compared with the
 * database: every acknowledged write present exactly once, every committed write whole, every
 * event delivered at least once and acted on at most once.
 */
import { startCoreProcess, type CoreProcess } from '../core-process.js';
import { PROBE_ID, waitFor, type FaultWorld } from './fault-world.js';
import { startWriteLoad, type Acknowledged } from './write-load.js';

export interface KillRoundsOptions {
  rounds: number;
  /** The kill lands this many ms after the load starts, drawn uniformly. */
  killAfterMs: [number, number];
  /**
   * Wait for deliveries that a killed process had leased (the lease is 15 s) to run again. Off:
   * they are counted as `leasedWhenKilled` and checked to be pending, not lost.
   */
  awaitLeases: boolean;
  /** Called after each round (for progress lines). */
  onRound?: (round: number, killedAfterMs: number) => void;
}

export interface KillRoundsReport {
  rounds: number;
  acknowledged: { rows: number; customers: number; storageKeys: number };
  /** Acknowledged writes missing after the last restart (each must be 0). */
  lost: { rows: number; customers: number; storageKeys: number };
  /** Writes present more than once (each must be 0). */
  duplicated: { rows: number; customers: number };
  /**
   * Customers without exactly one `customer.created` event, events without their customer, plus
   * 1 if the imported rows and the counts of their `channel.ingested` events differ (must be 0).
   */
  halfApplied: number;
  /** Writes refused with a code while the server was up (code → count). */
  refused: Record<string, number>;
  /** `customer.created` events committed, and how many reached the probe. */
  events: number;
  delivered: number;
  /** Deliveries a killed process had started: pending until their lease ends, then run again. */
  leasedWhenKilled: number;
  /** Events whose handler ran more than once (redelivered after a kill). */
  redelivered: number;
  /** Events the probe acted on more than once (must be 0: the event id is its idempotency key). */
  actedOnTwice: number;
  /** Delivered events the probe did not act on (must be 0). */
  notActedOn: number;
  /** Milliseconds from spawning `mosaic serve` on the killed process's data to its /healthz answering. */
  restartMs: number[];
  /** Deliveries the last killed process had leased, seen pending right after the last restart. */
  leasedAtRestart: number;
  /** Milliseconds from the last restart until every event was delivered (with `awaitLeases`; else null). */
  allDeliveredMs: number | null;
}

const random = ([min, max]: [number, number]) => min + Math.floor(Math.random() * (max - min + 1));

/** Runs the rounds on `world` starting with `core` (running); returns the report and the last core, running. */
export async function runKillRounds(world: FaultWorld, first: CoreProcess, options: KillRoundsOptions): Promise<{ report: KillRoundsReport; core: CoreProcess }> {
  const ledger: Acknowledged = { rows: [], customers: [], storageKeys: [], refused: {} };
  const restartMs: number[] = [];
  let core = first;
  for (let round = 1; round <= options.rounds; round++) {
    // A fresh process starts its sandbox worker on the first plugin call: start it before the
    // clock runs, so plugin writes have the whole round, not what is left after a cold start.
    const warm = await world.client(core).gql('{ faults_probe_recall(key: "warm") }');
    if (warm.errors) throw new Error(`the probe did not answer: ${JSON.stringify(warm.errors)}`);
    const load = startWriteLoad(core.url, world.client(core), world.channelId, `r${round}-${Date.now().toString(36)}`);
    const after = random(options.killAfterMs);
    await new Promise((r) => setTimeout(r, after));
    await core.kill();
    await load.stop();
    ledger.rows.push(...load.acknowledged.rows);
    ledger.customers.push(...load.acknowledged.customers);
    ledger.storageKeys.push(...load.acknowledged.storageKeys);
    for (const [code, n] of Object.entries(load.acknowledged.refused)) ledger.refused[code] = (ledger.refused[code] ?? 0) + n;
    const started = performance.now();
    core = await startCoreProcess(world.env);
    restartMs.push(Math.round(performance.now() - started));
    options.onRound?.(round, after);
  }
  const restartedAt = Date.now();
  return { report: { ...(await compare(world, ledger, restartedAt, options.awaitLeases)), rounds: options.rounds, refused: ledger.refused, restartMs }, core };
}

type Counted = { k: string; n: number };

async function compare(world: FaultWorld, ledger: Acknowledged, restartedAt: number, awaitLeases: boolean) {
  const counts = async (sql: string, args: (string | number)[] = []) =>
    new Map((await world.tenantRows(sql, args) as Counted[]).map((r) => [String(r.k), Number(r.n)]));
  const rows = await counts("select idempotency_key as k, count(*) as n from interactions where idempotency_key like 'r%' and source_installation_id <> ? group by 1", [world.probeInstallationId]);
  const customers = await counts("select email as k, count(*) as n from customers where email like '%@faults.example' group by 1");
  const stored = await counts("select key as k, 1 as n from plugin_storage where plugin_id = ? and key like 'ack-%'", [PROBE_ID]);
  const lostOf = (acked: string[], present: Map<string, number>) => acked.filter((k) => !present.has(k)).length;
  const twice = (present: Map<string, number>) => [...present.values()].filter((n) => n > 1).length;

  const [{ n: halfApplied }] = await world.tenantRows(`select
      (select count(*) from customers c where c.email like '%@faults.example' and (select count(*) from outbox o where o.type = 'customer.created' and o.subject_id = c.id) <> 1)
    + (select count(*) from outbox o where o.type = 'customer.created' and not exists (select 1 from customers c where c.id = o.subject_id))
    + ((select coalesce(sum(json_extract(payload, '$.count')), 0) from outbox where type = 'channel.ingested')
       <> (select count(*) from interactions where source_installation_id like 'channel:%')) as n`) as [{ n: number }];

  // Deliveries: every customer.created event fanned out to the probe and settled, except those a
  // killed process had leased, which wait for their lease to end (unless awaitLeases).
  const deliveries = async () => world.tenantRows(`select o.id as event, d.status as status, d.attempts as attempts, d.next_attempt_at as next, d.updated_at as updated
      from outbox o left join event_deliveries d on d.event_id = o.id and d.plugin_id = ?
      where o.type = 'customer.created'`, [PROBE_ID]) as Promise<{ event: string; status: string | null; attempts: number; next: number; updated: number }[]>;
  const leasedByKilled = (d: { status: string | null; attempts: number; next: number; updated: number }) =>
    d.status === 'pending' && d.attempts >= 1 && d.updated < restartedAt && d.next > Date.now();
  let leasedAtRestart: number | undefined;
  const settled = await waitFor('every event delivered', awaitLeases ? 60_000 : 30_000, async () => {
    const all = await deliveries();
    leasedAtRestart ??= all.filter(leasedByKilled).length;
    const open = all.filter((d) => d.status !== 'delivered' && (awaitLeases || !leasedByKilled(d)));
    return open.length === 0 ? all : undefined;
  });
  const allDeliveredMs = awaitLeases ? Date.now() - restartedAt : null;
  const delivered = settled.filter((d) => d.status === 'delivered').map((d) => d.event);
  const acted = await counts('select idempotency_key as k, count(*) as n from interactions where source_installation_id = ? group by 1', [world.probeInstallationId]);
  const runs = await counts("select substr(key, 6) as k, cast(value as integer) as n from plugin_storage where plugin_id = ? and key like 'runs:%'", [PROBE_ID]);
  return {
    acknowledged: { rows: ledger.rows.length, customers: ledger.customers.length, storageKeys: ledger.storageKeys.length },
    lost: { rows: lostOf(ledger.rows, rows), customers: lostOf(ledger.customers, customers), storageKeys: lostOf(ledger.storageKeys, stored) },
    duplicated: { rows: twice(rows), customers: twice(customers) },
    halfApplied: Number(halfApplied),
    events: settled.length,
    delivered: delivered.length,
    leasedWhenKilled: settled.filter((d) => d.status !== 'delivered').length,
    leasedAtRestart: leasedAtRestart ?? 0,
    allDeliveredMs,
    redelivered: [...runs.values()].filter((n) => n > 1).length,
    actedOnTwice: twice(acted),
    notActedOn: delivered.filter((id) => !acted.has(id)).length,
  };
}

/**
 * The invariants a kill run broke, in words (empty: all held). Deliveries a killed process had
 * leased count as delivered-to-be only when the run did not wait for them (`awaitLeases` off).
 */
export function killRoundsProblems(r: KillRoundsReport, options: { leasesAwaited: boolean }): string[] {
  const problems: string[] = [];
  if (r.acknowledged.rows === 0 || r.acknowledged.customers === 0 || r.acknowledged.storageKeys === 0) problems.push('a kind of write was never acknowledged');
  if (r.lost.rows + r.lost.customers + r.lost.storageKeys > 0) problems.push('acknowledged writes lost');
  if (r.duplicated.rows + r.duplicated.customers > 0) problems.push('writes duplicated');
  if (r.halfApplied > 0) problems.push('half-applied writes');
  if (Object.keys(r.refused).length > 0) problems.push(`refused: ${JSON.stringify(r.refused)}`);
  if (r.events < r.acknowledged.customers) problems.push('fewer events than acknowledged customers');
  const pending = options.leasesAwaited ? 0 : r.leasedWhenKilled;
  if (r.delivered + pending !== r.events) problems.push(`${r.events - r.delivered - pending} events undelivered`);
  if (r.actedOnTwice > 0) problems.push('events acted on twice');
  if (r.notActedOn > 0) problems.push('delivered events not acted on');
  return problems;
}

