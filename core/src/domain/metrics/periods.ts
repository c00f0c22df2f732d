import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseInput } from '../../lib/validate.js';

/** How metrics are grouped: by calendar period in the manager's time zone, or by a dimension. */
export const METRICS_GROUPINGS = ['DAY', 'WEEK', 'MONTH', 'CHANNEL', 'QUEUE', 'AGENT', 'TOTAL'] as const;
export type MetricsGrouping = (typeof METRICS_GROUPINGS)[number];

const DAY_MS = 86_400_000;
/** A year and a day: every daily series of a year, leap years included. */
export const MAX_METRICS_PERIOD_DAYS = 366;

export const metricsPeriodInput = z.object({
  from: z.date(),
  to: z.date(),
  groupBy: z.enum(METRICS_GROUPINGS).default('DAY'),
  timeZone: z.string().trim().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'an IANA time zone such as Europe/Berlin')
    .refine((zone) => DateTime.now().setZone(zone).isValid, 'an IANA time zone such as Europe/Berlin')
    .default('UTC'),
}).refine((p) => p.to.getTime() > p.from.getTime(), { message: 'must be after from', path: ['to'] })
  .refine((p) => p.to.getTime() - p.from.getTime() <= MAX_METRICS_PERIOD_DAYS * DAY_MS, {
    message: `the period covers at most ${MAX_METRICS_PERIOD_DAYS} days`, path: ['to'],
  });
export type MetricsPeriod = z.output<typeof metricsPeriodInput>;

/** One row's time span: [start, end) in ms, and its key (the span's first local date for periods). */
export interface Bucket {
  key: string;
  start: number;
  end: number;
}

export const parseMetricsPeriod = (raw: unknown): MetricsPeriod => parseInput(metricsPeriodInput, raw);

const UNITS = { DAY: 'day', WEEK: 'week', MONTH: 'month' } as const;

/**
 * The spans the rows cover. Calendar periods start at local midnight in the time zone (a week on
 * Monday, ISO), so a day across a DST change is 23 or 25 hours long; the first and last spans are
 * cut to [from, to). A dimension grouping has one span, the whole period.
 */
export function bucketsOf(period: MetricsPeriod): Bucket[] {
  const from = period.from.getTime();
  const to = period.to.getTime();
  if (!(period.groupBy in UNITS)) return [{ key: 'TOTAL', start: from, end: to }];
  const unit = UNITS[period.groupBy as keyof typeof UNITS];
  const buckets: Bucket[] = [];
  let local = DateTime.fromMillis(from, { zone: period.timeZone }).startOf(unit);
  while (local.toMillis() < to) {
    const next = local.plus({ [unit]: 1 }).startOf(unit);
    buckets.push({ key: local.toISODate()!, start: Math.max(local.toMillis(), from), end: Math.min(next.toMillis(), to) });
    local = next;
  }
  return buckets;
}
