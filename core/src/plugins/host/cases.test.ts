import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, outbox } from '../../db/tenant-schema.js';
import { createAgent, createQueue } from '../../domain/agents.js';
import type { Customer } from '../../domain/customers.js';
import { localId, toGlobalId } from '../../lib/ids.js';
import type { TenantContext } from '../../tenancy/context.js';
import { hostFor, openTenants, PLUGIN_ID, refusal, seedCustomer, type Tenants } from './test-fixtures.js';

let tenants: Tenants;
let ada: Customer;
let queueId: string;
let agentId: string;

beforeAll(async () => {
  tenants = await openTenants();
  ada = await seedCustomer(tenants.a);
  queueId = (await createQueue(tenants.a, { name: 'Billing' })).id;
  agentId = (await createAgent(tenants.a, { name: 'Alan', email: 'alan@example.com' })).id;
});
afterAll(() => tenants.close());

const eventsOf = (tenant: TenantContext, subjectId: string) =>
  tenant.data.db.select().from(outbox).where(eq(outbox.subjectId, subjectId));

describe('cases.create', () => {
  it('creates through the domain: SDL case back, and an outbox event naming the plugin as actor', async () => {
    const { host } = hostFor(tenants.a);
    const created = (await host('cases.create', {
      input: {
        customerId: toGlobalId('Customer', ada.id),
        subject: '  Keyboard arrived broken ',
        priority: 'HIGH',
        channel: 'EMAIL',
        queueId: toGlobalId('Queue', queueId),
      },
    })) as Record<string, unknown>;
    expect(created).toStrictEqual({
      id: expect.any(String),
      number: expect.any(Number),
      subject: 'Keyboard arrived broken',
      description: null,
      status: 'NEW',
      priority: 'HIGH',
      channel: 'EMAIL',
      customer: { id: toGlobalId('Customer', ada.id) },
      queue: { id: toGlobalId('Queue', queueId) },
      assignee: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id = localId('Case', created.id as string);
    const events = await eventsOf(tenants.a, id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'case.created',
      actor: `plugin:${PLUGIN_ID}`,
      payload: { number: created.number, customerId: ada.id, priority: 'HIGH' },
    });
  });

  it('validates exactly as the domain does, and writes nothing when it refuses', async () => {
    const { host } = hostFor(tenants.a);
    const before = await tenants.a.data.db.select().from(cases);
    const customerId = toGlobalId('Customer', ada.id);
    await refusal(host('cases.create', { input: { customerId, subject: '   ' } }), 'BAD_USER_INPUT');
    await refusal(host('cases.create', { input: { customerId, subject: 'x', priority: 'high' } }), 'BAD_USER_INPUT');
    await refusal(host('cases.create', { input: { customerId, subject: 'x'.repeat(100_000) } }), 'BAD_USER_INPUT');
    await refusal(host('cases.create', { input: { customerId: toGlobalId('Queue', ada.id), subject: 'x' } }), 'NOT_FOUND');
    await refusal(host('cases.create', { input: { customerId, subject: 'x', assigneeId: 'nope' } }), 'NOT_FOUND');
    expect(await tenants.a.data.db.select().from(cases)).toEqual(before);
  });

  it("refuses tenant A's customer in tenant B with NOT_FOUND", async () => {
    const { host } = hostFor(tenants.b);
    const error = await refusal(host('cases.create', { input: { customerId: toGlobalId('Customer', ada.id), subject: 'x' } }), 'NOT_FOUND');
    expect(error.message).toBe('Customer not found');
    expect(await tenants.b.data.db.select().from(outbox)).toEqual([]);
  });

  it('never with more rights than its caller: a plugin mutation called with a read-only key is FORBIDDEN', async () => {
    const integrator: TenantContext = { ...tenants.a, role: 'integrator', actor: 'key-ro' };
    const { host, audits } = hostFor(integrator, { cause: { entry: 'mutation', caller: { actor: 'key-ro', role: 'integrator' } } });
    const before = await tenants.a.data.db.select().from(cases);
    const error = await refusal(host('cases.create', { input: { customerId: toGlobalId('Customer', ada.id), subject: 'Hello' } }), 'FORBIDDEN');
    expect(error.message).toContain('read-only');
    expect(await tenants.a.data.db.select().from(cases)).toEqual(before);
    expect(audits).toEqual([]);
  });
});

describe('cases.update and cases.get', () => {
  it('updates through the domain with an attributed event, and reads back the change', async () => {
    const { host } = hostFor(tenants.a);
    const created = (await host('cases.create', { input: { customerId: toGlobalId('Customer', ada.id), subject: 'Refund' } })) as { id: string };
    const updated = await host('cases.update', {
      id: created.id,
      input: { status: 'OPEN', assigneeId: toGlobalId('Agent', agentId), description: 'customer called twice' },
    });
    expect(updated).toMatchObject({ id: created.id, status: 'OPEN', assignee: { id: toGlobalId('Agent', agentId) }, description: 'customer called twice' });
    const events = await eventsOf(tenants.a, localId('Case', created.id));
    expect(events.map((e) => e.type).sort()).toEqual(['case.created', 'case.updated']);
    expect(events.every((e) => e.actor === `plugin:${PLUGIN_ID}`)).toBe(true);

    const reader = hostFor(tenants.a, { scopes: ['cases:read'] }).host;
    expect(await reader('cases.get', { id: created.id })).toStrictEqual(updated);
  });

  it('refuses an empty change, an unknown case and a foreign case', async () => {
    const { host } = hostFor(tenants.a);
    const created = (await host('cases.create', { input: { customerId: toGlobalId('Customer', ada.id), subject: 'Refund' } })) as { id: string };
    await refusal(host('cases.update', { id: created.id, input: {} }), 'BAD_USER_INPUT');
    await refusal(host('cases.update', { id: toGlobalId('Case', ada.id), input: { status: 'OPEN' } }), 'NOT_FOUND');
    await refusal(hostFor(tenants.b).host('cases.update', { id: created.id, input: { status: 'OPEN' } }), 'NOT_FOUND');
    expect(await hostFor(tenants.b).host('cases.get', { id: created.id })).toBeNull();
    expect(await host('cases.get', { id: 'garbage' })).toBeNull();
  });
});
