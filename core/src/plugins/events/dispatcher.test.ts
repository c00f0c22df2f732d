import { toGlobalId } from '../../lib/ids.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventDeliveries, outbox } from '../../db/tenant-schema.js';
import { createCustomer } from '../../domain/customers.js';
import { emitEvent, recordedEvents } from '../../domain/outbox.js';
import { AppError } from '../../lib/errors.js';
import { uninstallPlugin } from '../installer/index.js';
import { claimDelivery, dueDeliveries } from './deliveries.js';
import { DEFAULT_LEASE_MS, EventDispatcher, type DeliverEvent, type EventDispatcherOptions } from './index.js';
import { createEventsWorld, GREETER, PINGED, QUIET, type EventsWorld } from './test-fixtures.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));

describe('EventDispatcher', () => {
  let world: EventsWorld;
  let now: number;
  const clock = () => now;
  const dispatcher = (deliver: DeliverEvent, options: Partial<EventDispatcherOptions> = {}) => new EventDispatcher({
    control: world.control.db, tenants: world.tenants, logger: world.logger, deliver, clock, backoff: (attempt) => attempt * 1_000, ...options,
  });
  const recorder = () => vi.fn<DeliverEvent>(async () => {});
  const deliveriesOf = async (tenantId: string) => (await world.tenants.get(tenantId)).db.select().from(eventDeliveries);

  beforeAll(async () => {
    world = await createEventsWorld();
  }, 120_000);
  afterAll(() => world?.close());

  it('delivers a domain event once to each subscribed plugin of that tenant only', async () => {
    const a = await world.tenant([GREETER, QUIET]);
    const b = await world.tenant([GREETER, QUIET]);
    now = Date.now();
    const deliver = recorder();
    const d = dispatcher(deliver);
    const customer = await createCustomer(a.ctx, { name: 'Ada Lovelace', email: 'ada@example.com' });
    await d.drain(a.id);
    await d.drain(a.id);
    await d.drain(b.id);

    expect(deliver).toHaveBeenCalledTimes(1);
    const [tenantId, installation, event] = deliver.mock.calls[0]!;
    expect(tenantId).toBe(a.id);
    expect(installation).toMatchObject({ id: a.installs[GREETER]!.id, tenantId: a.id, pluginId: GREETER });
    expect(event).toMatchObject({ type: 'customer.created', subjectId: toGlobalId('Customer', customer.id), payload: { name: 'Ada Lovelace', email: 'ada@example.com' } });
    expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);

    const [row] = await a.ctx.data.db.select().from(outbox).where(eq(outbox.id, event.id));
    expect(row!.dispatchedAt).not.toBeNull();
    expect(await deliveriesOf(a.id)).toEqual([expect.objectContaining({ eventId: event.id, pluginId: GREETER, status: 'delivered', attempts: 1 })]);
    expect(await deliveriesOf(b.id)).toEqual([]);
  });

  it("delivers a plugin's own events to other subscribers but never back to itself", async () => {
    const t = await world.tenant([GREETER, QUIET]);
    now = Date.now();
    const deliver = recorder();
    await t.ctx.data.write((tx) => emitEvent(tx, `plugin:${GREETER}`, PINGED, 'subject-1', { n: 1 }));
    await dispatcher(deliver).drain(t.id);
    expect(deliver.mock.calls.map(([, installation, event]) => [installation.pluginId, event.type])).toEqual([[QUIET, PINGED]]);
  });

  it('never hands a plugin a domain event it caused itself (no feedback loops)', async () => {
    const t = await world.tenant([GREETER]);
    now = Date.now();
    const deliver = recorder();
    // As if GREETER's handler had created a customer through ctx: the event names it as actor.
    await createCustomer({ ...t.ctx, actor: `plugin:${GREETER}` }, { name: 'Made by the plugin' });
    await createCustomer(t.ctx, { name: 'Made by a person' });
    await dispatcher(deliver).drain(t.id);
    expect(deliver.mock.calls.map(([, , event]) => event.payload.name)).toEqual(['Made by a person']);
  });

  it('retries a failing handler with backoff and the same event id until it succeeds', async () => {
    const t = await world.tenant([GREETER]);
    now = Date.now();
    let calls = 0;
    const deliver = vi.fn<DeliverEvent>(async () => {
      if (++calls <= 2) throw new AppError('PLUGIN_FAILED', `carrier API down (${calls})`);
    });
    const d = dispatcher(deliver);
    await createCustomer(t.ctx, { name: 'Grace' });
    const state = async () => (await deliveriesOf(t.id))[0]!;

    await d.drain(t.id);
    expect(await state()).toMatchObject({ status: 'pending', attempts: 1, lastError: 'PLUGIN_FAILED: carrier API down (1)' });
    expect((await state()).nextAttemptAt.getTime()).toBe(now + 1_000);
    await d.drain(t.id); // not due yet
    expect(deliver).toHaveBeenCalledTimes(1);

    now += 1_000;
    await d.drain(t.id);
    expect(await state()).toMatchObject({ status: 'pending', attempts: 2 });
    expect((await state()).nextAttemptAt.getTime()).toBe(now + 2_000);
    now += 1_999;
    await d.drain(t.id);
    expect(deliver).toHaveBeenCalledTimes(2);

    now += 1;
    await d.drain(t.id);
    expect(await state()).toMatchObject({ status: 'delivered', attempts: 3, lastError: null });
    const ids = deliver.mock.calls.map(([, , event]) => event.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });

  it('dead-letters after maxAttempts, lists the dead letter and replays it', async () => {
    const t = await world.tenant([GREETER, QUIET]);
    const other = await world.tenant([GREETER]);
    now = Date.now();
    let broken = true;
    const deliver = vi.fn<DeliverEvent>(async () => {
      if (broken) throw new Error(`boom ${'x'.repeat(5_000)}`);
    });
    const d = dispatcher(deliver, { maxAttempts: 3 });
    const customer = await createCustomer(t.ctx, { name: 'Linus', email: 'linus@example.com' });
    for (let i = 0; i < 5; i++) {
      await d.drain(t.id);
      now += 60_000;
    }
    expect(deliver).toHaveBeenCalledTimes(3);
    const [letter, ...rest] = await d.listDeadLetters(t.id);
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({
      pluginId: GREETER, attempts: 3,
      event: { type: 'customer.created', subjectId: toGlobalId('Customer', customer.id), payload: { name: 'Linus', email: 'linus@example.com' } },
    });
    expect(letter!.lastError!.startsWith('boom x')).toBe(true);
    expect(letter!.lastError!.length).toBeLessThanOrEqual(1_000);
    expect(await d.listDeadLetters(t.id, { pluginId: QUIET })).toEqual([]);
    expect(await d.listDeadLetters(other.id)).toEqual([]);

    // Only that tenant's dead letter of that plugin can be replayed.
    expect(await code(d.replay(other.id, letter!.eventId, GREETER))).toBe('NOT_FOUND');
    expect(await code(d.replay(t.id, letter!.eventId, QUIET))).toBe('NOT_FOUND');
    broken = false;
    await d.replay(t.id, letter!.eventId, GREETER);
    expect(await code(d.replay(t.id, letter!.eventId, GREETER))).toBe('NOT_FOUND'); // pending now, not dead
    await d.drain(t.id);
    expect(deliver).toHaveBeenCalledTimes(4);
    expect(deliver.mock.calls[3]![2].id).toBe(letter!.eventId);
    expect(await deliveriesOf(t.id)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
    expect(await d.listDeadLetters(t.id)).toEqual([]);
  });

  it('two dispatchers draining one tenant at once run each delivery once', async () => {
    const t = await world.tenant([GREETER, QUIET]);
    now = Date.now();
    const seen: string[] = [];
    const deliver: DeliverEvent = async (_tenant, installation, event) => {
      seen.push(`${installation.pluginId}/${event.id}`);
      await sleep(1);
    };
    const one = dispatcher(deliver);
    const two = dispatcher(deliver);
    for (let i = 0; i < 20; i++) {
      await createCustomer(t.ctx, { name: `Customer ${i}` });
      await t.ctx.data.write((tx) => emitEvent(tx, 'test', PINGED, `s${i}`, { i }));
    }
    await Promise.all([one.drain(t.id), two.drain(t.id)]);
    await Promise.all([one.drain(t.id), two.drain(t.id)]);

    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
    const rows = await deliveriesOf(t.id);
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
  });

  it('two core processes over the same database files deliver each event exactly once', async () => {
    const t = await world.tenant([GREETER, QUIET]);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./second-process.fixture.ts', import.meta.url)), world.config.kind === 'embedded' ? world.config.dataDir : '', t.id], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    const exited = once(child, 'exit');
    await vi.waitFor(() => { if (!out.includes('ready')) throw new Error(`second process not ready: ${err}`); }, { timeout: 20_000, interval: 20 });

    const seen: string[] = [];
    const here = new EventDispatcher({
      control: world.control.db, tenants: world.tenants, logger: world.logger,
      deliver: async (_tenant, installation, event) => {
        seen.push(`${installation.pluginId}/${event.id}`);
        await sleep(10);
      },
    });
    await here.drain(t.id); // warm up like the other process did
    for (let i = 0; i < 30; i++) {
      await createCustomer(t.ctx, { name: `Customer ${i}` });
      await t.ctx.data.write((tx) => emitEvent(tx, 'test', PINGED, `s${i}`, { i }));
    }
    child.stdin.write('go\n');
    for (let i = 0; i < 3; i++) await here.drain(t.id);
    const [exitCode] = await exited;
    expect({ exitCode, err }).toEqual({ exitCode: 0, err: '' });

    const there = out.split('\n').filter((l) => l.startsWith('delivered ')).map((l) => l.slice('delivered '.length));
    const all = [...seen, ...there];
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
    const rows = await deliveriesOf(t.id);
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
  }, 60_000);

  it('takes over a delivery whose process died mid-attempt once its lease runs out', async () => {
    const t = await world.tenant([GREETER]);
    now = Date.now();
    const deliver = recorder();
    await createCustomer(t.ctx, { name: 'Crashed' });
    await createCustomer(t.ctx, { name: 'Crashed on its last attempt' });
    // Fan out without delivering, then claim both as a process that dies right after would.
    await dispatcher(deliver).drain(t.id);
    deliver.mockClear();
    await t.ctx.data.write((tx) => tx.update(eventDeliveries).set({ status: 'pending', attempts: 0, nextAttemptAt: new Date(now) }));
    const [first, last] = await dueDeliveries(t.ctx.data.db, new Date(now), 10);
    await t.ctx.data.write((tx) => tx.update(eventDeliveries).set({ attempts: 1 }).where(eq(eventDeliveries.eventId, last!.eventId)));
    expect(await claimDelivery(t.ctx.data, first!, new Date(now + 60_000), new Date(now))).not.toBeNull();
    expect(await claimDelivery(t.ctx.data, { ...last!, attempts: 1 }, new Date(now + 60_000), new Date(now))).not.toBeNull();
    // The same row cannot be claimed twice.
    expect(await claimDelivery(t.ctx.data, first!, new Date(now + 60_000), new Date(now))).toBeNull();

    const d = dispatcher(deliver, { maxAttempts: 2 });
    await d.drain(t.id);
    expect(deliver).not.toHaveBeenCalled(); // leases still held
    now += 60_000;
    await d.drain(t.id);
    expect(deliver).toHaveBeenCalledTimes(1);
    expect(deliver.mock.calls[0]![2].id).toBe(first!.eventId);
    const rows = await deliveriesOf(t.id);
    expect(rows.find((r) => r.eventId === first!.eventId)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(rows.find((r) => r.eventId === last!.eventId)).toMatchObject({ status: 'dead', attempts: 2, lastError: expect.stringContaining('never finished') });
  });

  /** Starts lease-holder.fixture.ts draining `tenantId`; resolves once its handler runs. */
  const leaseHolder = async (tenantId: string, leaseMs: number, holdMs: number) => {
    const dataDir = world.config.kind === 'embedded' ? world.config.dataDir : '';
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./lease-holder.fixture.ts', import.meta.url)), dataDir, tenantId, String(leaseMs), String(holdMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const io = { out: '', err: '' };
    child.stdout.on('data', (chunk: Buffer) => { io.out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { io.err += chunk.toString(); });
    const exited = once(child, 'exit');
    await vi.waitFor(() => { if (!io.out.includes('running ')) throw new Error(`no delivery running yet: ${io.err}`); }, { timeout: 30_000, interval: 20 });
    return { child, io, exited };
  };

  it('runs a delivery again within one lease of its process being killed mid-attempt (kill -9)', async () => {
    const t = await world.tenant([GREETER]);
    await createCustomer(t.ctx, { name: 'Delivery in flight at the kill' });
    const holder = await leaseHolder(t.id, 0, 0); // the default lease; the handler never ends
    const [running] = await deliveriesOf(t.id);
    expect(running).toMatchObject({ status: 'pending', attempts: 1 });
    holder.child.kill('SIGKILL');
    await holder.exited;
    const killedAt = Date.now();

    let deliveredAt = 0;
    const here = new EventDispatcher({
      control: world.control.db, tenants: world.tenants, logger: world.logger,
      deliver: async (tenantId, _installation, event) => {
        if (tenantId === t.id && event.id === running!.eventId) deliveredAt ||= Date.now();
      },
    });
    here.start();
    try {
      await vi.waitFor(() => { if (!deliveredAt) throw new Error('not delivered again yet'); }, { timeout: DEFAULT_LEASE_MS + 10_000, interval: 50 });
    } finally {
      await here.stop();
    }
    const waited = deliveredAt - killedAt;
    process.stdout.write(`event delivery redelivered ${waited} ms after its process was killed (lease ${DEFAULT_LEASE_MS} ms)\n`);
    // Within one lease (its last renewal may have just happened) plus a poll and some slack.
    expect(waited).toBeLessThan(DEFAULT_LEASE_MS + 2_500);
    const [after] = await deliveriesOf(t.id);
    expect(after).toMatchObject({ status: 'delivered', attempts: 2 });
  }, DEFAULT_LEASE_MS + 60_000);

  it("never takes a live process's delivery over, however long past its first lease it runs", async () => {
    const t = await world.tenant([GREETER]);
    await createCustomer(t.ctx, { name: 'Slow handler' });
    const leaseMs = 600;
    const holder = await leaseHolder(t.id, leaseMs, 8 * leaseMs);
    const here = vi.fn<DeliverEvent>(async () => {});
    const d = new EventDispatcher({ control: world.control.db, tenants: world.tenants, logger: world.logger, deliver: here, leaseMs });
    // Drain over and over while the other process's handler runs for eight leases.
    while (!holder.io.out.includes('done')) {
      await d.drain(t.id);
      await sleep(100);
    }
    const [exitCode] = await holder.exited;
    expect({ exitCode, err: holder.io.err }).toEqual({ exitCode: 0, err: '' });
    expect(here).not.toHaveBeenCalled();
    const [row] = await deliveriesOf(t.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
  }, 60_000);

  it('creates an event\'s deliveries and marks it dispatched in one transaction', async () => {
    const t = await world.tenant([GREETER]);
    now = Date.now();
    const deliver = recorder();
    const d = dispatcher(deliver);
    await createCustomer(t.ctx, { name: 'Barbara' });
    // Make creating the deliveries fail after the outbox row was marked dispatched.
    await t.ctx.data.client.execute(`CREATE TRIGGER deliveries_frozen BEFORE INSERT ON event_deliveries BEGIN SELECT RAISE(ABORT, 'deliveries frozen'); END`);
    await d.drain(t.id);
    expect(await deliveriesOf(t.id)).toEqual([]);
    expect((await t.ctx.data.db.select().from(outbox))[0]!.dispatchedAt).toBeNull();
    expect(deliver).not.toHaveBeenCalled();

    await t.ctx.data.client.execute('DROP TRIGGER deliveries_frozen');
    await d.drain(t.id);
    expect(deliver).toHaveBeenCalledTimes(1);
    expect(await deliveriesOf(t.id)).toEqual([expect.objectContaining({ status: 'delivered' })]);
  });

  it('hands a plugin the events in the order they were recorded, across claims', async () => {
    const t = await world.tenant([GREETER]);
    now = Date.now();
    const deliver = recorder();
    for (const name of ['A', 'B', 'C', 'D', 'E']) await createCustomer(t.ctx, { name });
    await dispatcher(deliver, { batchSize: 2 }).drain(t.id);
    expect(deliver.mock.calls.map(([, , event]) => event.payload.name)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('is woken only by commits that recorded an event', async () => {
    const t = await world.tenant([]); // nothing subscribes: its event is left for no one
    const woken: boolean[] = [];
    const before = world.tenants.onCommit;
    world.tenants.onCommit = (_tenantId, tx) => woken.push(recordedEvents(tx));
    try {
      await t.ctx.data.write((tx) => tx.select().from(outbox).limit(1));
      await createCustomer(t.ctx, { name: 'Grace' });
    } finally {
      world.tenants.onCommit = before;
    }
    expect(woken).toEqual([false, true]);
  });

  it('waits passGapMs before another pass when commits came during the last one', async () => {
    const t = await world.tenant([GREETER]);
    now = Date.now();
    const at: number[] = [];
    let d: EventDispatcher;
    const deliver = vi.fn<DeliverEvent>(async () => {
      at.push(performance.now());
      if (at.length === 1) {
        await createCustomer(t.ctx, { name: 'Second' });
        void d.drain(t.id); // joins the running drain: one more pass
      }
    });
    d = dispatcher(deliver, { passGapMs: 150 });
    await createCustomer(t.ctx, { name: 'First' });
    await d.drain(t.id);
    expect(deliver.mock.calls.map(([, , event]) => event.payload.name)).toEqual(['First', 'Second']);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(150);
  });

  it('dead-letters pending deliveries of a plugin that was uninstalled', async () => {
    const t = await world.tenant([GREETER]);
    now = Date.now();
    const deliver = vi.fn<DeliverEvent>(async () => { throw new Error('down'); });
    const d = dispatcher(deliver);
    await createCustomer(t.ctx, { name: 'Edsger' });
    await d.drain(t.id);
    await uninstallPlugin(world.installer, { tenantId: t.id, actor: 'test' }, GREETER);
    now += 60_000;
    await d.drain(t.id);
    expect(deliver).toHaveBeenCalledTimes(1);
    const [row] = await deliveriesOf(t.id);
    expect(row).toMatchObject({ status: 'dead', attempts: 1, lastError: `${GREETER} is not installed` });
  });

  it('started: sweeps tenants with work, drains on notify, retries on its own and stops cleanly', async () => {
    const t = await world.tenant([GREETER]);
    await createCustomer(t.ctx, { name: 'Before start' }); // committed while no dispatcher ran
    let failOnce = true;
    let inFlight = 0;
    let maxInFlight = 0;
    const deliver = vi.fn<DeliverEvent>(async (_tenant, _installation, event) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(5);
      inFlight--;
      if (event.payload.name === 'Flaky' && failOnce) {
        failOnce = false;
        throw new Error('flaky');
      }
    });
    const d = new EventDispatcher({
      control: world.control.db, tenants: world.tenants, logger: world.logger, deliver, pollMs: 20, backoff: () => 30, retentionSweepMs: 0,
    });
    d.notify(t.id); // ignored: not started
    d.start();
    try {
      await vi.waitFor(() => expect(deliver).toHaveBeenCalledTimes(1), { timeout: 5_000 });
      for (let i = 0; i < 10; i++) {
        await createCustomer(t.ctx, { name: i === 5 ? 'Flaky' : `Burst ${i}` });
        d.notify(t.id);
      }
      await vi.waitFor(async () => {
        const rows = await deliveriesOf(t.id);
        expect(rows).toHaveLength(11);
        expect(rows.every((r) => r.status === 'delivered')).toBe(true);
      }, { timeout: 5_000 });
      expect(deliver).toHaveBeenCalledTimes(12); // 11 events, one retried
      expect(maxInFlight).toBe(1); // one plugin's deliveries run one at a time

      // stop() waits for the delivery in flight to finish and be recorded.
      let release!: () => void;
      deliver.mockImplementationOnce(() => new Promise<void>((resolve) => { release = resolve; }));
      await createCustomer(t.ctx, { name: 'Slow' });
      d.notify(t.id);
      await vi.waitFor(() => expect(deliver).toHaveBeenCalledTimes(13), { timeout: 5_000 });
      let stopped = false;
      const stopping = d.stop().then(() => { stopped = true; });
      await sleep(30);
      expect(stopped).toBe(false);
      release();
      await stopping;
      const slow = (await deliveriesOf(t.id)).filter((r) => r.status === 'delivered');
      expect(slow).toHaveLength(12);
    } finally {
      await d.stop();
    }
  });
});
