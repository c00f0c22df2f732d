import { DateTime, IANAZone } from 'luxon';

/** One opening period of a weekday (1 = Monday … 7 = Sunday), in minutes after local midnight (end ≤ 1440). */
export interface OpeningPeriod {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

/** A closed day (`YYYY-MM-DD`); a recurring one closes that month and day every year. */
export interface ClosedDay {
  date: string;
  recurring: boolean;
}

/** When a team works: local periods per weekday in one IANA zone, minus holidays. */
export interface BusinessCalendar {
  timeZone: string;
  periods: readonly OpeningPeriod[];
  holidays: readonly ClosedDay[];
}

const MINUTE_MS = 60_000;
/**
 * How far ahead (in local days) an opening is looked for before giving up. A calendar with at
 * least one period is open every week except on holidays, and holidays are capped far below this.
 */
const MAX_DAYS_SCANNED = 366 * 40;

/** Whether `zone` is a real IANA time-zone name (not an offset like `UTC+2`). */
export function isIanaZone(zone: string): boolean {
  return IANAZone.isValidZone(zone) && !/^(utc|gmt)?[+-]/i.test(zone);
}

/** The calendar's periods grouped by weekday, sorted; holidays as quick lookups. */
interface Prepared {
  zone: string;
  byWeekday: OpeningPeriod[][];
  closedDates: Set<string>;
  closedMonthDays: Set<string>;
}

function prepare(calendar: BusinessCalendar): Prepared {
  if (calendar.periods.length === 0) throw new Error('a business calendar needs at least one opening period');
  const byWeekday: OpeningPeriod[][] = Array.from({ length: 8 }, () => []);
  for (const p of calendar.periods) byWeekday[p.weekday]!.push(p);
  for (const day of byWeekday) day.sort((a, b) => a.startMinute - b.startMinute);
  return {
    zone: calendar.timeZone,
    byWeekday,
    closedDates: new Set(calendar.holidays.filter((h) => !h.recurring).map((h) => h.date)),
    closedMonthDays: new Set(calendar.holidays.filter((h) => h.recurring).map((h) => h.date.slice(5))),
  };
}

/** The instant a local wall-clock minute of `day` names; a minute skipped by a DST jump moves forward with it. */
function localInstant(day: DateTime, minuteOfDay: number): number {
  // Adding minutes to local midnight in luxon adds real time across a DST change; building the
  // wall-clock time instead keeps "09:00" meaning nine o'clock on either side of the change.
  if (minuteOfDay >= 1440) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60, second: 0, millisecond: 0 }).toMillis();
}

/** Open intervals [start, end) in epoch ms, in order, from the local day containing `fromMs`. */
function* openIntervals(cal: Prepared, fromMs: number): Generator<[number, number]> {
  let day = DateTime.fromMillis(fromMs, { zone: cal.zone }).startOf('day');
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned++, day = day.plus({ days: 1 }).startOf('day')) {
    const iso = day.toISODate()!;
    if (cal.closedDates.has(iso) || cal.closedMonthDays.has(iso.slice(5))) continue;
    for (const p of cal.byWeekday[day.weekday]!) {
      const start = localInstant(day, p.startMinute);
      const end = localInstant(day, p.endMinute);
      if (end > start && end > fromMs) yield [Math.max(start, fromMs), end];
    }
  }
  throw new Error(`the calendar has no opening within ${MAX_DAYS_SCANNED} days`);
}

/**
 * The instant `minutes` of open time after `start` (fractions allowed). Time outside the
 * calendar's periods, on holidays and lost or gained at DST changes counts as it really passes:
 * a period 00:00–04:00 on the night clocks go back holds five hours of work. Zero minutes is
 * `start` itself, open or not.
 *
 * @example addBusinessTime({ timeZone: 'Europe/Berlin', periods: [{ weekday: 5, startMinute: 540, endMinute: 1020 }], holidays: [] },
 *   new Date('2026-03-06T15:00:00Z'), 60) // → Friday 2026-03-13 09:00 Berlin (08:00Z)
 */
export function addBusinessTime(calendar: BusinessCalendar, start: Date, minutes: number): Date {
  if (!(minutes >= 0) || !Number.isFinite(minutes)) throw new RangeError('minutes must be a finite number ≥ 0');
  let remaining = minutes * MINUTE_MS;
  if (remaining === 0) return new Date(start.getTime());
  for (const [s, e] of openIntervals(prepare(calendar), start.getTime())) {
    if (e - s >= remaining) return new Date(s + remaining);
    remaining -= e - s;
  }
  /* c8 ignore next */ throw new Error('unreachable');
}

/** Open minutes between `a` and `b` (fractional; 0 when `b` is not after `a`). */
export function businessMinutesBetween(calendar: BusinessCalendar, a: Date, b: Date): number {
  const from = a.getTime();
  const to = b.getTime();
  if (to <= from) return 0;
  let total = 0;
  for (const [s, e] of openIntervals(prepare(calendar), from)) {
    if (s >= to) break;
    total += Math.min(e, to) - s;
  }
  return total / MINUTE_MS;
}
