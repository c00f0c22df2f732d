/**
 * Postal addresses on customers and accounts over real HTTP: written by the create and update
 * mutations, normalised (trimmed, country in capitals, blank optional lines as null), cleared
 * with null, announced by customer.updated / account.updated naming `address` (so a plugin can
 * refresh what it derived, such as a geocode), and refused with BAD_USER_INPUT naming each bad
 * field, with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, dumpTenant, expectError, localOf, mutate } from './fixtures.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';

let tp: TestPlatform;
let t: Client & { tenantId: string };

beforeAll(async () => {
  tp = await startTestPlatform();
  t = await tp.tenant('addresses');
}, 60_000);
afterAll(() => tp?.close());

const ADDRESS = 'address { line1 line2 city region postalCode country }';
const paris = { line1: ' 10 Rue de Rivoli ', line2: '', city: 'Paris', region: null, postalCode: '75004', country: 'fr' };
const parisStored = { line1: '10 Rue de Rivoli', line2: null, city: 'Paris', region: null, postalCode: '75004', country: 'FR' };

async function read(type: 'customer' | 'account', id: string) {
  const res = await t.gql(`query($id: ID!) { ${type}(id: $id) { ${ADDRESS} } }`, { id });
  expect(res.errors).toBeUndefined();
  return (res.data as Record<string, { address: unknown }>)[type]!.address;
}

async function updateEvents(type: 'customer' | 'account', id: string) {
  const { client } = await tp.platform.tenants.get(t.tenantId);
  const rows = await client.execute({ sql: 'select payload from outbox where type = ? and subject_id = ? order by created_at', args: [`${type}.updated`, localOf(id)] });
  return rows.rows.map((r) => JSON.parse(String(r.payload)) as { fields: string[] });
}

describe('customers', () => {
  it('takes an address on create, normalised, and reads it back', async () => {
    const created = await create(t, 'createCustomer', { name: 'Camille', address: paris });
    expect(await read('customer', created.customer.id)).toEqual(parisStored);
    const none = await create(t, 'createCustomer', { name: 'No Address' });
    expect(await read('customer', none.customer.id)).toBeNull();
  });

  it('changes and clears it on update, each change announced by customer.updated naming address', async () => {
    const { customer } = await create(t, 'createCustomer', { name: 'Jonas' });
    const berlin = { line1: 'Unter den Linden 77', city: 'Berlin', postalCode: '10117', country: 'DE' };
    await create(t, 'updateCustomer', { id: customer.id, address: berlin });
    expect(await read('customer', customer.id)).toEqual({ ...berlin, line2: null, region: null });
    await create(t, 'updateCustomer', { id: customer.id, name: 'Jonas B.' });
    expect(await read('customer', customer.id)).toEqual({ ...berlin, line2: null, region: null });
    await create(t, 'updateCustomer', { id: customer.id, address: null });
    expect(await read('customer', customer.id)).toBeNull();
    expect((await updateEvents('customer', customer.id)).map((e) => e.fields)).toEqual([['address'], ['name'], ['address']]);
  });
});

describe('accounts', () => {
  it('takes an address on create and update, and clears it', async () => {
    const tokyo = { line1: '1-1 Marunouchi', line2: 'Floor 12', city: 'Chiyoda-ku, Tokyo', region: 'Tokyo', postalCode: '100-0005', country: 'JP' };
    const { account } = await create(t, 'createAccount', { name: 'Kaisha', address: tokyo });
    expect(await read('account', account.id)).toEqual(tokyo);
    const sao = { line1: 'Avenida Paulista 1578', city: 'São Paulo', region: 'SP', postalCode: '01310-200', country: 'br' };
    await create(t, 'updateAccount', { id: account.id, address: sao });
    expect(await read('account', account.id)).toEqual({ ...sao, line2: null, country: 'BR' });
    await create(t, 'updateAccount', { id: account.id, address: null });
    expect(await read('account', account.id)).toBeNull();
    expect((await updateEvents('account', account.id)).map((e) => e.fields)).toEqual([['address'], ['address']]);
  });
});

describe('bad addresses', () => {
  const good = { line1: '350 Fifth Avenue', city: 'New York', region: 'NY', postalCode: '10118', country: 'US' };
  it.each([
    [{ ...good, country: 'UK' }, 'address.country', /ISO 3166-1 alpha-2/],
    [{ ...good, country: 'XX' }, 'address.country', /ISO 3166-1 alpha-2/],
    [{ ...good, country: 'USA' }, 'address.country', /ISO 3166-1 alpha-2/],
    [{ ...good, line1: '   ' }, 'address.line1', /must not be empty/],
    [{ ...good, line1: 'x'.repeat(201) }, 'address.line1', /200/],
    [{ ...good, line2: 'Suite 1\nFloor 2' }, 'address.line2', /single line/],
    [{ ...good, city: 'x'.repeat(101) }, 'address.city', /100/],
    [{ ...good, region: 'x'.repeat(101) }, 'address.region', /100/],
    [{ ...good, postalCode: '10118#' }, 'address.postalCode', /letters, digits, spaces and hyphens/],
    [{ ...good, postalCode: '1'.repeat(17) }, 'address.postalCode', /16/],
    [{ ...good, city: 'New\u0000York' }, 'address.city', /control character/],
  ])('refuses %j at %s, on every mutation, writing nothing', async (address, path, why) => {
    const { customer } = await create(t, 'createCustomer', { name: 'Target' });
    const { account } = await create(t, 'createAccount', { name: 'Target Inc' });
    const before = await dumpTenant(tp, t.tenantId);
    for (const [name, input] of [
      ['createCustomer', { name: 'Bad', address }],
      ['updateCustomer', { id: customer.id, address }],
      ['createAccount', { name: 'Bad', address }],
      ['updateAccount', { id: account.id, address }],
    ] as const) {
      const res = await mutate(t, name, input);
      expectError(res, 'BAD_USER_INPUT', why);
      const issues = res.errors![0]!.extensions!.issues as Array<{ path: string[] }>;
      expect(issues.map((i) => i.path.join('.')), name).toContain(`input.${path}`);
    }
    expect(await dumpTenant(tp, t.tenantId)).toEqual(before);
  });

  it('refuses an address missing its required lines as GraphQL does', async () => {
    const res = await mutate(t, 'createCustomer', { name: 'Bad', address: { line1: 'x', country: 'FR' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(/city/);
  });
});
