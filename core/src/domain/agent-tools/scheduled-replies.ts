import { and, asc, eq, lte } from 'drizzle-orm';
import { z } from 'zod';
import { agents, cases, scheduledReplies, CHANNELS } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import { emitEvent } from '../outbox.js';
import { timeKey, type Connection, type PageArgs } from '../pagination.js';
import { pageOfRows, requireRow } from '../rows.js';
import { addBusinessTime, type BusinessCalendar } from '../sla/business-hours.js';
import { businessCalendar, getSlaCalendar, listSlaCalendars } from '../sla/calendars.js';
import { announceCaseWrites, recordReplyTx } from './case-writes.js';

export type ScheduledReply = typeof scheduledReplies.$inferSelect;

/** How far ahead a reply may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 60 * 60_000;
/** Replies sent per sweep of one tenant; the rest wait for the next sweep. */
export const SWEEP_BATCH = 100;

export const scheduleReplyInput = z.object({
  caseId: z.string(),
  body: z.string().trim().min(1).max(20_000),
  subject: z.string().trim().max(300).nullish(),
  channel: z.enum(CHANNELS).nullish(),
  /** An exact time, in the future… */
  sendAt: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'not a date').nullish(),
  /** …or when the team's business hours next begin (now, if open now). */
  nextBusinessHour: z.boolean().nullish(),
  /** The business-hours calendar for nextBusinessHour; the tenant's default one when omitted. */
  calendarId: z.string().nullish(),
}).refine((v) => Boolean(v.sendAt) !== Boolean(v.nextBusinessHour), 'give sendAt or nextBusinessHour: true, not both');

/**
 * The seam to business hours: the calendar a "next business hour" reply follows (the named one,
 * else the tenant's default), or null when the tenant has none. Wired by default to the SLA
 * calendars; injectable for tests.
 */
export type CalendarLookup = (ctx: TenantContext, calendarId: string | null) => Promise<BusinessCalendar | null>;

export interface ScheduleOptions {
  now?: Date;
  calendar?: CalendarLookup;
}

/** The first instant at or after `from` inside the calendar's opening hours. */
export function nextBusinessInstant(calendar: BusinessCalendar, from: Date): Date {
  // One millisecond of open time ends 1 ms after the first open instant; step back from it.
  return new Date(addBusinessTime(calendar, from, 1 / 60_000).getTime() - 1);
}

/** The SLA calendar named, else the tenant's first one by name; null when it has none. */
export const slaCalendarLookup: CalendarLookup = async (ctx, calendarId) => {
  const calendar = calendarId ? await getSlaCalendar(ctx, calendarId) : (await listSlaCalendars(ctx))[0];
  return calendar && calendar.periods.length > 0 ? businessCalendar(calendar) : null;
};

/** Schedules a reply on a case for a time or the next business hour; it is sent by `sendDueReplies`. */
export async function scheduleReply(ctx: TenantContext, raw: unknown, options: ScheduleOptions = {}): Promise<ScheduledReply> {
  assertCanWrite(ctx);
  const input = parseInput(scheduleReplyInput, raw);
  const now = options.now ?? new Date();
  let sendAt: Date;
  if (input.sendAt) {
    if (input.sendAt.getTime() <= now.getTime()) throw new AppError('BAD_USER_INPUT', 'sendAt must be in the future');
    sendAt = input.sendAt;
  } else {
    const calendar = await (options.calendar ?? slaCalendarLookup)(ctx, input.calendarId ?? null);
    if (!calendar) throw new AppError('BAD_USER_INPUT', 'there is no business-hours calendar to follow; give sendAt instead');
    sendAt = nextBusinessInstant(calendar, now);
  }
  if (sendAt.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_MS) throw new AppError('BAD_USER_INPUT', 'a reply is scheduled at most a year ahead');
  return ctx.data.write(async (tx) => {
    const kase = await requireRow(tx, cases, input.caseId, 'Case');
    if (ctx.agentId) await requireRow(tx, agents, ctx.agentId, 'Agent');
    const row: ScheduledReply = {
      id: newId(), caseId: input.caseId, agentId: ctx.agentId ?? null, channel: input.channel ?? kase.channel ?? 'EMAIL', subject: input.subject ?? null,
      body: input.body, sendAt, status: 'SCHEDULED', interactionId: null, createdAt: now, sentAt: null, cancelledAt: null,
    };
    await tx.insert(scheduledReplies).values(row);
    await emitEvent(tx, ctx.actor, 'case.reply_scheduled', input.caseId, { scheduledReplyId: row.id, sendAt: sendAt.toISOString() });
    return row;
  });
}

