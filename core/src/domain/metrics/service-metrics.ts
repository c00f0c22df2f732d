import { inArray, sql, type SQL } from 'drizzle-orm';
import { agents, queues } from '../../db/tenant-schema.js';
import { assertAdmin, type TenantContext } from '../../tenancy/context.js';
import { deflectionRate, type DeflectionStats } from '../knowledge/deflection.js';
import { bucketsOf, parseMetricsPeriod, type Bucket, type MetricsGrouping, type MetricsPeriod } from './periods.js';

/** One row of the managers' view: a period, a channel, a queue or an agent. */
export interface ServiceMetricsRow {
  /** The period's first local date (YYYY-MM-DD), the channel, the queue or agent id ('' for none), or TOTAL. */
  key: string;
  /** What a person reads: the date, channel, queue or agent name. */
  label: string;
  start: Date;
  end: Date;
  casesCreated: number;
  casesSolved: number;
  /** Cases open at the end of the row's span (created before it, not solved by then). */
  backlog: number;
  /** Of the cases created in the span, those an agent has answered. */
  firstResponses: number;
  firstResponseMedianMinutes: number | null;
  firstResponseAverageMinutes: number | null;
  resolutionMedianMinutes: number | null;
  resolutionAverageMinutes: number | null;
  slaTargetsHit: number;
  slaTargetsMissed: number;
  /** hit / (hit + missed), or null when no target ended in the span. */
  slaHitRate: number | null;
  inboundInteractions: number;
  csatResponses: number;
  csatAverage: number | null;
  /** Ratings of 4 or 5 out of all ratings. */
  csatSatisfiedShare: number | null;
}

export interface ServiceMetrics {
  period: MetricsPeriod;
  rows: ServiceMetricsRow[];
  totals: ServiceMetricsRow;
  deflection: DeflectionStats;
}

type Source = 'cases' | 'interactions';

/** Each grouping's key over a case row `c` (and an interaction row `i` for channel mix). */
function keyOf(groupBy: MetricsGrouping, source: Source): SQL {
  switch (groupBy) {
    case 'CHANNEL': return source === 'interactions' ? sql.raw('i.channel') : sql.raw(`coalesce(c.channel, 'NONE')`);
    case 'QUEUE': return sql.raw(`coalesce(c.queue_id, '')`);
    case 'AGENT': return sql.raw(`coalesce(c.assignee_id, '')`);
    default: return sql.raw('b.k');
  }
}

const bucketsCte = (buckets: Bucket[]): SQL =>
  sql`with b(k, s, e) as (values ${sql.join(buckets.map((b) => sql`(${b.key}, ${b.start}, ${b.end})`), sql`, `)})`;

interface Durations { k: string; n: number; total: number; average: number | null; median: number | null }

/**
 * Count, average and median of `ms` per key, in SQL: the median is the mean of the middle one or
 * two of each key's sorted values (row_number over the key's partition), so no rows reach JS.
 */
function durationsSql(cte: SQL, rows: SQL): SQL {
  return sql`${cte}, d as (${rows}),
    r as (select k, ms, row_number() over (partition by k order by ms) as rn, count(*) over (partition by k) as n from d where ms is not null)
    select a.k as k, a.total as total, a.n as n, a.average as average, m.median as median
    from (select k, count(*) as total, count(ms) as n, avg(ms) as average from d group by k) a
    left join (select k, avg(ms) as median from r where rn in ((n + 1) / 2, (n + 2) / 2) group by k) m on m.k = a.k`;
}

async function rowsByKey<T extends { k: string }>(ctx: TenantContext, query: SQL): Promise<Map<string, T>> {
  const rows = await ctx.data.db.all<T>(query);
  return new Map(rows.map((r) => [String(r.k), r]));
}

