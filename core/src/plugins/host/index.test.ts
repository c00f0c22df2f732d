import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, pluginStorage } from '../../db/tenant-schema.js';
import { createCase } from '../../domain/cases.js';
import type { TenantContext } from '../../tenancy/context.js';
import { toGlobalId } from '../../lib/ids.js';
import { ALL_SCOPES, hostFor, openTenants, refusal, seedCustomer, seedOrder, type Tenants } from './test-fixtures.js';

let tenants: Tenants;
let ids: { customer: string; order: string; case: string };

beforeAll(async () => {
  tenants = await openTenants();
  const customer = await seedCustomer(tenants.a);
  const order = await seedOrder(tenants.a, customer);
  const kase = await createCase(tenants.a, { customerId: customer.id, subject: 'Late parcel' });
  ids = { customer: toGlobalId('Customer', customer.id), order: toGlobalId('Order', order.id), case: toGlobalId('Case', kase.id) };
});
afterAll(() => tenants.close());

/** Each scoped capability, the scopes that allow it, and arguments that succeed. */
const MATRIX: Array<{ capability: string; allowedBy: string[]; args: () => unknown }> = [
  { capability: 'customers.get', allowedBy: ['customers:read'], args: () => ({ id: ids.customer }) },
  { capability: 'customers.list', allowedBy: ['customers:read'], args: () => ({ first: 5 }) },
  { capability: 'orders.get', allowedBy: ['orders:read'], args: () => ({ id: ids.order }) },
  { capability: 'orders.listByCustomer', allowedBy: ['orders:read'], args: () => ({ customerId: ids.customer }) },
  { capability: 'cases.get', allowedBy: ['cases:read', 'cases:write'], args: () => ({ id: ids.case }) },
  { capability: 'cases.create', allowedBy: ['cases:write'], args: () => ({ input: { customerId: ids.customer, subject: 'From a plugin' } }) },
  { capability: 'cases.update', allowedBy: ['cases:write'], args: () => ({ id: ids.case, input: { priority: 'HIGH' } }) },
  {
    capability: 'interactions.create',
    allowedBy: ['interactions:write'],
    args: () => ({ input: { customerId: ids.customer, channel: 'EMAIL', direction: 'OUTBOUND', body: 'From a plugin' } }),
  },
  { capability: 'storage.get', allowedBy: ['storage'], args: () => ({ key: 'k' }) },
  { capability: 'storage.getMany', allowedBy: ['storage'], args: () => ({ keys: ['k'] }) },
  { capability: 'storage.set', allowedBy: ['storage'], args: () => ({ key: 'k', value: { v: 1 } }) },
  { capability: 'storage.delete', allowedBy: ['storage'], args: () => ({ key: 'k' }) },
  { capability: 'storage.list', allowedBy: ['storage'], args: () => ({ prefix: 'k' }) },
];

describe('scope matrix', () => {
  for (const { capability, allowedBy, args } of MATRIX) {
    it(`${capability} is FORBIDDEN without ${allowedBy.join(' or ')}, and allowed by each`, async () => {
      const others = ALL_SCOPES.filter((s) => !allowedBy.includes(s));
      const error = await refusal(hostFor(tenants.a, { scopes: others }).host(capability, args()), 'FORBIDDEN');
      for (const scope of allowedBy) expect(error.message).toContain(`'${scope}'`);
      // Throws (failing the test) if refused.
      for (const scope of allowedBy) await hostFor(tenants.a, { scopes: [scope] }).host(capability, args());
    });
  }

  it('checks the scope before anything else: bad arguments still get FORBIDDEN, and nothing is written', async () => {
    const { host } = hostFor(tenants.b, { scopes: [] });
    for (const { capability } of MATRIX) await refusal(host(capability, { __proto__: null, junk: 'x'.repeat(10_000) }), 'FORBIDDEN');
    await refusal(host('cases.create', { input: { customerId: ids.customer, subject: 'x' } }), 'FORBIDDEN');
    await refusal(host('storage.set', { key: 'k', value: 1 }), 'FORBIDDEN');
    expect(await tenants.b.data.db.select().from(outbox)).toEqual([]);
    expect(await tenants.b.data.db.select().from(pluginStorage)).toEqual([]);
  });

  it('log and emit need no scope', async () => {
    const { host } = hostFor(tenants.b, { scopes: [] });
    await host('log', { level: 'info', message: 'hi' });
    await host('emit', { type: 'hello', payload: {} });
  });
});

