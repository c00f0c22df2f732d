import { asc, count, eq, and, isNull, or, inArray } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { caseSlaTargets, slaCalendars, slaPolicies, type SlaHoliday, type SlaPeriod } from '../../db/tenant-schema.js';
import type { TenantTx } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';
import { assertAdmin, type TenantContext } from '../../tenancy/context.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';
import { isIanaZone, type BusinessCalendar } from './business-hours.js';

export type SlaCalendar = typeof slaCalendars.$inferSelect;

export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Holidays one call may send; a calendar keeps at most MAX_HOLIDAYS in all. */
export const MAX_HOLIDAYS_PER_CALL = 50;
export const MAX_HOLIDAYS = 1000;
export const MAX_CALENDARS = 100;
const MAX_PERIODS = 70;

const CLOCK = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const clock = z.string().regex(CLOCK, 'a time is HH:MM between 00:00 and 24:00');
const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

const periodInput = z.object({ weekday: z.enum(WEEKDAYS), start: clock, end: clock })
  // Compared only once both are times (a malformed one has its own issue).
  .refine((p) => !CLOCK.test(p.start) || !CLOCK.test(p.end) || minuteOf(p.end) > minuteOf(p.start), { message: 'a period ends after it starts, within its day', path: ['end'] });

const holidayInput = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD')
    .refine((d) => DateTime.fromISO(d).isValid, 'is not a real date'),
  name: z.string().trim().min(1).max(100).nullish(),
  recurring: z.boolean().default(false),
});

const periods = z.array(periodInput)
  .min(1, 'a calendar must be open at least once a week: give at least one period')
  .max(MAX_PERIODS)
  .superRefine((list, ctx) => {
    // Two periods of one weekday may meet but not overlap, or open time would count twice.
    list.forEach((p, i) => {
      const clash = list.findIndex((q, j) => j !== i && q.weekday === p.weekday
        && minuteOf(q.start) < minuteOf(p.end) && minuteOf(p.start) < minuteOf(q.end));
      if (clash >= 0 && clash < i) ctx.addIssue({ code: 'custom', path: [i], message: `overlaps period ${clash} of the same weekday` });
    });
  });

const holidays = z.array(holidayInput).max(MAX_HOLIDAYS_PER_CALL, `at most ${MAX_HOLIDAYS_PER_CALL} holidays per call`);

const calendarFields = {
  name: z.string().trim().min(1).max(100),
  timeZone: z.string().max(64).refine(isIanaZone, 'is not an IANA time zone (e.g. Europe/Berlin)'),
  periods,
};

export const createSlaCalendarInput = z.object({ ...calendarFields, holidays: holidays.default([]) });
export const updateSlaCalendarInput = z.object({
  name: calendarFields.name.optional(),
  timeZone: calendarFields.timeZone.optional(),
  periods: periods.optional(),
  /** Replaces every holiday. */
  holidays: holidays.optional(),
}).refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export const addSlaHolidaysInput = z.object({ holidays: holidays.min(1) });

type PeriodInput = z.infer<typeof periodInput>;
type HolidayInput = z.infer<typeof holidayInput>;

const toPeriod = (p: PeriodInput): SlaPeriod =>
  ({ weekday: WEEKDAYS.indexOf(p.weekday) + 1, startMinute: minuteOf(p.start), endMinute: minuteOf(p.end) });

