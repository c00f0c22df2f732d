import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, outbox } from '../../db/tenant-schema.js';
import { createCase } from '../../domain/cases.js';
import { toGlobalId } from '../../lib/ids.js';
import { invocationCause, type InvocationCause } from './index.js';
import { hostFor, openTenants, PLUGIN_ID, refusal, seedCustomer, seedOrder, type Tenants } from './test-fixtures.js';

let tenants: Tenants;
let ids: { customer: string; case: string };

beforeAll(async () => {
  tenants = await openTenants();
  const customer = await seedCustomer(tenants.a);
  const kase = await createCase(tenants.a, { customerId: customer.id, subject: 'Late parcel' });
  ids = { customer: toGlobalId('Customer', customer.id), case: toGlobalId('Case', kase.id) };
});
afterAll(() => tenants.close());

const WRITES = [
  { capability: 'cases.create', args: () => ({ input: { customerId: ids.customer, subject: 'From a plugin' } }) },
  { capability: 'cases.update', args: () => ({ id: ids.case, input: { priority: 'HIGH' } }) },
  { capability: 'emit', args: () => ({ type: 'noted', payload: { n: 1 } }) },
] as const;

const admin = { actor: 'key-admin', role: 'admin' } as const;
const agent = { actor: 'key-agent', role: 'agent' } as const;
const integrator = { actor: 'key-ro', role: 'integrator' } as const;

/** Every cause, and whether it may write tenant data. */
const CAUSES: Array<{ name: string; cause: InvocationCause; writes: boolean }> = [
  { name: 'a field resolver called by an admin', cause: { entry: 'field', caller: admin }, writes: false },
  { name: 'a field resolver called by an agent', cause: { entry: 'field', caller: agent }, writes: false },
  { name: 'a field resolver called by an integrator', cause: { entry: 'field', caller: integrator }, writes: false },
  { name: 'a plugin mutation called by an admin', cause: { entry: 'mutation', caller: admin }, writes: true },
  { name: 'a plugin mutation called by an agent', cause: { entry: 'mutation', caller: agent }, writes: true },
  { name: 'a plugin mutation called by an integrator', cause: { entry: 'mutation', caller: integrator }, writes: false },
  { name: 'a plugin mutation without a caller', cause: { entry: 'mutation', caller: null }, writes: false },
  { name: 'an event handler', cause: { entry: 'event' }, writes: true },
  { name: 'a webhook handler', cause: { entry: 'webhook' }, writes: true },
];

const counts = async () => ({
  cases: (await tenants.a.data.db.select().from(cases)).length,
  events: (await tenants.a.data.db.select().from(outbox)).length,
});

describe('what an invocation may write', () => {
  for (const { name, cause, writes } of CAUSES) {
    it(`${name}: writes ${writes ? 'allowed and audited' : 'FORBIDDEN, nothing written'}; storage always allowed`, async () => {
      const { host, audits } = hostFor(tenants.a, { cause });
      for (const { capability, args } of WRITES) {
        const before = await counts();
        if (writes) {
          await host(capability, args());
          expect(audits.at(-1)).toMatchObject({
            tenantId: tenants.a.tenantId,
            actor: `plugin:${PLUGIN_ID}`,
            action: `plugin.${capability}`,
            detail: {
              installationId: `inst-${PLUGIN_ID}`,
              entry: cause.entry,
              onBehalfOf: 'caller' in cause ? cause.caller?.actor : null,
              callerRole: 'caller' in cause && cause.caller?.kind !== 'customer' ? cause.caller?.role : null,
            },
          });
        } else {
          const error = await refusal(host(capability, args()), 'FORBIDDEN');
          expect(error.message).toMatch(new RegExp(`^${capability.replace('.', '\\.')} was refused: `));
          expect(await counts()).toEqual(before);
        }
      }
      expect(audits).toHaveLength(writes ? WRITES.length : 0);
      await host('storage.set', { key: `cache:${name}`, value: 1 });
      expect(await host('storage.get', { key: `cache:${name}` })).toBe(1);
      expect(await host('storage.getMany', { keys: [`cache:${name}`, 'absent'] })).toEqual([1, null]);
    });
  }

  it('records the case and the event type as the audit target', async () => {
    const { host, audits } = hostFor(tenants.a, { cause: { entry: 'mutation', caller: agent } });
    const created = (await host('cases.create', { input: { customerId: ids.customer, subject: 'Audited' } })) as { id: string };
    await host('emit', { type: 'audited' });
    expect(audits.map((a) => a.target)).toEqual([created.id, `plugin.${PLUGIN_ID}.audited`]);
  });

  it('checks the scope first, then the entry point, then the arguments', async () => {
    const field: InvocationCause = { entry: 'field', caller: admin };
    const unscoped = await refusal(hostFor(tenants.a, { cause: field, scopes: [] }).host('cases.create', { junk: 1 }), 'FORBIDDEN');
    expect(unscoped.message).toContain("'cases:write' scope");
    const readOnly = await refusal(hostFor(tenants.a, { cause: field }).host('cases.create', { junk: 1 }), 'FORBIDDEN');
    expect(readOnly.message).toContain('read-only');
    await refusal(hostFor(tenants.a, { cause: field }).host('emit', { type: '..' }), 'FORBIDDEN');
  });
});

