import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDatabases, type TenantDb } from '../../db/tenant-db.js';
import { cases, channelMessages, customers, identities, interactions, outbox } from '../../db/tenant-schema.js';
import { SecretVault } from '../../plugins/installer/vault.js';
import type { TenantContext } from '../../tenancy/context.js';
import { updateCase } from '../cases.js';
import { createCustomer, customerIdentities, mergeCustomers } from '../customers.js';
import { countRows } from '../rows.js';
import { liveEvents } from '../live-events.js';
import { customerTimeline } from '../timeline.js';
import { createChannel, type Channel } from './channels.js';
import { e164 } from '../phone-numbers.js';
import { ingestInteractions } from './ingest.js';
import { replyOnChannel } from './outbound.js';
import { parseCallEvent, parseEmail, parseSms, parseSocial } from './payloads.js';
import { receivePortalSubmission } from './portal.js';
import { receiveMessage, type IntakeTenant } from './receive.js';

let dir: string;
let data: TenantDb;
let admin: TenantContext;
let tenant: IntakeTenant;
const vault = new SecretVault(randomBytes(32));

const count = (table: SQLiteTable) => countRows(data.db, table, undefined);

async function channel(kind: Channel['kind'], region?: string): Promise<Channel> {
  const { channel } = await createChannel(admin, vault, { kind, name: `${kind} test`, region });
  return (await data.db.query.channels.findFirst({ where: (c, { eq: is }) => is(c.id, channel.id) }))!;
}

const email = (id: string, extra: Record<string, string> = {}, from = 'Ann Lee <Ann@Example.com>') =>
  parseEmail({ headers: { 'Message-ID': `<${id}@mail.example>`, ...extra }, from, subject: 'Parcel late', text: `message ${id}` });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-intake-'));
  const databases = new TenantDatabases({ kind: 'embedded', dataDir: dir });
  const tenantId = '33333333-3333-4333-8333-333333333333';
  data = await databases.provision(tenantId);
  admin = { tenantId, tenantSlug: 'intake', role: 'admin', actor: 'system', data };
  tenant = { tenantId, data };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('identity resolution', () => {
  it('reads a phone number in international and national forms as one E.164 number', () => {
    expect(e164('+49 30 1234567')).toBe('+49301234567');
    expect(e164('0049 (30) 123-4567', 'DE')).toBe('+49301234567');
    expect(e164('030 1234567', 'DE')).toBe('+49301234567');
    expect(e164('030 1234567')).toBeNull();
    expect(e164('hello')).toBeNull();
  });

  it('finds one customer by a phone number written three ways', async () => {
    const sms = await channel('SMS', 'DE');
    const a = await receiveMessage(tenant, sms, parseSms({ MessageSid: 'SM-phone-1', From: '+49 30 7654321', Body: 'hi' }));
    const b = await receiveMessage(tenant, sms, parseSms({ MessageSid: 'SM-phone-2', From: '0049-30-765 4321', Body: 'again' }));
    const c = await receiveMessage(tenant, sms, parseSms({ MessageSid: 'SM-phone-3', From: '030 7654321', Body: 'and again' }));
    expect(new Set([a.customerId, b.customerId, c.customerId]).size).toBe(1);
    const handles = await customerIdentities(admin, [a.customerId]);
    expect(handles.map((h) => [h.kind, h.value])).toEqual([['PHONE', '+49307654321']]);
    // One conversation per number: the three messages share a case.
    expect(new Set([a.caseId, b.caseId, c.caseId]).size).toBe(1);
  });

  it('finds a customer created through the API with the number written for people', async () => {
    const created = await createCustomer(admin, { name: 'Phil Spaced', phone: '+49 40 555 1234' });
    expect((await customerIdentities(admin, [created.id])).map((h) => [h.kind, h.value])).toEqual([['PHONE', '+49405551234']]);
    const sms = await channel('SMS', 'DE');
    const got = await receiveMessage(tenant, sms, parseSms({ MessageSid: 'SM-api-phone', From: '+49405551234', Body: 'hello' }));
    expect(got.customerId).toBe(created.id);
  });

  it('finds a customer by email without regard to case, and by handle with or without @', async () => {
    const mail = await channel('EMAIL');
    const first = await receiveMessage(tenant, mail, email('case-1', {}, 'ann.case@example.com'));
    const second = await receiveMessage(tenant, mail, email('case-2', {}, 'Ann <ANN.CASE@EXAMPLE.COM>'));
    expect(second.customerId).toBe(first.customerId);
    const social = await channel('SOCIAL');
    const post = (id: string, handle: string) => parseSocial({ type: 'mention', id, author: { handle, network: 'twitter' }, text: 'where is my order' });
    const m1 = await receiveMessage(tenant, social, post('tw-1', '@BobShop'));
    const m2 = await receiveMessage(tenant, social, post('tw-2', 'bobshop'));
    expect(m2.customerId).toBe(m1.customerId);
    const handles = await customerIdentities(admin, [m1.customerId]);
    expect(handles.map((h) => [h.kind, h.value, h.provider])).toEqual([['SOCIAL', '@bobshop', 'twitter']]);
  });

  it('creates the customer when nobody has the handle, named as the sender signed', async () => {
    const mail = await channel('EMAIL');
    const before = await count(customers);
    const r = await receiveMessage(tenant, mail, email('new-1', {}, '"Cleo Park" <cleo@example.org>'));
    expect(await count(customers)).toBe(before + 1);
    const created = await data.db.select().from(customers).where(eq(customers.id, r.customerId)).get();
    expect(created).toMatchObject({ name: 'Cleo Park', email: 'cleo@example.org', status: 'ACTIVE' });
  });
});

