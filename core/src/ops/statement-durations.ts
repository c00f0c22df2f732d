import type { Metric, Registry } from 'prom-client';

/** What was timed: one statement that reads, one that writes, or a whole transaction (a batch is one too). */
export type StatementKind = 'read' | 'write' | 'transaction';
/** Which database: the control plane's or a tenant's (never which tenant: the label stays bounded). */
export type DatabaseRole = 'control' | 'tenant';

const KINDS: readonly StatementKind[] = ['read', 'write', 'transaction'];
const ROLES: readonly DatabaseRole[] = ['control', 'tenant'];

/** Seconds: an embedded read takes tens of µs, a networked one milliseconds, a queued write longer. */
const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

const NAME = 'mosaic_db_statement_duration_seconds';
const HELP = 'Time of SQL statements as the server waits for them (a write\'s wait for the writer included), by kind '
  + '(read, write, transaction: a batch or an interactive transaction from its start to its commit or rollback) and database role (control, tenant).';

/**
 * One label combination's histogram. Filled on every statement, so it is plain numbers: prom-client's
 * own `observe` hashes the labels on each call (~0.5 µs here), this costs ~15 ns.
 */
export class DurationCell {
  /** Observations at or under each bucket's bound (not cumulative), and over the last one. */
  readonly counts = new Float64Array(BUCKETS.length + 1);
  sum = 0;
  count = 0;

  /** Records a duration measured from `startedMs` (a `performance.now()` reading) to now. */
  since(startedMs: number): void {
    const seconds = (performance.now() - startedMs) / 1000;
    let bucket = 0;
    while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]!) bucket++;
    this.counts[bucket]! += 1;
    this.sum += seconds;
    this.count += 1;
  }
}

const cells = Object.fromEntries(ROLES.map((role) => [role, Object.fromEntries(KINDS.map((kind) => [kind, new DurationCell()]))])) as
  Record<DatabaseRole, Record<StatementKind, DurationCell>>;

/** The cells statements of `role`'s databases record into (the process's: every client of that role shares them). */
export const statementDurations = (role: DatabaseRole): Readonly<Record<StatementKind, DurationCell>> => cells[role];

/** The histogram as prom-client's registry reads a metric at scrape time (cumulative buckets, sum, count). */
function snapshot() {
  const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
  for (const role of ROLES) {
    for (const kind of KINDS) {
      const cell = cells[role][kind];
      if (cell.count === 0) continue;
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += cell.counts[i]!;
        values.push({ labels: { kind, role, le }, value: cumulative, metricName: `${NAME}_bucket` });
      });
      values.push({ labels: { kind, role, le: '+Inf' }, value: cell.count, metricName: `${NAME}_bucket` });
      values.push({ labels: { kind, role }, value: cell.sum, metricName: `${NAME}_sum` });
      values.push({ labels: { kind, role }, value: cell.count, metricName: `${NAME}_count` });
    }
  }
  return { name: NAME, help: HELP, type: 'histogram', aggregator: 'sum', values };
}

/**
 * The process's statement durations, as a metric of `registry`. It is not a prom-client
 * Histogram (see DurationCell): the registry reads a metric through its name, help, type and
 * `get()`, which this provides; `reset()` does nothing, the counts are the process's.
 */
export function registerStatementDurations(registry: Registry): void {
  const metric = { name: NAME, help: HELP, type: 'histogram', aggregator: 'sum', get: async () => snapshot(), reset: () => undefined };
  registry.registerMetric(metric as unknown as Metric);
}