/** Holidays sorted by date, one per date (the later entry wins). */
function mergeHolidays(kept: readonly SlaHoliday[], added: readonly HolidayInput[]): SlaHoliday[] {
  const byDate = new Map(kept.map((h) => [h.date, h]));
  for (const h of added) byDate.set(h.date, { date: h.date, name: h.name ?? null, recurring: h.recurring });
  if (byDate.size > MAX_HOLIDAYS) throw new AppError('BAD_USER_INPUT', `a calendar keeps at most ${MAX_HOLIDAYS} holidays`);
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** The period as the API shows it (weekday name, HH:MM). */
export function periodView(p: SlaPeriod): { weekday: Weekday; start: string; end: string } {
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return { weekday: WEEKDAYS[p.weekday - 1]!, start: hhmm(p.startMinute), end: hhmm(p.endMinute) };
}

/** The stored calendar in the shape the business-hours arithmetic reads. */
export const businessCalendar = (c: SlaCalendar): BusinessCalendar => ({ timeZone: c.timeZone, periods: c.periods, holidays: c.holidays });

async function assertNameFree(tx: TenantTx, name: string, exceptId?: string) {
  const same = await tx.select({ id: slaCalendars.id }).from(slaCalendars).where(eq(slaCalendars.name, name)).get();
  if (same && same.id !== exceptId) throw new AppError('CONFLICT', `a calendar named "${name}" exists already`);
}

export function getSlaCalendar(ctx: TenantContext, id: string): Promise<SlaCalendar> {
  return requireRow(ctx.data.db, slaCalendars, id, 'SlaCalendar');
}

export function listSlaCalendars(ctx: TenantContext): Promise<SlaCalendar[]> {
  return ctx.data.db.select().from(slaCalendars).orderBy(asc(slaCalendars.name), asc(slaCalendars.id)).limit(MAX_CALENDARS);
}

/** Creates a business-hours calendar (admins). */
export async function createSlaCalendar(ctx: TenantContext, raw: unknown): Promise<SlaCalendar> {
  assertAdmin(ctx);
  const input = parseInput(createSlaCalendarInput, raw);
  return ctx.data.write(async (tx) => {
    const [existing] = await tx.select({ n: count() }).from(slaCalendars);
    if ((existing?.n ?? 0) >= MAX_CALENDARS) throw new AppError('CONFLICT', `a tenant keeps at most ${MAX_CALENDARS} calendars`);
    await assertNameFree(tx, input.name);
    const now = new Date();
    const row: SlaCalendar = {
      id: newId(), name: input.name, timeZone: input.timeZone, periods: input.periods.map(toPeriod),
      holidays: mergeHolidays([], input.holidays), createdAt: now, updatedAt: now,
    };
    await tx.insert(slaCalendars).values(row);
    await emitEvent(tx, ctx.actor, 'sla_calendar.created', row.id, { name: row.name });
    return row;
  });
}

/**
 * Changes a calendar. Running clocks keep the due times they have; the new hours count from the
 * next change of each clock (a pause, a resume, a policy change).
 */
export async function updateSlaCalendar(ctx: TenantContext, id: string, raw: unknown): Promise<SlaCalendar> {
  assertAdmin(ctx);
  const input = parseInput(updateSlaCalendarInput, raw);
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, slaCalendars, id, 'SlaCalendar');
    if (input.name !== undefined) await assertNameFree(tx, input.name, id);
    const changes = {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
      ...(input.periods !== undefined && { periods: input.periods.map(toPeriod) }),
      ...(input.holidays !== undefined && { holidays: mergeHolidays([], input.holidays) }),
      updatedAt: new Date(),
    };
    await tx.update(slaCalendars).set(changes).where(eq(slaCalendars.id, id));
    await emitEvent(tx, ctx.actor, 'sla_calendar.updated', id, { fields: Object.keys(input) });
    return { ...current, ...changes };
  });
}

/** Adds holidays (at most MAX_HOLIDAYS_PER_CALL at once); a date already there is replaced. */
export async function addSlaHolidays(ctx: TenantContext, id: string, raw: unknown): Promise<SlaCalendar> {
  assertAdmin(ctx);
  const input = parseInput(addSlaHolidaysInput, raw);
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, slaCalendars, id, 'SlaCalendar');
    const changes = { holidays: mergeHolidays(current.holidays, input.holidays), updatedAt: new Date() };
    await tx.update(slaCalendars).set(changes).where(eq(slaCalendars.id, id));
    await emitEvent(tx, ctx.actor, 'sla_calendar.updated', id, { fields: ['holidays'], added: input.holidays.length });
    return { ...current, ...changes };
  });
}

/** Deletes a calendar no policy and no running clock uses (CONFLICT otherwise). */
export async function deleteSlaCalendar(ctx: TenantContext, id: string): Promise<string> {
  assertAdmin(ctx);
  return ctx.data.write(async (tx) => {
    await requireRow(tx, slaCalendars, id, 'SlaCalendar');
    const policy = await tx.select({ name: slaPolicies.name }).from(slaPolicies).where(eq(slaPolicies.calendarId, id)).get();
    if (policy) throw new AppError('CONFLICT', `the policy "${policy.name}" uses this calendar`);
    const running = await tx.select({ id: caseSlaTargets.id }).from(caseSlaTargets)
      .where(and(eq(caseSlaTargets.calendarId, id), or(inArray(caseSlaTargets.status, ['ACTIVE', 'PAUSED']), isNull(caseSlaTargets.completedAt)))).get();
    if (running) throw new AppError('CONFLICT', 'cases still have SLA clocks running on this calendar');
    await tx.delete(slaCalendars).where(eq(slaCalendars.id, id));
    await emitEvent(tx, ctx.actor, 'sla_calendar.deleted', id, {});
    return id;
  });
}