describe('invocationCause', () => {
  it('derives the cause from the entry point: Mutation fields write, other fields read, handlers act alone', () => {
    expect(invocationCause({ kind: 'resolver', type: 'Query', field: 'acme_x' }, agent)).toEqual({ entry: 'field', caller: agent });
    expect(invocationCause({ kind: 'resolver', type: 'Customer', field: 'acme_x' }, agent)).toEqual({ entry: 'field', caller: agent });
    expect(invocationCause({ kind: 'resolver', type: 'Acme_X_Result', field: 'y' }, agent)).toEqual({ entry: 'field', caller: agent });
    expect(invocationCause({ kind: 'resolver', type: 'Mutation', field: 'acme_x' }, agent)).toEqual({ entry: 'mutation', caller: agent });
    expect(invocationCause({ kind: 'event', type: 'case.created' }, null)).toEqual({ entry: 'event' });
    expect(invocationCause({ kind: 'webhook', name: 'ping' }, null)).toEqual({ entry: 'webhook' });
    // A widget render reads for its viewer; a pressed button writes with the presser's rights.
    expect(invocationCause({ kind: 'widget', id: 'status' }, agent)).toEqual({ entry: 'field', caller: agent });
    expect(invocationCause({ kind: 'action', name: 'refresh' }, agent)).toEqual({ entry: 'mutation', caller: agent });
  });
});

describe('a portal customer as caller', () => {
  // Ada is the viewer; Bob is another customer of the same tenant, with an order and a case.
  let own: { customer: string; order: string; case: string };
  let other: { customer: string; order: string; case: string };
  let viewer: { kind: 'customer'; actor: string; customerId: string };

  beforeAll(async () => {
    const seed = async (name: string) => {
      const customer = await seedCustomer(tenants.a, name);
      const order = await seedOrder(tenants.a, customer);
      const kase = await createCase(tenants.a, { customerId: customer.id, subject: `${name}'s case` });
      return { local: customer.id, ids: { customer: toGlobalId('Customer', customer.id), order: toGlobalId('Order', order.id), case: toGlobalId('Case', kase.id) } };
    };
    const ada = await seed('Ada Portal');
    own = ada.ids;
    other = (await seed('Bob Other')).ids;
    viewer = { kind: 'customer', actor: 'portal:ada', customerId: ada.local };
  });

  it('reads their own records, and another customer\'s answer exactly like missing ones', async () => {
    const { host } = hostFor(tenants.a, { cause: { entry: 'field', caller: viewer } });
    expect(await host('customers.get', { id: own.customer })).toMatchObject({ id: own.customer });
    expect(await host('orders.get', { id: own.order })).toMatchObject({ id: own.order });
    expect(await host('cases.get', { id: own.case })).toMatchObject({ id: own.case });
    expect(await host('customers.get', { id: other.customer })).toBeNull();
    expect(await host('orders.get', { id: other.order })).toBeNull();
    expect(await host('cases.get', { id: other.case })).toBeNull();
    const missing = toGlobalId('Customer', 'no-such-customer');
    expect(await host('orders.listByCustomer', { customerId: other.customer })).toEqual(await host('orders.listByCustomer', { customerId: missing }));
    expect(await host('orders.listByCustomer', { customerId: own.customer })).toMatchObject({ nodes: [{ id: own.order }] });
    // Listing customers shows the viewer alone, though the tenant has several.
    const listed = (await host('customers.list', {})) as { nodes: Array<{ id: string }> };
    expect(listed.nodes.map((c) => c.id)).toEqual([own.customer]);
    // Staff see everyone through the same calls.
    const staff = hostFor(tenants.a, { cause: { entry: 'field', caller: agent } }).host;
    expect(await staff('customers.get', { id: other.customer })).toMatchObject({ id: other.customer });
  });

  it('writes what concerns their own records only; about anyone else NOT_FOUND, and no emits', async () => {
    const { host, audits } = hostFor(tenants.a, { cause: { entry: 'mutation', caller: viewer } });
    const before = await counts();
    await refusal(host('cases.create', { input: { customerId: other.customer, subject: 'Not mine' } }), 'NOT_FOUND');
    await refusal(host('cases.update', { id: other.case, input: { priority: 'HIGH' } }), 'NOT_FOUND');
    await refusal(host('interactions.create', { input: { customerId: other.customer, channel: 'NOTE', direction: 'INBOUND', body: 'x' } }), 'NOT_FOUND');
    await refusal(host('interactions.create', { input: { customerId: own.customer, caseId: other.case, channel: 'NOTE', direction: 'INBOUND', body: 'x' } }), 'NOT_FOUND');
    await refusal(host('emit', { type: 'noted' }), 'FORBIDDEN');
    expect(await counts()).toEqual(before);
    expect(audits).toHaveLength(0);
    await host('cases.update', { id: own.case, input: { priority: 'HIGH' } });
    expect(audits.at(-1)).toMatchObject({ action: 'plugin.cases.update', detail: { entry: 'mutation', onBehalfOf: 'portal:ada', callerRole: 'customer' } });
  });
});
