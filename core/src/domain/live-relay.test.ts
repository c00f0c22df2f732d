import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, InStatement } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane } from '../db/control.js';
import { createLogger } from '../lib/logger.js';
import type { Case } from './cases.js';
import { LiveEventBus, type LiveEvent } from './live-events.js';
import { startLiveRelay, type LiveRelay } from './live-relay.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-live-relay-'));
const logger = createLogger('silent');
let clients: Client[];
beforeAll(async () => {
  // Two nodes: each its own connection to the one control database.
  clients = [(await openControlPlane({ kind: 'embedded', dataDir: dir })).client, (await openControlPlane({ kind: 'embedded', dataDir: dir })).client];
});
afterAll(() => {
  for (const c of clients) c.close();
  rmSync(dir, { recursive: true, force: true });
});

const created = (subject: string): LiveEvent => ({
  type: 'case.created', customerId: 'c1', case: { id: subject, customerId: 'c1', subject, createdAt: new Date('2026-01-02T03:04:05Z') } as unknown as Case,
});
const subjectOf = (r: IteratorResult<LiveEvent>) => (r.value as Extract<LiveEvent, { case: unknown }>).case.subject;
const within = <T>(ms: number, p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms))]);

describe('startLiveRelay', () => {
  it('hands an event published on one node to the other node\'s subscribers once, rows intact, in order', async () => {
    const [busA, busB] = [new LiveEventBus(), new LiveEventBus()];
    const relays: LiveRelay[] = [
      await startLiveRelay({ control: clients[0]!, bus: busA, logger, pollMs: 50 }),
      await startLiveRelay({ control: clients[1]!, bus: busB, logger, pollMs: 50 }),
    ];
    try {
      const onA = busA.subscribe('t1');
      const onB = busB.subscribe('t1');
      const otherTenant = busB.subscribe('t2');
      busA.publish('t1', created('first'));
      busA.publish('t1', created('second'));
      const first = await within(2_000, onB.next());
      expect(subjectOf(first)).toBe('first');
      expect((first.value as Extract<LiveEvent, { case: unknown }>).case.createdAt).toEqual(new Date('2026-01-02T03:04:05Z'));
      expect(subjectOf(await within(2_000, onB.next()))).toBe('second');
      // The publishing node delivered it itself and skips its own rows.
      await new Promise((r) => setTimeout(r, 300));
      expect([subjectOf(await onA.next()), subjectOf(await onA.next())]).toEqual(['first', 'second']);
      expect(await Promise.race([onA.next().then(() => 'more'), new Promise((r) => setTimeout(() => r('none'), 200))])).toBe('none');
      expect(await Promise.race([otherTenant.next().then(() => 'heard'), new Promise((r) => setTimeout(() => r('none'), 100))])).toBe('none');
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
  });

  it('writes the events published within writeDelayMs in one insert, the ones after in the next', async () => {
    const bus = new LiveEventBus();
    const inserts: number[] = [];
    const control = clients[0]!;
    const counting = new Proxy(control, {
      get: (target, name) => (name === 'execute'
        ? (stmt: InStatement) => {
          if (typeof stmt === 'object' && stmt.sql.startsWith('insert into live_events')) inserts.push((stmt.args as unknown[]).length / 3);
          return target.execute(stmt);
        }
        : Reflect.get(target, name)),
    });
    const relay = await startLiveRelay({ control: counting, bus, logger, pollMs: 1_000, writeDelayMs: 100 });
    try {
      for (let i = 0; i < 5; i++) {
        bus.publish('t4', created(`burst ${i}`));
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 150));
      bus.publish('t4', created('later'));
    } finally {
      await relay.stop();
    }
    expect(inserts).toEqual([5, 1]);
  });

  it('deletes events older than keepMs', async () => {
    const bus = new LiveEventBus();
    const relay = await startLiveRelay({ control: clients[0]!, bus, logger, pollMs: 20, keepMs: 1 });
    bus.publish('t3', created('old'));
    await new Promise((r) => setTimeout(r, 150)); // written, then pruned by a later poll
    await relay.stop();
    const left = await clients[0]!.execute("select count(*) as n from live_events where tenant_id = 't3'");
    expect(Number(left.rows[0]!.n)).toBe(0);
  });
});