async function measure(ctx: TenantContext, groupBy: MetricsGrouping, buckets: Bucket[]) {
  const cte = bucketsCte(buckets);
  const inSpan = (column: string) => sql.raw(`${column} >= b.s and ${column} < b.e`);
  const caseKey = keyOf(groupBy, 'cases');
  // First responses belong to the span the case was created in (a cohort), resolutions to the span it was solved in.
  const firstResponse = sql`(select min(i.occurred_at) from interactions i where i.case_id = c.id and i.direction = 'OUTBOUND' and i.agent_id is not null)`;
  const [created, solved, sla, inbound, csat] = await Promise.all([
    rowsByKey<Durations>(ctx, durationsSql(cte, sql`select ${caseKey} as k, max(${firstResponse} - c.created_at, 0) as ms from cases c join b on ${inSpan('c.created_at')}`)),
    rowsByKey<Durations>(ctx, durationsSql(cte, sql`select ${caseKey} as k, max(c.solved_at - c.created_at, 0) as ms from cases c join b on ${inSpan('c.solved_at')}`)),
    rowsByKey<{ k: string; hit: number; missed: number }>(ctx, sql`${cte} select ${caseKey} as k,
      sum(t.status = 'HIT') as hit, sum(t.status = 'MISSED') as missed
      from case_sla_targets t join cases c on c.id = t.case_id
      join b on ${inSpan(`(case when t.status = 'HIT' then t.hit_at else t.breached_at end)`)}
      where t.status in ('HIT', 'MISSED') group by 1`),
    rowsByKey<{ k: string; n: number }>(ctx, sql`${cte} select ${keyOf(groupBy, 'interactions')} as k, count(*) as n
      from interactions i left join cases c on c.id = i.case_id join b on ${inSpan('i.occurred_at')}
      where i.direction = 'INBOUND' group by 1`),
    rowsByKey<{ k: string; n: number; average: number; satisfied: number }>(ctx, sql`${cte} select ${caseKey} as k, count(*) as n,
      avg(s.rating) as average, avg(s.rating >= 4) as satisfied
      from case_surveys s join cases c on c.id = s.case_id join b on ${inSpan('s.answered_at')} group by 1`),
  ]);
  return { created, solved, sla, inbound, csat };
}

/** Open cases at the end of each span: for periods, counted forward from the start of the period. */
async function backlogs(ctx: TenantContext, period: MetricsPeriod, buckets: Bucket[], measured: Awaited<ReturnType<typeof measure>>): Promise<Map<string, number>> {
  const { groupBy } = period;
  const to = period.to.getTime();
  if (groupBy !== 'DAY' && groupBy !== 'WEEK' && groupBy !== 'MONTH') {
    const rows = await ctx.data.db.all<{ k: string; n: number }>(sql`with b(k) as (values ('TOTAL'))
      select ${keyOf(groupBy, 'cases')} as k, count(*) as n from cases c join b
      where c.created_at < ${to} and (c.solved_at is null or c.solved_at >= ${to}) group by 1`);
    return new Map(rows.map((r) => [String(r.k), Number(r.n)]));
  }
  // Open at a span's end = created before it − solved before it; both are running sums.
  const from = period.from.getTime();
  const [before] = await ctx.data.db.all<{ created: number; solved: number }>(sql`select
    (select count(*) from cases where created_at < ${from}) as created,
    (select count(*) from cases where solved_at < ${from}) as solved`);
  let open = Number(before?.created ?? 0) - Number(before?.solved ?? 0);
  const out = new Map<string, number>();
  for (const b of buckets) {
    open += Number(measured.created.get(b.key)?.total ?? 0) - Number(measured.solved.get(b.key)?.total ?? 0);
    out.set(b.key, open);
  }
  return out;
}

const minutes = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : Math.round(Number(ms) / 600) / 100);
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