describe('threading', () => {
  it('threads three emails (In-Reply-To, then References) into one case and onto the timeline', async () => {
    const mail = await channel('EMAIL');
    const m1 = await receiveMessage(tenant, mail, email('t1', {}, 'dora@example.com'));
    const m2 = await receiveMessage(tenant, mail, email('t2', { 'In-Reply-To': '<t1@mail.example>' }, 'dora@example.com'));
    const m3 = await receiveMessage(tenant, mail, email('t3', { References: '<t1@mail.example> <t2@mail.example>' }, 'dora@example.com'));
    expect(m1.caseCreated).toBe(true);
    expect([m2.caseCreated, m3.caseCreated]).toEqual([false, false]);
    expect(new Set([m1.caseId, m2.caseId, m3.caseId]).size).toBe(1);
    const onCase = await data.db.select().from(interactions).where(eq(interactions.caseId, m1.caseId!));
    expect(onCase.map((i) => i.body).sort()).toEqual(['message t1', 'message t2', 'message t3']);
    const timeline = await customerTimeline(admin, m1.customerId, { first: 10 });
    expect(timeline.edges.map((e) => e.node.kind).sort()).toEqual(['CASE', 'INTERACTION', 'INTERACTION', 'INTERACTION']);
    const kase = await data.db.select().from(cases).where(eq(cases.id, m1.caseId!)).get();
    expect(kase).toMatchObject({ channel: 'EMAIL', subject: 'Parcel late', status: 'NEW' });
  });

  it('opens a new case when the thread\'s case was solved', async () => {
    const mail = await channel('EMAIL');
    const m1 = await receiveMessage(tenant, mail, email('s1', {}, 'eve@example.com'));
    await updateCase(admin, m1.caseId!, { status: 'SOLVED' });
    const m2 = await receiveMessage(tenant, mail, email('s2', { 'In-Reply-To': '<s1@mail.example>' }, 'eve@example.com'));
    expect(m2.caseCreated).toBe(true);
    expect(m2.caseId).not.toBe(m1.caseId);
    // The conversation now continues the new case.
    const m3 = await receiveMessage(tenant, mail, email('s3', { 'In-Reply-To': '<s1@mail.example>' }, 'eve@example.com'));
    expect(m3.caseId).toBe(m2.caseId);
  });

  it('writes nothing for a redelivered message and answers the first result', async () => {
    const mail = await channel('EMAIL');
    const first = await receiveMessage(tenant, mail, email('dup-1', {}, 'finn@example.com'));
    const totals = [await count(interactions), await count(cases), await count(outbox), await count(channelMessages)];
    const again = await receiveMessage(tenant, mail, email('dup-1', {}, 'finn@example.com'));
    expect(again).toEqual({ ...first, caseCreated: false, duplicate: true });
    expect([await count(interactions), await count(cases), await count(outbox), await count(channelMessages)]).toEqual(totals);
  });

  it('keeps one interaction per call, updated by newCall, answer and hangup', async () => {
    const phone = await channel('PHONE');
    const call = (event: string, more: Record<string, unknown> = {}) =>
      parseCallEvent({ event, callId: 'call-77', from: '+4930111222', to: '+4930999000', direction: 'in', ...more });
    const ring = await receiveMessage(tenant, phone, call('newCall'));
    const answered = await receiveMessage(tenant, phone, call('answer', { user: ['Gus Agent'] }));
    const ended = await receiveMessage(tenant, phone, call('hangup', { cause: 'normalClearing', duration: '95', recordingUrl: 'https://rec.example/77.mp3' }));
    expect(new Set([ring.interactionId, answered.interactionId, ended.interactionId]).size).toBe(1);
    const row = await data.db.select().from(interactions).where(eq(interactions.id, ring.interactionId)).get();
    expect(row!.body).toBe('Call from +4930111222: ended (normalClearing), 95 s; recording: https://rec.example/77.mp3');
    expect(await data.db.select().from(channelMessages).where(eq(channelMessages.interactionId, ring.interactionId))).toHaveLength(3);
    const replay = await receiveMessage(tenant, phone, call('hangup', { cause: 'normalClearing' }));
    expect(replay.duplicate).toBe(true);
  });
});

