import { describe, expect, it } from 'vitest';
import type { Interaction } from './interactions.js';
import { LiveEventBus, MAX_QUEUED_EVENTS, type LiveEvent } from './live-events.js';

const added = (customerId: string, body: string): LiveEvent => ({
  type: 'interaction.added', customerId, interaction: { id: body, customerId, body } as Interaction,
});
const bodyOf = (r: IteratorResult<LiveEvent>) => (r.value as Extract<LiveEvent, { interaction: unknown }>).interaction.body;

describe('LiveEventBus', () => {
  it('hands a tenant\'s events that pass the filter to that tenant\'s subscribers only, in order', async () => {
    const bus = new LiveEventBus();
    const a = bus.subscribe('tenant-a', (e) => e.customerId === 'c1');
    const b = bus.subscribe('tenant-b');
    bus.publish('tenant-a', added('c1', 'one'));
    bus.publish('tenant-a', added('c2', 'filtered out'));
    bus.publish('tenant-b', added('c1', 'for b'));
    bus.publish('tenant-a', added('c1', 'two'));
    expect(bodyOf(await a.next())).toBe('one');
    expect(bodyOf(await a.next())).toBe('two');
    expect(bodyOf(await b.next())).toBe('for b');
  });

  it('wakes a waiting reader, and return() ends it, removes the listener and runs onEnd once', async () => {
    const bus = new LiveEventBus();
    let ended = 0;
    const live = bus.subscribe('t', undefined, () => ended++);
    const pending = live.next();
    bus.publish('t', added('c', 'late'));
    expect(bodyOf(await pending)).toBe('late');
    const waiting = live.next();
    expect(bus.listenerCount('t')).toBe(1);
    await live.return();
    await live.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(await live.next()).toEqual({ value: undefined, done: true });
    expect(bus.listenerCount()).toBe(0);
    expect(ended).toBe(1);
  });

  it('ends a subscriber that falls more than MAX_QUEUED_EVENTS behind', async () => {
    const bus = new LiveEventBus();
    let ended = false;
    const live = bus.subscribe('t', undefined, () => { ended = true; });
    for (let i = 0; i < MAX_QUEUED_EVENTS; i++) bus.publish('t', added('c', String(i)));
    expect(ended).toBe(false);
    bus.publish('t', added('c', 'one too many'));
    expect(ended).toBe(true);
    expect(bus.listenerCount('t')).toBe(0);
    expect((await live.next()).done).toBe(true);
  });
});

describe('LiveEventBus relay', () => {
  it('hands published events to the relay, not delivered ones, until detached', async () => {
    const bus = new LiveEventBus();
    const relayed: string[] = [];
    const detach = bus.relayTo((tenantId, e) => relayed.push(`${tenantId}:${(e as Extract<LiveEvent, { interaction: unknown }>).interaction.body}`));
    expect(() => bus.relayTo(() => undefined)).toThrow(/relayed already/);
    const live = bus.subscribe('t');
    bus.publish('t', added('c', 'here'));
    bus.deliver('t', added('c', 'from another node'));
    detach();
    bus.publish('t', added('c', 'after'));
    expect(relayed).toEqual(['t:here']);
    expect([bodyOf(await live.next()), bodyOf(await live.next()), bodyOf(await live.next())]).toEqual(['here', 'from another node', 'after']);
  });
});
