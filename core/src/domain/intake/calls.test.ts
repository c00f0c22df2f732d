import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDatabases, type TenantDb } from '../../db/tenant-db.js';
import { interactions, outbox } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { toGlobalId } from '../../lib/ids.js';
import { publicIds } from '../../plugins/events/public-ids.js';
import { SecretVault } from '../../plugins/installer/vault.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createCustomer } from '../customers.js';
import { liveEvents, type LiveEvent } from '../live-events.js';
import { addCallNotes, requestDial } from './calls.js';
import { createChannel, type Channel } from './channels.js';
import { parseCallEvent } from './payloads.js';
import { receiveMessage, type IntakeTenant } from './receive.js';

let dir: string;
let data: TenantDb;
let admin: TenantContext;
let tenant: IntakeTenant;
let phone: Channel;
const vault = new SecretVault(randomBytes(32));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-calls-'));
  const databases = new TenantDatabases({ kind: 'embedded', dataDir: dir });
  const tenantId = '44444444-4444-4444-8444-444444444444';
  data = await databases.provision(tenantId);
  admin = { tenantId, tenantSlug: 'calls', role: 'admin', actor: 'system', data };
  tenant = { tenantId, data };
  const { channel } = await createChannel(admin, vault, { kind: 'PHONE', name: 'PBX' });
  phone = (await data.db.query.channels.findFirst({ where: (c, { eq: is }) => is(c.id, channel.id) }))!;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cti = (event: string, callId: string, from: string, extra: Record<string, unknown> = {}) =>
  parseCallEvent({ event, callId, from, to: '+4930999000', direction: 'in', ...extra });

const codeOf = (p: Promise<unknown>) => p.then(() => 'OK', (e: unknown) => (e instanceof AppError ? e.code : String(e)));

describe('call live events', () => {
  it('announce each event of a call after its commit: the known caller by name, the answering agent, a new caller by number only', async () => {
    const ada = await createCustomer(admin, { name: 'Ada Lovelace', phone: '+44 20 7946 0001' });
    const live = liveEvents.subscribe(tenant.tenantId, (e) => e.type.startsWith('call.'));
    const ring = await receiveMessage(tenant, phone, cti('newCall', 'c-1', '+442079460001'));
    await receiveMessage(tenant, phone, cti('answer', 'c-1', '+442079460001', { user: 'Abe Agent' }));
    await receiveMessage(tenant, phone, cti('answer', 'c-1', '+442079460001', { user: 'Abe Agent' })); // redelivery: nothing
    await receiveMessage(tenant, phone, cti('hangup', 'c-1', '+442079460001', { cause: 'normalClearing' }));
    const stranger = await receiveMessage(tenant, phone, cti('newCall', 'c-2', '+4915112345678'));
    await receiveMessage(tenant, phone, cti('hangup', 'c-2', '+4915112345678'));
    const heard: LiveEvent[] = [];
    for (let i = 0; i < 5; i++) heard.push((await live.next()).value!);
    await live.return();
    const calls = heard.map((e) => (e.type.startsWith('call.') && 'call' in e ? { type: e.type, customerId: e.customerId, tenantId: e.tenantId, ...e.call } : null));
    expect(calls.map((c) => [c?.type, c?.callId, c?.customerName, c?.agents])).toEqual([
      ['call.ringing', 'c-1', 'Ada Lovelace', []],
      ['call.answered', 'c-1', 'Ada Lovelace', ['Abe Agent']],
      ['call.ended', 'c-1', 'Ada Lovelace', []],
      ['call.ringing', 'c-2', null, []],
      ['call.ended', 'c-2', null, []],
    ]);
    expect(calls[0]).toMatchObject({
      tenantId: tenant.tenantId, customerId: ada.id, interactionId: ring.interactionId, caseId: ring.caseId,
      direction: 'INBOUND', from: '+442079460001', to: '+4930999000',
    });
    expect(calls[3]!.customerId).toBe(stranger.customerId);
    expect(calls[3]!.customerId).not.toBe(ada.id);
  });
});

describe('call notes', () => {
  it('go on the timeline as an interaction on the call’s case; another customer’s call or empty notes write nothing', async () => {
    const bea = await createCustomer(admin, { name: 'Bea', phone: '+4930111222' });
    const call = await receiveMessage(tenant, phone, cti('newCall', 'c-3', '+4930111222'));
    const note = await addCallNotes(admin, { customerId: bea.id, callInteractionId: call.interactionId, body: '  Wants a refund.  ', subject: 'Call notes' });
    expect(note).toMatchObject({ customerId: bea.id, caseId: call.caseId, channel: 'PHONE', body: 'Wants a refund.', subject: 'Call notes' });
    const other = await createCustomer(admin, { name: 'Cid' });
    const before = (await data.db.select().from(interactions)).length;
    expect(await codeOf(addCallNotes(admin, { customerId: other.id, callInteractionId: call.interactionId, body: 'x' }))).toBe('NOT_FOUND');
    expect(await codeOf(addCallNotes(admin, { customerId: bea.id, callInteractionId: call.interactionId, body: '   ' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(addCallNotes(admin, { customerId: bea.id, callInteractionId: call.interactionId, body: 'x'.repeat(10_001) }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(addCallNotes({ ...admin, role: 'integrator' }, { customerId: bea.id, callInteractionId: call.interactionId, body: 'x' }))).toBe('FORBIDDEN');
    expect((await data.db.select().from(interactions)).length).toBe(before);
  });
});

describe('click-to-dial', () => {
  it('emits one call.dial with the number in E.164, only for one of the customer’s numbers', async () => {
    const dora = await createCustomer(admin, { name: 'Dora', phone: '+49 30 555 0101' });
    const dials = async () => (await data.db.select().from(outbox).where(eq(outbox.type, 'call.dial'))).length;
    const before = await dials();
    const request = await requestDial({ ...admin, agentId: null }, { customerId: dora.id, number: '+49 30 555 0101' });
    expect(request).toEqual({ customerId: dora.id, agentId: null, number: '+49305550101' });
    const [event] = await data.db.select().from(outbox).where(eq(outbox.type, 'call.dial'));
    expect(event).toMatchObject({ subjectId: dora.id, payload: { customerId: dora.id, number: '+49305550101', agentId: null } });
    // Plugins subscribed to call.dial see the API's ids.
    expect(publicIds('call.dial', event!.subjectId, event!.payload as Record<string, unknown>)).toEqual({
      subjectId: toGlobalId('Customer', dora.id), payload: { customerId: toGlobalId('Customer', dora.id), number: '+49305550101', agentId: null },
    });
    expect(await codeOf(requestDial(admin, { customerId: dora.id, number: '+49 30 555 0199' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(requestDial(admin, { customerId: dora.id, number: 'call me' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(requestDial(admin, { customerId: '0190f0f0-0000-7000-8000-000000000000', number: '+49305550101' }))).toBe('NOT_FOUND');
    expect(await dials()).toBe(before + 1);
  });
});
