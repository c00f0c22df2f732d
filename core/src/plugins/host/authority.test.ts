import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, outbox } from '../../db/tenant-schema.js';
import { createCase } from '../../domain/cases.js';
import { toGlobalId } from '../../lib/ids.js';
import { invocationCause, type InvocationCause } from './index.js';
import { hostFor, openTenants, PLUGIN_ID, refusal, seedCustomer, type Tenants } from './test-fixtures.js';

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
              callerRole: 'caller' in cause ? cause.caller?.role : null,
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
    // Widget renders and actions have no caller path yet: read-only until they do.
    expect(invocationCause({ kind: 'action', name: 'refresh' }, agent)).toEqual({ entry: 'field', caller: agent });
  });
});
