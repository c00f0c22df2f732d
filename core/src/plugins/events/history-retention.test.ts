import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { pluginLogs, pluginUsage } from '../../db/control-schema.js';
import { eventDeliveries, outbox, webSessions, webUsers } from '../../db/tenant-schema.js';
import { newId } from '../../lib/ids.js';
import { DEFAULT_SESSION_LIFETIMES, pruneWebSessions } from '../../tenancy/web-sessions.js';
import { EventDispatcher } from './index.js';
import { pruneHistory } from './history-retention.js';
import { createEventsWorld, QUIET, type EventsWorld } from './test-fixtures.js';

describe('pruneHistory', () => {
  let world: EventsWorld;
  beforeAll(async () => {
    world = await createEventsWorld();
  }, 120_000);
  afterAll(() => world?.close());

  const hour = 3_600_000;
  const day = 24 * hour;
  const keep = { eventsMs: hour, pluginLogsMs: hour, pluginUsageMs: 90 * day };
  const none = { outbox: 0, deliveries: 0, pluginLogs: 0, pluginUsage: 0, webSessions: 0 };
  const deps = () => ({ control: world.control.db, tenants: world.tenants, logger: world.logger });

  /** Web sessions of one new user: `ended` past their idle or absolute end, `live` not; answers their ids. */
  async function sessions(t: Awaited<ReturnType<EventsWorld['tenant']>>, now: number, counts: { ended: number; live: number }) {
    const userId = newId();
    const { idleMs, absoluteMs } = DEFAULT_SESSION_LIFETIMES;
    const at = (ms: number) => new Date(now - ms);
    const rows = [
      ...Array.from({ length: counts.ended }, (_, i) => i % 2
        ? { lastSeenAt: at(idleMs + 1_000), expiresAt: at(-absoluteMs) } // idle too long
        : { lastSeenAt: at(1_000), expiresAt: at(1_000) }), // past its absolute end
      ...Array.from({ length: counts.live }, () => ({ lastSeenAt: at(idleMs - 60_000), expiresAt: at(-1_000) })),
    ].map((r, i) => ({ id: `${userId}-${i}`, userId, csrfSecret: 'x', createdAt: at(absoluteMs), ...r, ended: i < counts.ended }));
    await t.ctx.data.write(async (tx) => {
      await tx.insert(webUsers).values({ id: userId, email: `${userId}@example.com`, name: 'Visitor', role: 'customer', passwordHash: 'x', createdAt: at(day), updatedAt: at(day) });
      for (const { ended: _, ...row } of rows) await tx.insert(webSessions).values(row);
    });
    return { ended: rows.filter((r) => r.ended).map((r) => r.id), live: rows.filter((r) => !r.ended).map((r) => r.id) };
  }
  const sessionIds = async (t: Awaited<ReturnType<EventsWorld['tenant']>>) =>
    (await t.ctx.data.db.select({ id: webSessions.id }).from(webSessions)).map((r) => r.id).sort();
  /** An hour of usage `ageMs` old for `tenantId`. */
  const usage = (tenantId: string, ageMs: number, now: number) => world.control.db.insert(pluginUsage).values({
    tenantId, pluginId: QUIET, hour: Math.floor((now - ageMs) / hour), calls: 1, failures: 0, cpuMs: 1, wallMs: 1, fetches: 0, fetchBytes: 0,
  });
  const usageAges = async (tenantId: string, now: number) => (await world.control.db.select({ hour: pluginUsage.hour }).from(pluginUsage)
    .where(eq(pluginUsage.tenantId, tenantId))).map((r) => Math.round((now / hour - r.hour) / 24)).sort((x, y) => x - y);

  /** Events in every state, each `age` ms old; answers the ids by state. */
  async function history(t: Awaited<ReturnType<EventsWorld['tenant']>>, now: number, age: number) {
    const at = new Date(now - age);
    const ids = { delivered: newId(), dead: newId(), pending: newId(), noSubscriber: newId(), undispatched: newId() };
    await t.ctx.data.write(async (tx) => {
      for (const [state, id] of Object.entries(ids)) {
        await tx.insert(outbox).values({ id, type: 'customer.created', subjectId: state, actor: null, payload: {}, createdAt: at, dispatchedAt: state === 'undispatched' ? null : at });
      }
      for (const status of ['delivered', 'dead', 'pending'] as const) {
        await tx.insert(eventDeliveries).values({ eventId: ids[status], pluginId: QUIET, status, attempts: 1, nextAttemptAt: at, lastError: null, updatedAt: at });
      }
    });
    await world.control.db.insert(pluginLogs).values({ id: newId(), tenantId: t.id, pluginId: QUIET, level: 'info', message: `${age} ms old`, data: null, at });
    return ids;
  }

  it('deletes delivered events and plugin logs past retention; keeps dead letters, pending work, and everything younger', async () => {
    const [a, b] = [await world.tenant([]), await world.tenant([])];
    const now = Date.now();
    const old = { a: await history(a, now, 2 * hour), b: await history(b, now, 2 * hour) };
    const young = await history(a, now, hour / 2);

    const pruned = await pruneHistory(deps(), new Date(now), keep);
    expect(pruned).toEqual({ ...none, outbox: 4, deliveries: 2, pluginLogs: 2 });

    const events = async (t: typeof a) => (await t.ctx.data.db.select({ id: outbox.id }).from(outbox)).map((r) => r.id).sort();
    const deliveries = async (t: typeof a) => (await t.ctx.data.db.select({ id: eventDeliveries.eventId }).from(eventDeliveries)).map((r) => r.id).sort();
    for (const [t, ids] of [[a, old.a], [b, old.b]] as const) {
      const kept = [ids.dead, ids.pending, ids.undispatched, ...(t === a ? Object.values(young) : [])].sort();
      expect(await events(t)).toEqual(kept);
      expect(await deliveries(t)).toEqual([ids.dead, ids.pending, ...(t === a ? [young.delivered, young.dead, young.pending] : [])].sort());
    }
    const logs = await world.control.db.select({ message: pluginLogs.message }).from(pluginLogs);
    expect(logs.map((l) => l.message)).toEqual([`${hour / 2} ms old`]);

    // Nothing more to prune at the same moment.
    expect(await pruneHistory(deps(), new Date(now), keep)).toEqual(none);
  });

  it('deletes plugin usage hours past their retention and ended web sessions, in every tenant; keeps the rest', async () => {
    const [a, b] = [await world.tenant([]), await world.tenant([])];
    const now = Date.now();
    for (const t of [a, b]) for (const age of [120 * day, 91 * day, 89 * day, 0]) await usage(t.id, age, now);
    const web = { a: await sessions(a, now, { ended: 3, live: 2 }), b: await sessions(b, now, { ended: 2, live: 1 }) };

    expect(await pruneHistory(deps(), new Date(now), keep)).toEqual({ ...none, pluginUsage: 4, webSessions: 5 });
    for (const t of [a, b]) expect(await usageAges(t.id, now)).toEqual([0, 89]);
    expect(await sessionIds(a)).toEqual(web.a.live.sort());
    expect(await sessionIds(b)).toEqual(web.b.live.sort());
    // Without a usage retention, usage is kept for ever.
    await usage(a.id, 400 * day, now);
    expect(await pruneHistory(deps(), new Date(now), { eventsMs: hour, pluginLogsMs: hour })).toEqual(none);
    expect(await usageAges(a.id, now)).toEqual([0, 89, 400]);
  });

  it('prunes ended web sessions in chunks until none is left', async () => {
    const t = await world.tenant([]);
    const now = Date.now();
    const web = await sessions(t, now, { ended: 7, live: 2 });
    expect(await pruneWebSessions(t.ctx.data, DEFAULT_SESSION_LIFETIMES, new Date(now), 2)).toBe(7);
    expect(await sessionIds(t)).toEqual(web.live.sort());
  });

  it('runs on the dispatcher\'s retention sweep when given a retention', async () => {
    const t = await world.tenant([]);
    const ids = await history(t, Date.now(), 2 * hour);
    const web = await sessions(t, Date.now(), { ended: 1, live: 1 });
    await usage(t.id, 100 * day, Date.now());
    const dispatcher = new EventDispatcher({ control: world.control.db, tenants: world.tenants, logger: world.logger, deliver: async () => {}, history: keep, fullScanMs: 0 });
    dispatcher.start();
    try {
      for (const until = Date.now() + 10_000; Date.now() < until;) {
        if ((await t.ctx.data.db.select().from(outbox)).length === 3) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await dispatcher.stop();
    }
    expect((await t.ctx.data.db.select({ id: outbox.id }).from(outbox)).map((r) => r.id).sort()).toEqual([ids.dead, ids.pending, ids.undispatched].sort());
    expect(await sessionIds(t)).toEqual(web.live);
    expect(await usageAges(t.id, Date.now())).toEqual([]);
  });
});
