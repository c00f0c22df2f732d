import { describe, expect, it } from 'vitest';
import type { Case, Customer, Interaction, Order } from './generated/core-types.js';
import type { JsonValue } from './json.js';
import type { PluginScope } from './scopes.js';
import { createFakeHost, DEFAULT_HOST_LIMITS, type SimulatedCause } from './test-context.js';

/** An event handler: the installation acts on its own, so writes are allowed. */
const EVENT: SimulatedCause = { entry: 'event', callerRole: null };

const customer: Customer = {
  id: 'c1', name: 'Ada', email: null, phone: null, status: 'ACTIVE', account: null, address: null, mergedInto: null, identities: [],
  createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z',
};
const order = (id: string, placedAt: string): Order => ({
  id, orderNumber: `N-${id}`, orderStatus: 'SHIPPED', currency: 'EUR', total: { amount: '1.00', currency: 'EUR' }, totalCents: 100, lines: [], customer: { id: 'c1' }, placedAt,
});

function host(scopes: PluginScope[] = ['customers:read', 'orders:read', 'cases:write', 'storage'], limits = {}) {
  const storage = new Map<string, JsonValue>();
  const data = { customers: [customer], orders: [order('o1', '2024-01-01T00:00:00Z'), order('o2', '2024-02-01T00:00:00Z')], cases: [], interactions: [] as Interaction[] };
  const fake = createFakeHost({
    pluginId: 'acme.tracking', grantedScopes: scopes, grantedEgress: [], secrets: {}, data, storage, responses: {},
    limits: { ...DEFAULT_HOST_LIMITS, ...limits },
  });
  return { ...fake, call: fake.forInvocation(EVENT).host, storage, data };
}