describe('unknown capabilities', () => {
  it('answers UNKNOWN_CAPABILITY, including for names that live on Object.prototype', async () => {
    const { host } = hostFor(tenants.a);
    for (const name of ['customers.delete', 'tenants.list', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      const error = await refusal(host(name, {}), 'UNKNOWN_CAPABILITY');
      expect(error.message.length).toBeLessThan(200);
    }
    await refusal(host('x'.repeat(100_000), {}), 'UNKNOWN_CAPABILITY');
  });
});

describe('hostile arguments', () => {
  const polluted = (json: string): unknown => JSON.parse(json);
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = { d: deep };

  const HOSTILE: Array<[string, string, unknown]> = [
    ['null arguments', 'customers.get', null],
    ['a string for the arguments object', 'customers.get', 'Customer:1'],
    ['an array for the arguments object', 'customers.get', [{ id: 'x' }]],
    ['a number id', 'customers.get', { id: 5 }],
    ['an object id', 'customers.get', { id: { toString: 'x' } }],
    ['a 1 MB id', 'customers.get', { id: 'x'.repeat(1_000_000) }],
    ['an unknown key', 'customers.get', { id: 'x', extra: true }],
    ['a __proto__ key', 'customers.get', polluted('{"id": "x", "__proto__": {"polluted": true}}')],
    ['a fractional page size', 'customers.list', { first: 1.5 }],
    ['a string page size', 'customers.list', { first: '5' }],
    ['a negative page size', 'customers.list', { first: -1 }],
    ['an object cursor', 'customers.list', { after: {} }],
    ['a missing customer id', 'orders.listByCustomer', {}],
    ['a string input', 'cases.create', { input: 'subject' }],
    ['a __proto__ key in the input', 'cases.create', polluted('{"input": {"customerId": "x", "subject": "s", "__proto__": {"polluted": true}}}')],
    ['a field create does not take', 'cases.create', { input: { customerId: 'x', subject: 's', status: 'CLOSED' } }],
    ['a field update does not take', 'cases.update', { id: 'x', input: { customerId: 'x' } }],
    ['a nested __proto__ key in a value', 'storage.set', polluted('{"key": "k", "value": {"a": [{"__proto__": {"polluted": true}}]}}')],
    ['a value nested 100 000 deep', 'storage.set', { key: 'k', value: deep }],
    ['NaN', 'storage.set', { key: 'k', value: Number.NaN }],
    ['a Date', 'storage.set', { key: 'k', value: new Date() }],
    ['a number key', 'storage.set', { key: 7, value: 1 }],
    ['a null prefix', 'storage.list', { prefix: null }],
    ['a payload nested 100 000 deep', 'emit', { type: 'x', payload: deep }],
  ];

  it.each(HOSTILE)('%s → BAD_USER_INPUT from %s, with a bounded message', async (_, capability, args) => {
    const error = await refusal(hostFor(tenants.a).host(capability, args), 'BAD_USER_INPUT');
    expect(error.message.length).toBeLessThanOrEqual(1000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('host faults', () => {
  it('reach the sandbox without a code (so it logs and masks them), with the cause kept', async () => {
    const dbError = Object.assign(new Error('SQLITE_ERROR: no such table: customers_secret'), { code: 'SQLITE_ERROR' });
    const db = new Proxy(tenants.a.data.db, {
      get: () => {
        throw dbError;
      },
    });
    const broken: TenantContext = { ...tenants.a, data: { ...tenants.a.data, db } };
    const error = (await hostFor(broken).host('customers.get', { id: ids.customer }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: unknown }).code).toBeUndefined();
    expect(error.message).toBe('host capability customers.get failed');
    expect(error.cause).toBe(dbError);
  });

  it('a full disk or an unreachable database keeps its code, which says what a plugin may retry', async () => {
    const full = Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' });
    const write = () => Promise.reject(new Error('write failed', { cause: full }));
    const filled: TenantContext = { ...tenants.a, data: { ...tenants.a.data, write } as TenantContext['data'] };
    const refused = await refusal(hostFor(filled).host('storage.set', { key: 'k', value: 1 }), 'DATABASE_FULL');
    expect(refused.message).not.toContain('SQLITE');
    const gone = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' });
    const db = new Proxy(tenants.a.data.db, {
      get: () => {
        throw gone;
      },
    });
    const down: TenantContext = { ...tenants.a, data: { ...tenants.a.data, db } };
    await refusal(hostFor(down).host('customers.get', { id: ids.customer }), 'DATABASE_UNAVAILABLE');
  });
});

describe('reads shared by the widgets of one page render', () => {
  /** Tenant A's context, counting the selects its host calls build. */
  function counting() {
    const counter = { selects: 0 };
    const db = new Proxy(tenants.a.data.db, {
      get(target, key, receiver) {
        if (key === 'select') counter.selects++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const tenant: TenantContext = { ...tenants.a, data: { ...tenants.a.data, db } };
    return { tenant, counter };
  }

  it('answers a read with the same arguments once for every host function sharing it', async () => {
    const { tenant, counter } = counting();
    const sharedReads = new Map<string, Promise<unknown>>();
    const [a, b] = [hostFor(tenant, { sharedReads }), hostFor(tenant, { sharedReads })];
    const [first, second] = await Promise.all([a.host('customers.get', { id: ids.customer }), b.host('customers.get', { id: ids.customer })]);
    expect(first).toMatchObject({ id: ids.customer });
    expect(second).toBe(first);
    const afterOne = counter.selects;
    expect(afterOne).toBeGreaterThan(0);

    // Other arguments are another read.
    const [one, two] = await Promise.all([
      a.host('orders.listByCustomer', { customerId: ids.customer, first: 1 }),
      b.host('orders.listByCustomer', { customerId: ids.customer, first: 2 }),
    ]);
    expect(one).not.toBe(two);
    expect(counter.selects).toBeGreaterThan(afterOne);
    expect([...sharedReads.keys()].map((k) => k.split(' ', 1)[0])).toEqual(['customers.get', 'orders.listByCustomer', 'orders.listByCustomer']);
  });

  it('reads again without a shared map, and never shares plugin storage, which a render may write', async () => {
    const { tenant, counter } = counting();
    const [a, b] = [hostFor(tenant), hostFor(tenant)];
    const first = await a.host('customers.get', { id: ids.customer });
    const once = counter.selects;
    expect(await b.host('customers.get', { id: ids.customer })).not.toBe(first);
    expect(counter.selects).toBe(2 * once);

    const sharedReads = new Map<string, Promise<unknown>>();
    const [c, d] = [hostFor(tenant, { sharedReads }), hostFor(tenant, { sharedReads })];
    await d.host('storage.delete', { key: 'shared-render' });
    expect(await c.host('storage.get', { key: 'shared-render' })).toBeNull();
    await d.host('storage.set', { key: 'shared-render', value: 2 });
    expect(await c.host('storage.get', { key: 'shared-render' })).toBe(2);
    expect(sharedReads.size).toBe(0);
  });

  it('a refused read is refused for each sharer alike', async () => {
    const sharedReads = new Map<string, Promise<unknown>>();
    const [a, b] = [hostFor(tenants.a, { sharedReads }), hostFor(tenants.a, { sharedReads })];
    const args = { id: 'x'.repeat(5_000) };
    await refusal(a.host('customers.get', args), 'BAD_USER_INPUT');
    await refusal(b.host('customers.get', args), 'BAD_USER_INPUT');
  });
});