describe('portal submissions', () => {
  it('need a portal channel, open a case per submission and answer a repeated one with its first result', async () => {
    const submission = { submissionId: 'form-1', contact: { email: 'pia@example.com', name: 'Pia' }, subject: 'Refund', body: 'Please refund order 12' };
    await expect(receivePortalSubmission(tenant, submission)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await channel('PORTAL');
    const first = await receivePortalSubmission(tenant, submission);
    expect(first).toMatchObject({ caseCreated: true, duplicate: false });
    expect(await data.db.select().from(cases).where(eq(cases.id, first.caseId!)).get()).toMatchObject({ subject: 'Refund', channel: 'PORTAL' });
    expect(await receivePortalSubmission(tenant, submission)).toEqual({ ...first, caseCreated: false, duplicate: true });
    const second = await receivePortalSubmission(tenant, { ...submission, submissionId: 'form-2' });
    expect(second.caseId).not.toBe(first.caseId);
    expect(second.customerId).toBe(first.customerId);
  });
});

describe('live views', () => {
  it('hear each new message and case after the commit, and nothing for a call event updating its interaction or a redelivery', async () => {
    const phone = await channel('PHONE');
    const mail = await channel('EMAIL');
    // Call events have their own live event (calls.test.ts); here, the timeline's.
    const live = liveEvents.subscribe(tenant.tenantId, (e) => !e.type.startsWith('call.'));
    const call = (event: string) => parseCallEvent({ event, callId: 'call-live', from: '+4930222333', to: '+4930999000', direction: 'in' });
    const ring = await receiveMessage(tenant, phone, call('newCall'));
    await receiveMessage(tenant, phone, call('answer'));
    await receiveMessage(tenant, phone, call('newCall'));
    const m = await receiveMessage(tenant, mail, email('live-1', {}, 'omar@example.com'));
    const heard = [];
    for (let i = 0; i < 4; i++) heard.push((await live.next()).value!);
    await live.return();
    expect(heard.map((e) => [e.type, e.type === 'interaction.added' ? e.interaction.id : e.type === 'order.created' ? '' : e.case.id])).toEqual([
      ['interaction.added', ring.interactionId], ['case.created', ring.caseId],
      ['interaction.added', m.interactionId], ['case.created', m.caseId],
    ]);
  });
});

describe('merging customers found by intake', () => {
  it('keeps every identity and the whole history, and later messages find the survivor', async () => {
    const mail = await channel('EMAIL');
    const sms = await channel('SMS');
    const byMail = await receiveMessage(tenant, mail, email('merge-1', {}, 'hana@example.com'));
    const bySms = await receiveMessage(tenant, sms, parseSms({ MessageSid: 'SM-merge-1', From: '+33612345678', Body: 'it is Hana' }));
    expect(bySms.customerId).not.toBe(byMail.customerId);
    await mergeCustomers(admin, byMail.customerId, bySms.customerId);
    const handles = await customerIdentities(admin, [byMail.customerId]);
    expect(handles.map((h) => h.value).sort()).toEqual(['+33612345678', 'hana@example.com']);
    const timeline = await customerTimeline(admin, byMail.customerId, { first: 10 });
    expect(timeline.edges.map((e) => e.node.id).sort()).toEqual([byMail.interactionId, bySms.interactionId, byMail.caseId, bySms.caseId].sort());
    const later = await receiveMessage(tenant, sms, parseSms({ MessageSid: 'SM-merge-2', From: '+33 6 12 34 56 78', Body: 'still me' }));
    expect(later.customerId).toBe(byMail.customerId);
    expect(later.caseId).toBe(bySms.caseId);
  });
});

describe('replies on the case\'s channel', () => {
  it('records an OUTBOUND interaction and emits interaction.outbound with the recipient and the email answered', async () => {
    const mail = await channel('EMAIL');
    const inbound = await receiveMessage(tenant, mail, email('reply-1', {}, 'ivy@example.com'));
    const reply = await replyOnChannel(admin, { caseId: inbound.caseId, body: 'Your parcel ships today.' });
    expect(reply).toMatchObject({ direction: 'OUTBOUND', channel: 'EMAIL', caseId: inbound.caseId, customerId: inbound.customerId });
    const event = await data.db.select().from(outbox).where(eq(outbox.subjectId, reply.id)).get();
    expect(event!.type).toBe('interaction.outbound');
    expect(event!.payload).toMatchObject({
      channelId: mail.id, channel: 'EMAIL', to: { kind: 'EMAIL', value: 'ivy@example.com' }, inReplyTo: '<reply-1@mail.example>',
      threadKeys: ['email:<reply-1@mail.example>'], body: 'Your parcel ships today.',
    });
  });

  it('answers CONFLICT for a case that came in on no channel', async () => {
    const [someCustomer] = await data.db.select().from(customers).limit(1);
    const { createCase } = await import('../cases.js');
    const kase = await createCase(admin, { customerId: someCustomer!.id, subject: 'by phone, typed in' });
    await expect(replyOnChannel(admin, { caseId: kase.id, body: 'hi' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('bulk ingest', () => {
  it('writes the good rows, reports the bad ones by position and code, and skips rows imported before', async () => {
    const mail = await channel('EMAIL');
    const rows = [
      { externalId: 'imp-1', contact: { email: 'jo@example.com' }, body: 'one', threadKey: 'conv-a' },
      { externalId: 'imp-2', contact: { email: 'JO@example.com' }, body: 'two', threadKey: 'conv-a' },
      { externalId: 'imp-3', contact: {}, body: 'no contact' },
      { externalId: 'imp-4', contact: { phone: 'not a number' }, body: 'bad phone' },
      { externalId: 'imp-5', contact: { handle: '@kim', network: 'x' }, body: '' },
      { externalId: 'imp-1', contact: { email: 'jo@example.com' }, body: 'one again in the same batch' },
      { contact: { handle: 'kim', network: 'x' }, body: 'no external id', occurredAt: '2024-05-01T10:00:00Z' },
    ];
    const report = await ingestInteractions(admin, mail.id, rows);
    expect(report.written).toBe(3);
    expect(report.duplicates).toBe(1);
    expect(report.errors.map((e) => [e.row, e.code])).toEqual([[2, 'BAD_USER_INPUT'], [3, 'BAD_USER_INPUT'], [4, 'BAD_USER_INPUT']]);
    const jo = await data.db.select().from(identities).where(eq(identities.value, 'jo@example.com')).get();
    const joRows = await data.db.select().from(interactions).where(eq(interactions.customerId, jo!.customerId));
    expect(joRows.map((r) => r.body).sort()).toEqual(['one', 'two']);
    expect(new Set(joRows.map((r) => r.caseId)).size).toBe(1);
    expect(joRows[0]!.caseId).not.toBeNull();
    const again = await ingestInteractions(admin, mail.id, rows.slice(0, 2));
    expect(again).toEqual({ written: 0, duplicates: 2, errors: [] });
  });

  it('one provider id is one message whether it came in live or in an import', async () => {
    const mail = await channel('EMAIL');
    const live = await receiveMessage(tenant, mail, email('both-1', {}, 'nia@example.com'));
    const imported = await ingestInteractions(admin, mail.id, [
      { externalId: '<both-1@mail.example>', contact: { email: 'nia@example.com' }, body: 'same message, imported' },
      { externalId: '<both-2@mail.example>', contact: { email: 'nia@example.com' }, body: 'imported first' },
    ]);
    expect(imported).toEqual({ written: 1, duplicates: 1, errors: [] });
    const before = await count(interactions);
    const later = await receiveMessage(tenant, mail, email('both-2', {}, 'nia@example.com'));
    expect(later).toMatchObject({ duplicate: true, customerId: live.customerId });
    expect(await count(interactions)).toBe(before);
  });

  it('writes nothing of a batch whose transaction fails, and reports every row of it', async () => {
    const mail = await channel('EMAIL');
    await data.db.run(sql.raw(`create trigger refuse_boom before insert on interactions when new.body = 'boom' begin select raise(abort, 'boom'); end`));
    try {
      const before = [await count(interactions), await count(customers), await count(identities), await count(channelMessages), await count(outbox)];
      const report = await ingestInteractions(admin, mail.id, [
        { externalId: 'atom-1', contact: { email: 'lee.atom@example.com' }, body: 'fine', threadKey: 'atom' },
        { externalId: 'atom-2', contact: { email: 'max.atom@example.com' }, body: 'boom' },
        { externalId: 'atom-3', contact: {}, body: 'bad' },
      ]);
      expect(report.written).toBe(0);
      expect(report.errors.map((e) => [e.row, e.code])).toEqual([[0, 'INTERNAL_SERVER_ERROR'], [1, 'INTERNAL_SERVER_ERROR'], [2, 'BAD_USER_INPUT']]);
      expect([await count(interactions), await count(customers), await count(identities), await count(channelMessages), await count(outbox)]).toEqual(before);
    } finally {
      await data.db.run(sql.raw('drop trigger refuse_boom'));
    }
  });

  it('refuses more than 1000 rows and a foreign channel id', async () => {
    const mail = await channel('EMAIL');
    await expect(ingestInteractions(admin, mail.id, Array.from({ length: 1001 }, () => ({})))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(ingestInteractions(admin, '0190a0a0-0000-7000-8000-000000000000', [])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