async function rowsOf(ctx: TenantContext, period: MetricsPeriod): Promise<ServiceMetricsRow[]> {
  const buckets = bucketsOf(period);
  const measured = await measure(ctx, period.groupBy, buckets);
  const open = await backlogs(ctx, period, buckets, measured);
  const isPeriod = buckets.length > 1 || buckets[0]!.key !== 'TOTAL';
  const keys = isPeriod || period.groupBy === 'TOTAL'
    ? buckets.map((b) => b.key)
    : [...new Set([...measured.created.keys(), ...measured.solved.keys(), ...measured.sla.keys(), ...measured.inbound.keys(), ...measured.csat.keys(), ...open.keys()])];
  const span = new Map(buckets.map((b) => [b.key, b]));
  const labels = await labelsOf(ctx, period.groupBy, keys);
  const rows = keys.map((key): ServiceMetricsRow => {
    const b = span.get(key) ?? { start: period.from.getTime(), end: period.to.getTime() };
    const created = measured.created.get(key);
    const solved = measured.solved.get(key);
    const sla = measured.sla.get(key);
    const csat = measured.csat.get(key);
    const hit = Number(sla?.hit ?? 0);
    const missed = Number(sla?.missed ?? 0);
    const csatResponses = Number(csat?.n ?? 0);
    return {
      key, label: labels.get(key) ?? key, start: new Date(b.start), end: new Date(b.end),
      casesCreated: Number(created?.total ?? 0),
      casesSolved: Number(solved?.total ?? 0),
      backlog: open.get(key) ?? 0,
      firstResponses: Number(created?.n ?? 0),
      firstResponseMedianMinutes: minutes(created?.median), firstResponseAverageMinutes: minutes(created?.average),
      resolutionMedianMinutes: minutes(solved?.median), resolutionAverageMinutes: minutes(solved?.average),
      slaTargetsHit: hit, slaTargetsMissed: missed, slaHitRate: ratio(hit, hit + missed),
      inboundInteractions: Number(measured.inbound.get(key)?.n ?? 0),
      csatResponses,
      csatAverage: csatResponses ? Number(csat!.average) : null,
      csatSatisfiedShare: csatResponses ? Number(csat!.satisfied) : null,
    };
  });
  return isPeriod ? rows : rows.sort(byVolumeNoneLast);
}

/** Busiest first; the row of cases without a queue or agent last. */
const byVolumeNoneLast = (a: ServiceMetricsRow, b: ServiceMetricsRow): number =>
  Number(a.key === '') - Number(b.key === '') || b.casesCreated - a.casesCreated
  || b.inboundInteractions - a.inboundInteractions || a.key.localeCompare(b.key);

/** Names for queue and agent keys; '' (none) reads as "Unassigned" / "No queue". */
async function labelsOf(ctx: TenantContext, groupBy: MetricsGrouping, keys: string[]): Promise<Map<string, string>> {
  const ids = keys.filter((k) => k !== '');
  if (groupBy === 'QUEUE') {
    const rows = ids.length ? await ctx.data.db.select({ id: queues.id, name: queues.name }).from(queues).where(inArray(queues.id, ids)) : [];
    return new Map([['', 'No queue'], ...rows.map((r): [string, string] => [r.id, r.name])]);
  }
  if (groupBy === 'AGENT') {
    const rows = ids.length ? await ctx.data.db.select({ id: agents.id, name: agents.name }).from(agents).where(inArray(agents.id, ids)) : [];
    return new Map([['', 'Unassigned'], ...rows.map((r): [string, string] => [r.id, r.name])]);
  }
  return new Map();
}

/**
 * The managers' view over a period: first response and resolution times (median and average),
 * SLA hit rate, backlog, inbound channel mix and CSAT per day, week, month, channel, queue or
 * agent, with totals and knowledge deflection. Computed by SQL over the tables' time indexes;
 * admins only.
 */
export async function serviceMetrics(ctx: TenantContext, raw: unknown): Promise<ServiceMetrics> {
  assertAdmin(ctx);
  const period = parseMetricsPeriod(raw);
  const [rows, [totals], deflection] = await Promise.all([
    rowsOf(ctx, period),
    // Asked for the whole period in one row, the rows are the totals already.
    period.groupBy === 'TOTAL' ? [] : rowsOf(ctx, { ...period, groupBy: 'TOTAL' }),
    deflectionRate(ctx, period.from, period.to),
  ]);
  return { period, rows, totals: totals ?? rows[0]!, deflection };
}
