import { asc, eq, inArray, and } from 'drizzle-orm';
import { agents, cases, slaPolicies } from '../../db/tenant-schema.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createSlaCalendar } from './calendars.js';
import { createSlaPolicy, type SlaPolicy } from './policies.js';
import { applySlaPolicy } from './targets.js';

export const DEMO_SLA_POLICY = 'Social complaints within a day';

/**
 * The demo's service levels: a support calendar (Berlin, weekdays with a lunch break, Saturday
 * mornings, the usual holidays) and a policy answering social-media cases within a business hour
 * and resolving them within a day, escalating when they slip. Open social cases get their clocks.
 * Does nothing when the policy exists already, so a restarted demo start can call it again.
 */
export async function seedDemoSla(ctx: TenantContext): Promise<SlaPolicy | null> {
  const existing = await ctx.data.db.select({ id: slaPolicies.id }).from(slaPolicies).where(eq(slaPolicies.name, DEMO_SLA_POLICY)).get();
  if (existing) return null;
  const weekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];
  const calendar = await createSlaCalendar(ctx, {
    name: 'Support hours (Berlin)',
    timeZone: 'Europe/Berlin',
    periods: [
      ...weekdays.flatMap((weekday) => [{ weekday, start: '08:00', end: '12:30' }, { weekday, start: '13:30', end: '18:00' }]),
      { weekday: 'SATURDAY', start: '10:00', end: '14:00' },
    ],
    holidays: [
      { date: '2026-01-01', name: 'New Year', recurring: true },
      { date: '2026-05-01', name: 'Labour Day', recurring: true },
      { date: '2026-10-03', name: 'German Unity Day', recurring: true },
      { date: '2026-12-25', name: 'Christmas Day', recurring: true },
      { date: '2026-12-26', name: 'Boxing Day', recurring: true },
    ],
  });
  const [supervisor] = await ctx.data.db.select({ id: agents.id }).from(agents).orderBy(asc(agents.createdAt), asc(agents.id)).limit(1);
  const policy = await createSlaPolicy(ctx, {
    name: DEMO_SLA_POLICY,
    position: 1,
    conditions: { channels: ['SOCIAL'] },
    calendarId: calendar.id,
    targets: [
      { kind: 'FIRST_RESPONSE', minutes: 60, businessHours: true },
      { kind: 'NEXT_RESPONSE', minutes: 120, businessHours: true },
      { kind: 'RESOLUTION', minutes: 24 * 60, businessHours: false },
    ],
    escalations: [
      { on: 'BREACHING_SOON', targetKind: 'RESOLUTION', action: 'RAISE_PRIORITY' },
      ...(supervisor ? [{ on: 'BREACHED', action: 'NOTIFY', agentId: supervisor.id }] : []),
    ],
  });
  const now = new Date();
  await ctx.data.write(async (tx) => {
    const open = await tx.select().from(cases).where(and(eq(cases.channel, 'SOCIAL'), inArray(cases.status, ['NEW', 'OPEN', 'PENDING'])));
    for (const kase of open) await applySlaPolicy(tx, kase, now);
  });
  return policy;
}
