import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactions, outbox } from '../../db/tenant-schema.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { BusinessCalendar } from '../sla/business-hours.js';
import { cancelScheduledReply, getScheduledReply, nextBusinessInstant, scheduleReply, sendDueReplies } from './scheduled-replies.js';
import { asAgent, caseWorld, TestTenants } from './test-tenant.js';

const tenants = new TestTenants();
let a: TenantContext;
let b: TenantContext;
let w: Awaited<ReturnType<typeof caseWorld>>;
const t0 = new Date('2026-03-06T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
// Monday to Friday 09:00–17:00 in Berlin.
const weekdays: BusinessCalendar = {
  timeZone: 'Europe/Berlin', holidays: [],
  periods: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 540, endMinute: 1020 })),
};

beforeAll(async () => {
  a = await tenants.tenant('a');
  b = await tenants.tenant('b');
  w = await caseWorld(a);
});
afterAll(() => tenants.close());

const repliesOnCase = async () => (await a.data.db.select().from(interactions).where(eq(interactions.caseId, w.kase.id))).map((i) => i.body);

describe('scheduled replies', () => {
  it('is sent once, at its time, as an OUTBOUND interaction with an event', async () => {
    const ana = asAgent(a, w.ana.id);
    const reply = await scheduleReply(ana, { caseId: w.kase.id, body: 'Good morning!', sendAt: at(30) }, { now: t0 });
    expect(await sendDueReplies(a, at(29))).toBe(0);
    expect(await repliesOnCase()).toEqual([]);
    // Two sweeps at once (two processes) still send it once.
    expect((await Promise.all([sendDueReplies(a, at(30)), sendDueReplies(a, at(31))])).reduce((x, y) => x + y)).toBe(1);
    expect(await sendDueReplies(a, at(60))).toBe(0);
    const rows = await a.data.db.select().from(interactions).where(eq(interactions.caseId, w.kase.id));
    expect(rows.map((r) => [r.body, r.direction, r.channel, r.agentId])).toEqual([['Good morning!', 'OUTBOUND', 'EMAIL', w.ana.id]]);
    const sent = await getScheduledReply(a, reply.id);
    expect([sent.status, sent.interactionId, sent.sentAt]).toEqual(['SENT', rows[0]!.id, at(30)]);
    expect((await a.data.db.select().from(outbox).where(eq(outbox.type, 'case.scheduled_reply_sent'))).map((e) => e.subjectId)).toEqual([w.kase.id]);
    await expect(cancelScheduledReply(a, reply.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('is never sent once cancelled', async () => {
    const reply = await scheduleReply(a, { caseId: w.kase.id, body: 'Never', sendAt: at(90) }, { now: t0 });
    await expect(cancelScheduledReply(b, reply.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await cancelScheduledReply(a, reply.id)).status).toBe('CANCELLED');
    expect(await sendDueReplies(a, at(120))).toBe(0);
    expect(await repliesOnCase()).not.toContain('Never');
  });

  it('takes the next business hour from a calendar, and refuses the past or no calendar', async () => {
    // Friday 18:00 Berlin → Monday 09:00 Berlin (08:00Z).
    const friday = new Date('2026-03-06T17:00:00Z');
    expect(nextBusinessInstant(weekdays, friday)).toEqual(new Date('2026-03-09T08:00:00Z'));
    expect(nextBusinessInstant(weekdays, t0)).toEqual(t0);
    const reply = await scheduleReply(a, { caseId: w.kase.id, body: 'Monday', nextBusinessHour: true }, { now: friday, calendar: async () => weekdays });
    expect(reply.sendAt).toEqual(new Date('2026-03-09T08:00:00Z'));
    await expect(scheduleReply(a, { caseId: w.kase.id, body: 'x', nextBusinessHour: true }, { now: friday, calendar: async () => null }))
      .rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(scheduleReply(a, { caseId: w.kase.id, body: 'x', sendAt: at(-1) }, { now: t0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(scheduleReply(a, { caseId: w.kase.id, body: 'x', sendAt: at(5), nextBusinessHour: true }, { now: t0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(scheduleReply(b, { caseId: w.kase.id, body: 'x', sendAt: at(5) }, { now: t0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
