import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginLogs } from '../../db/control-schema.js';
import { eventDeliveries, outbox } from '../../db/tenant-schema.js';
import { newId } from '../../lib/ids.js';
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
  const keep = { eventsMs: hour, pluginLogsMs: hour };

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

    const pruned = await pruneHistory({ control: world.control.db, tenants: world.tenants, logger: world.logger }, new Date(now), keep);
    expect(pruned).toEqual({ outbox: 4, deliveries: 2, pluginLogs: 2 });

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
    expect(await pruneHistory({ control: world.control.db, tenants: world.tenants, logger: world.logger }, new Date(now), keep)).toEqual({ outbox: 0, deliveries: 0, pluginLogs: 0 });
  });

  it('runs on the dispatcher\'s retention sweep when given a retention', async () => {
    const t = await world.tenant([]);
    const ids = await history(t, Date.now(), 2 * hour);
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
  });
});