/** Cancels a reply that has not been sent; CONFLICT once it was sent or cancelled. */
export async function cancelScheduledReply(ctx: TenantContext, id: string, now = new Date()): Promise<ScheduledReply> {
  assertCanWrite(ctx);
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, scheduledReplies, id, 'ScheduledReply');
    // Conditional, so a sweep that sends it at the same moment and this cancel cannot both win.
    const [row] = await tx.update(scheduledReplies).set({ status: 'CANCELLED', cancelledAt: now })
      .where(and(eq(scheduledReplies.id, id), eq(scheduledReplies.status, 'SCHEDULED'))).returning();
    if (!row) throw new AppError('CONFLICT', `this reply was already ${current.status === 'SENT' ? 'sent' : 'cancelled'}`);
    await emitEvent(tx, ctx.actor, 'case.reply_schedule_cancelled', row.caseId, { scheduledReplyId: id });
    return row;
  });
}

export function getScheduledReply(ctx: TenantContext, id: string): Promise<ScheduledReply> {
  return requireRow(ctx.data.db, scheduledReplies, id, 'ScheduledReply');
}

/** A case's scheduled replies (any status), soonest first. */
export function listScheduledReplies(ctx: TenantContext, caseId: string, args: PageArgs): Promise<Connection<ScheduledReply>> {
  return pageOfRows(ctx.data.db, scheduledReplies, [eq(scheduledReplies.caseId, caseId)], {
    sort: scheduledReplies.sendAt, id: scheduledReplies.id, direction: 'asc', sortValue: (r) => timeKey(r.sendAt),
  }, args);
}

/**
 * Sends every reply due at `now` (up to SWEEP_BATCH): each in its own transaction, claimed by a
 * conditional update, recorded as an OUTBOUND interaction and announced (`case.scheduled_reply_sent`).
 * Any number of processes may sweep at once: a reply is sent exactly once. Answers how many were sent.
 */
export async function sendDueReplies(ctx: TenantContext, now: Date): Promise<number> {
  const due = await ctx.data.db.select({ id: scheduledReplies.id }).from(scheduledReplies)
    .where(and(eq(scheduledReplies.status, 'SCHEDULED'), lte(scheduledReplies.sendAt, now)))
    .orderBy(asc(scheduledReplies.sendAt), asc(scheduledReplies.id)).limit(SWEEP_BATCH);
  let sent = 0;
  for (const { id } of due) {
    const done = await ctx.data.write(async (tx) => {
      const [claimed] = await tx.update(scheduledReplies).set({ status: 'SENT', sentAt: now })
        .where(and(eq(scheduledReplies.id, id), eq(scheduledReplies.status, 'SCHEDULED'))).returning();
      if (!claimed) return null;
      const kase = await requireRow(tx, cases, claimed.caseId, 'Case');
      const interaction = await recordReplyTx(tx, ctx.actor, kase,
        { body: claimed.body, subject: claimed.subject, agentId: claimed.agentId, channel: claimed.channel }, now);
      await tx.update(scheduledReplies).set({ interactionId: interaction.id }).where(eq(scheduledReplies.id, id));
      await emitEvent(tx, ctx.actor, 'case.scheduled_reply_sent', kase.id, { scheduledReplyId: id, interactionId: interaction.id });
      return { kase, interaction };
    });
    if (done) {
      sent++;
      announceCaseWrites(ctx.tenantId, done.kase, false, [done.interaction]);
    }
  }
  return sent;
}
