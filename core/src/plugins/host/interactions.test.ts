import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactions, outbox } from '../../db/tenant-schema.js';
import { createCase } from '../../domain/cases.js';
import type { Customer } from '../../domain/customers.js';
import { localId, toGlobalId } from '../../lib/ids.js';
import type { TenantContext } from '../../tenancy/context.js';
import { ALL_SCOPES, hostFor, openTenants, PLUGIN_ID, refusal, seedCustomer, type Tenants } from './test-fixtures.js';

let tenants: Tenants;
let ada: Customer;
let grace: Customer;

beforeAll(async () => {
  tenants = await openTenants();
  ada = await seedCustomer(tenants.a);
  grace = await seedCustomer(tenants.a, 'Grace Hopper');
});
afterAll(() => tenants.close());

const note = (customer: Customer, extra: Record<string, unknown> = {}) => ({
  input: { customerId: toGlobalId('Customer', customer.id), channel: 'EMAIL', direction: 'OUTBOUND', subject: ' Parcel delayed ', body: 'Two more days.', ...extra },
});
const rows = (tenant: TenantContext) => tenant.data.db.select().from(interactions);
const eventsOf = (tenant: TenantContext, subjectId: string) => tenant.data.db.select().from(outbox).where(eq(outbox.subjectId, subjectId));

describe('interactions.create', () => {
  it('writes through the domain as the plugin: SDL interaction back, an attributed event, an audit row', async () => {
    const { host, audits } = hostFor(tenants.a);
    const occurredAt = '2024-05-01T12:00:00.000Z';
    const created = (await host('interactions.create', note(ada, { occurredAt }))) as { id: string };
    expect(created).toStrictEqual({
      id: expect.any(String),
      channel: 'EMAIL',
      direction: 'OUTBOUND',
      subject: 'Parcel delayed',
      body: 'Two more days.',
      customer: { id: toGlobalId('Customer', ada.id) },
      case: null,
      agent: null,
      occurredAt,
    });
    const id = localId('Interaction', created.id);
    const [row] = await tenants.a.data.db.select().from(interactions).where(eq(interactions.id, id));
    expect(row).toMatchObject({ sourceInstallationId: `inst-${PLUGIN_ID}`, idempotencyKey: null, agentId: null });
    const events = await eventsOf(tenants.a, id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'interaction.added', actor: `plugin:${PLUGIN_ID}`, payload: { customerId: ada.id, caseId: null, channel: 'EMAIL' } });
    expect(audits).toEqual([expect.objectContaining({ action: 'plugin.interactions.create', target: created.id, actor: `plugin:${PLUGIN_ID}` })]);
  });

  it('writes once per idempotency key of the installation: a second call returns the first interaction, with no event', async () => {
    const before = (await rows(tenants.a)).length;
    const first = (await hostFor(tenants.a).host('interactions.create', note(ada, { idempotencyKey: 'delay:o1' }))) as { id: string };
    // The handler runs again (a new invocation), even with another body: the first write stands.
    const again = await hostFor(tenants.a).host('interactions.create', note(ada, { idempotencyKey: 'delay:o1', body: 'changed' }));
    expect(again).toStrictEqual(first);
    expect((await rows(tenants.a)).length).toBe(before + 1);
    expect(await eventsOf(tenants.a, localId('Interaction', first.id))).toHaveLength(1);
    // The key belongs to the installation: another one writes its own.
    const other = (await hostFor(tenants.a, { pluginId: 'acme.other' }).host('interactions.create', note(ada, { idempotencyKey: 'delay:o1' }))) as { id: string };
    expect(other.id).not.toBe(first.id);
    expect((await rows(tenants.a)).length).toBe(before + 2);
  });

  it('validates exactly as the domain does (and the key), writing nothing when it refuses', async () => {
    const { host, audits } = hostFor(tenants.a);
    const before = await rows(tenants.a);
    const kase = await createCase(tenants.a, { customerId: grace.id, subject: 'Refund' });
    const refused: Array<[Record<string, unknown>, 'BAD_USER_INPUT' | 'NOT_FOUND']> = [
      [note(ada, { channel: 'PIGEON' }), 'BAD_USER_INPUT'],
      [note(ada, { body: '' }), 'BAD_USER_INPUT'],
      [note(ada, { body: 'x'.repeat(100_001) }), 'BAD_USER_INPUT'],
      [note(ada, { subject: 'x'.repeat(301) }), 'BAD_USER_INPUT'],
      [note(ada, { body: 'a\u0000b' }), 'BAD_USER_INPUT'],
      [note(ada, { occurredAt: 'yesterday' }), 'BAD_USER_INPUT'],
      [note(ada, { idempotencyKey: 'k'.repeat(201) }), 'BAD_USER_INPUT'],
      [note(ada, { idempotencyKey: 'a\nb' }), 'BAD_USER_INPUT'],
      [note(ada, { idempotencyKey: '' }), 'BAD_USER_INPUT'],
      // The plugin is the author: it cannot name an agent.
      [note(ada, { agentId: 'x' }), 'BAD_USER_INPUT'],
      [note(ada, { caseId: toGlobalId('Case', kase.id) }), 'BAD_USER_INPUT'],
      [note(ada, { caseId: toGlobalId('Case', ada.id) }), 'NOT_FOUND'],
      [{ input: { ...note(ada).input, customerId: toGlobalId('Queue', ada.id) } }, 'NOT_FOUND'],
    ];
    for (const [args, code] of refused) await refusal(host('interactions.create', args), code);
    expect(await rows(tenants.a)).toEqual(before);
    expect(audits).toEqual([]);
    await host('interactions.create', note(ada, { idempotencyKey: 'k'.repeat(200) }));
  });

  it("refuses tenant A's customer in tenant B with NOT_FOUND", async () => {
    const error = await refusal(hostFor(tenants.b).host('interactions.create', note(ada)), 'NOT_FOUND');
    expect(error.message).toBe('Customer not found');
    expect(await rows(tenants.b)).toEqual([]);
  });

  it('needs interactions:write, and an entry point and caller that may write', async () => {
    const before = await rows(tenants.a);
    const unscoped = hostFor(tenants.a, { scopes: ALL_SCOPES.filter((s) => s !== 'interactions:write') });
    const missing = await refusal(unscoped.host('interactions.create', note(ada)), 'FORBIDDEN');
    expect(missing.message).toContain("'interactions:write' scope");
    const field = hostFor(tenants.a, { cause: { entry: 'field', caller: { actor: 'key-admin', role: 'admin' } } });
    expect((await refusal(field.host('interactions.create', note(ada)), 'FORBIDDEN')).message).toMatch(/^interactions\.create was refused: Query and object-type field resolvers are read-only/);
    const integrator = hostFor(tenants.a, { cause: { entry: 'mutation', caller: { actor: 'key-ro', role: 'integrator' } } });
    expect((await refusal(integrator.host('interactions.create', note(ada)), 'FORBIDDEN')).message).toContain('read-only');
    expect(await rows(tenants.a)).toEqual(before);
    expect([...unscoped.audits, ...field.audits, ...integrator.audits]).toEqual([]);
  });
});