describe('fake host', () => {
  it('reads the test\'s data as copies, null for unknown ids', async () => {
    const { call, data } = host();
    const got = await call('customers.get', { id: 'c1' }) as Customer;
    expect(got).toEqual(customer);
    got.name = 'changed';
    expect(data.customers[0]?.name).toBe('Ada');
    expect(await call('orders.get', { id: 'nope' })).toBeNull();
  });

  it('pages a customer\'s orders newest first', async () => {
    const { call } = host();
    const first = await call('orders.listByCustomer', { customerId: 'c1', first: 1 }) as { nodes: Order[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(first.nodes.map((o) => o.id)).toEqual(['o2']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = await call('orders.listByCustomer', { customerId: 'c1', first: 1, after: first.pageInfo.endCursor }) as typeof first;
    expect(next.nodes.map((o) => o.id)).toEqual(['o1']);
    expect(next.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses capabilities without their scope, with core\'s code and message', async () => {
    const { call } = host(['storage']);
    await expect(call('orders.get', { id: 'o1' })).rejects.toMatchObject({
      code: 'FORBIDDEN', message: "this installation of acme.tracking was not granted the 'orders:read' scope",
    });
    await expect(call('cases.get', { id: 'x' })).rejects.toMatchObject({ message: expect.stringContaining("'cases:read' or 'cases:write'") });
    await expect(call('nope', {})).rejects.toMatchObject({ code: 'UNKNOWN_CAPABILITY' });
  });

  it('keeps storage as JSON within core\'s value and quota limits', async () => {
    const { call, storage } = host(undefined, { maxStorageValueBytes: 20, storageQuotaBytes: 40 });
    await call('storage.set', { key: 'a', value: { n: 1 } });
    expect(storage.get('a')).toEqual({ n: 1 });
    expect(await call('storage.list', { prefix: '' })).toEqual(['a']);
    await expect(call('storage.set', { key: 'b', value: 'x'.repeat(30) })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await call('storage.set', { key: 'b', value: 'x'.repeat(15) });
    await expect(call('storage.set', { key: 'c', value: 'x'.repeat(15) })).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    await call('storage.delete', { key: 'a' });
    expect(await call('storage.get', { key: 'a' })).toBeNull();
    await expect(call('storage.get', { key: '' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('creates and updates cases, records logs and namespaced emits, and counts emits per invocation', async () => {
    const fake = host(undefined, { maxEmitsPerCall: 1 });
    const created = await fake.call('cases.create', { input: { customerId: 'c1', subject: 'Late parcel' } }) as { id: string; status: string };
    expect(created).toMatchObject({ id: 'case-1', number: 1, status: 'NEW', priority: 'NORMAL', customer: { id: 'c1' } });
    expect(await fake.call('cases.update', { id: 'case-1', input: { status: 'OPEN' } })).toMatchObject({ status: 'OPEN' });
    expect(fake.data.cases).toHaveLength(1);
    await fake.call('log', { level: 'warn', message: 'hm', data: { a: 1 } });
    await fake.call('emit', { type: 'shipment.late', payload: { id: 'o1' } });
    await expect(fake.call('emit', { type: 'again' })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    await fake.forInvocation(EVENT).host('emit', { type: 'again' });
    expect(fake.record.logs).toEqual([{ level: 'warn', message: 'hm', data: { a: 1 } }]);
    expect(fake.record.emitted.map((e) => e.type)).toEqual(['plugin.acme.tracking.shipment.late', 'plugin.acme.tracking.again']);
    // As in core, who emitted is recorded by the host apart from the payload, so `actor` is plain data.
    await fake.forInvocation(EVENT).host('emit', { type: 'x', payload: { actor: 'me' } });
    expect(fake.record.emitted.at(-1)).toEqual({ type: 'plugin.acme.tracking.x', payload: { actor: 'me' } });
  });

  it('refuses tenant writes where core does: field resolvers, and mutations for a read-only caller; storage stays writable', async () => {
    const fake = host();
    const attempt = async (cause: SimulatedCause) => {
      const { host: call } = fake.forInvocation(cause);
      const outcomes = [];
      for (const [capability, args] of [
        ['cases.create', { input: { customerId: 'c1', subject: 'From a plugin' } }],
        ['cases.update', { id: 'case-1', input: { priority: 'HIGH' } }],
        ['emit', { type: 'noted' }],
        ['storage.set', { key: 'k', value: 1 }],
      ] as const) {
        outcomes.push(await call(capability, args).then(() => 'ok', (e: { code: string }) => e.code));
      }
      return outcomes;
    };
    await fake.forInvocation(EVENT).host('cases.create', { input: { customerId: 'c1', subject: 'Seed' } });
    for (const callerRole of ['admin', 'agent', 'integrator'] as const) {
      expect(await attempt({ entry: 'field', callerRole })).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'ok']);
    }
    expect(await attempt({ entry: 'mutation', callerRole: 'integrator' })).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'ok']);
    expect(fake.data.cases).toHaveLength(1);
    expect(fake.record.emitted).toEqual([]);
    expect(await attempt({ entry: 'mutation', callerRole: 'agent' })).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(await attempt({ entry: 'webhook', callerRole: null })).toEqual(['ok', 'ok', 'ok', 'ok']);
    await expect(fake.forInvocation({ entry: 'field', callerRole: 'admin' }).host('emit', { type: 'x' })).rejects.toMatchObject({
      message: expect.stringMatching(/^emit was refused: Query and object-type field resolvers are read-only/),
    });
  });
});

describe('interactions.create', () => {
  const note = { customerId: 'c1', channel: 'EMAIL', direction: 'OUTBOUND', subject: ' Parcel delayed ', body: 'Two more days.' };

  it('writes an interaction once per idempotency key, as core\'s unique index does', async () => {
    const fake = host(['interactions:write']);
    const first = await fake.call('interactions.create', { input: { ...note, idempotencyKey: 'delay:o1' } });
    expect(first).toEqual({
      id: 'interaction-1', channel: 'EMAIL', direction: 'OUTBOUND', subject: 'Parcel delayed', body: 'Two more days.',
      customer: { id: 'c1' }, case: null, agent: null, occurredAt: expect.any(String),
    });
    // A handler that runs again: another invocation, the same key, even a different body.
    const again = await fake.forInvocation(EVENT).host('interactions.create', { input: { ...note, body: 'changed', idempotencyKey: 'delay:o1' } });
    expect(again).toEqual(first);
    await fake.call('interactions.create', { input: { ...note, idempotencyKey: 'delay:o2' } });
    await fake.call('interactions.create', { input: note });
    expect(fake.data.interactions.map((i) => i.id)).toEqual(['interaction-1', 'interaction-2', 'interaction-3']);
  });

  it('refuses without the scope, from read-only entry points and for a read-only caller, writing nothing', async () => {
    const fake = host(['customers:read']);
    await expect(fake.call('interactions.create', { input: note })).rejects.toMatchObject({
      code: 'FORBIDDEN', message: "this installation of acme.tracking was not granted the 'interactions:write' scope",
    });
    const granted = host(['interactions:write']);
    for (const cause of [{ entry: 'field', callerRole: 'admin' }, { entry: 'mutation', callerRole: 'integrator' }] as const) {
      await expect(granted.forInvocation(cause).host('interactions.create', { input: note })).rejects.toMatchObject({
        code: 'FORBIDDEN', message: expect.stringMatching(/^interactions\.create was refused: /),
      });
    }
    expect(await granted.forInvocation({ entry: 'mutation', callerRole: 'agent' }).host('interactions.create', { input: note })).toMatchObject({ id: 'interaction-1' });
    expect(fake.data.interactions).toEqual([]);
  });

  it('validates as core does: values, the key, the customer and the case', async () => {
    const fake = host(['interactions:write']);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ ...note, channel: 'PIGEON' }, 'BAD_USER_INPUT'],
      [{ ...note, body: '' }, 'BAD_USER_INPUT'],
      [{ ...note, subject: 'x'.repeat(301) }, 'BAD_USER_INPUT'],
      [{ ...note, body: 'a\u0000b' }, 'BAD_USER_INPUT'],
      [{ ...note, occurredAt: 'yesterday' }, 'BAD_USER_INPUT'],
      [{ ...note, idempotencyKey: 'k'.repeat(201) }, 'BAD_USER_INPUT'],
      [{ ...note, idempotencyKey: 'a\nb' }, 'BAD_USER_INPUT'],
      [{ ...note, agentId: 'agent-1' }, 'BAD_USER_INPUT'],
      [{ ...note, customerId: 'nobody' }, 'NOT_FOUND'],
      [{ ...note, caseId: 'case-9' }, 'NOT_FOUND'],
    ];
    for (const [input, code] of bad) await expect(fake.call('interactions.create', { input }), JSON.stringify(input)).rejects.toMatchObject({ code });
    expect(fake.data.interactions).toEqual([]);
    await fake.call('interactions.create', { input: { ...note, idempotencyKey: 'k'.repeat(200) } });
    expect(fake.data.interactions).toHaveLength(1);
  });
});

describe('storage.getMany, as core answers it', () => {
  it('answers in key order with null for unset keys, as copies', async () => {
    const { call, storage } = host(['storage']);
    await call('storage.set', { key: 'b', value: { n: 2 } });
    await call('storage.set', { key: '__proto__', value: 'plain key' });
    const values = (await call('storage.getMany', { keys: ['b', 'missing', '__proto__', 'b'] })) as JsonValue[];
    expect(values).toEqual([{ n: 2 }, null, 'plain key', { n: 2 }]);
    (values[0] as { n: number }).n = 99;
    expect(storage.get('b')).toEqual({ n: 2 });
    expect(await call('storage.getMany', { keys: [] })).toEqual([]);
  });

  it('refuses what core refuses, with core\'s messages', async () => {
    await expect(host(['customers:read']).call('storage.getMany', { keys: ['a'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const { call } = host(['storage']);
    await call('storage.set', { key: 'a', value: 1 });
    await expect(call('storage.getMany', { keys: Array.from({ length: 101 }, (_, i) => `k${i}`) })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT', message: 'invalid arguments for storage.getMany: keys: holds more than 100 keys; read at most 100 per call',
    });
    await expect(call('storage.getMany', { keys: ['a', 'a\u0000b'] })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT', message: 'invalid arguments for storage.getMany: keys.1: contains the control character U+0000',
    });
    for (const keys of [[''], [7], 'a', undefined]) {
      await expect(call('storage.getMany', { keys })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    expect(await call('storage.getMany', { keys: Array.from({ length: 100 }, () => 'a') })).toHaveLength(100);
  });
});

describe('storage keys follow core\'s identifier rule', () => {
  it('refuses what core refuses, with core\'s message, in every storage capability', async () => {
    const { call, storage } = host(['storage']);
    const atCap = `${'漢'.repeat(166)}ab`; // 500 bytes of UTF-8
    const cases: Array<[string, RegExp]> = [
      ['a\u0000b', /control character U\+0000/], ['\uD800', /not well-formed Unicode/], ['a\tb', /U\+0009/], [`${atCap}c`, /501 bytes of UTF-8; the limit is 500/],
    ];
    for (const [bad, why] of cases) {
      await expect(call('storage.set', { key: bad, value: 1 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(new RegExp(`^invalid arguments for storage\\.set: key: .*${why.source}`)) });
      await expect(call('storage.get', { key: bad })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      await expect(call('storage.delete', { key: bad })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      await expect(call('storage.list', { prefix: bad })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^invalid arguments for storage\.list: prefix: /) });
    }
    expect(storage.size).toBe(0);
    await call('storage.set', { key: atCap, value: 1 });
    expect(await call('storage.list', { prefix: atCap })).toEqual([atCap]);
  });

  it('lists exactly, in SQLite\'s UTF-8 order', async () => {
    const { call } = host(['storage']);
    for (const key of ['a%b', 'a_b', 'a\\b', '\uE000', '🎉', 'z']) await call('storage.set', { key, value: 0 });
    expect(await call('storage.list', { prefix: 'a%' })).toEqual(['a%b']);
    expect(await call('storage.list', { prefix: 'a\\' })).toEqual(['a\\b']);
    // U+E000 is 3 bytes of UTF-8 and sorts before the 4-byte 🎉, though after it in UTF-16.
    expect(await call('storage.list', {})).toEqual(['a%b', 'a\\b', 'a_b', 'z', '\uE000', '🎉']);
  });

  it('refuses case text core refuses (NUL, lone surrogates), as core\'s input validation does', async () => {
    const { call, data } = host();
    await expect(call('cases.create', { input: { customerId: 'c1', subject: 'a\u0000b' } })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT', message: expect.stringMatching(/^invalid input: subject: contains the control character U\+0000/),
    });
    const made = (await call('cases.create', { input: { customerId: 'c1', subject: 'ok\ttab 🎉' } })) as { id: string };
    await expect(call('cases.update', { id: made.id, input: { description: '\uDC00' } })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT', message: expect.stringMatching(/^invalid input: description: is not well-formed Unicode/),
    });
    expect((data.cases as Case[]).map((c) => [c.subject, c.description])).toEqual([['ok\ttab 🎉', null]]);
  });

  it('logs what core stores: refused characters replaced by U+FFFD', async () => {
    const fake = host([]);
    await fake.call('log', { level: 'info', message: 'cut\u0000here\ttab' });
    expect(fake.record.logs).toEqual([{ level: 'info', message: 'cut\uFFFDhere\ttab' }]);
  });
});
