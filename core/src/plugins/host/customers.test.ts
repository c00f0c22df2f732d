import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../domain/customers.js';
import { toGlobalId } from '../../lib/ids.js';
import { hostFor, openTenants, seedCustomer, type Tenants } from './test-fixtures.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let tenants: Tenants;
let ada: Customer;

beforeAll(async () => {
  tenants = await openTenants();
  ada = await seedCustomer(tenants.a, 'Ada Lovelace');
  await seedCustomer(tenants.a, 'Grace Hopper');
  await seedCustomer(tenants.a, 'Edsger Dijkstra');
});
afterAll(() => tenants.close());

describe('customers.get', () => {
  it('returns the SDL shape: global ids, references as { id }, ISO dates, identities', async () => {
    const { host } = hostFor(tenants.a);
    const customer = await host('customers.get', { id: toGlobalId('Customer', ada.id) });
    expect(customer).toStrictEqual({
      id: toGlobalId('Customer', ada.id),
      name: 'Ada Lovelace',
      email: 'ada.lovelace@example.com',
      phone: ada.phone,
      status: 'ACTIVE',
      account: { id: toGlobalId('Account', ada.accountId!) },
      address: null,
      mergedInto: null,
      identities: expect.arrayContaining([
        { kind: 'EMAIL', value: 'ada.lovelace@example.com', provider: null, verified: false },
        // The identity holds the number in E.164; the contact field keeps it as written.
        { kind: 'PHONE', value: ada.phone!.replaceAll(' ', ''), provider: null, verified: false },
        { kind: 'SOCIAL', value: '@ada.lovelace', provider: 'mastodon', verified: false },
      ]),
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
    });
    // A plain copy: what crosses the bridge as JSON is exactly what was returned.
    expect(JSON.parse(JSON.stringify(customer))).toStrictEqual(customer);
  });

  it('answers null for an unknown id, an id of another type and a malformed id', async () => {
    const { host } = hostFor(tenants.a);
    expect(await host('customers.get', { id: toGlobalId('Customer', '0190f5a4-0000-7000-8000-000000000000') })).toBeNull();
    expect(await host('customers.get', { id: toGlobalId('Order', ada.id) })).toBeNull();
    expect(await host('customers.get', { id: 'not-a-global-id' })).toBeNull();
    expect(await host('customers.get', { id: ada.id })).toBeNull();
  });

  it("answers null in tenant B for tenant A's customer", async () => {
    const { host } = hostFor(tenants.b);
    expect(await host('customers.get', { id: toGlobalId('Customer', ada.id) })).toBeNull();
  });
});

describe('customers.list', () => {
  it('pages newest first with first/after and maps every node', async () => {
    const { host } = hostFor(tenants.a);
    const first = (await host('customers.list', { first: 2 })) as { nodes: { name: string; id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(first.nodes.map((c) => c.name)).toEqual(['Edsger Dijkstra', 'Grace Hopper']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = (await host('customers.list', { first: 2, after: first.pageInfo.endCursor })) as typeof first;
    expect(rest.nodes).toHaveLength(1);
    expect(rest.nodes[0]).toMatchObject({ id: toGlobalId('Customer', ada.id), identities: expect.any(Array) });
    expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
  });

  it('defaults the page size and lists nothing of another tenant', async () => {
    const { host } = hostFor(tenants.b);
    expect(await host('customers.list', {})).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('refuses a page size above the maximum and a cursor it did not issue', async () => {
    const { host } = hostFor(tenants.a);
    await expect(host('customers.list', { first: 101 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(host('customers.list', { after: 'bogus' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
