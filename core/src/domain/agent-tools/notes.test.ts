import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import type { TenantContext } from '../../tenancy/context.js';
import { addInteraction } from '../interactions.js';
import { myCaseConversation } from '../portal-cases.js';
import { addCaseNote, listCaseNotes } from './notes.js';
import { mentionedHandles } from './mentions.js';
import { listNotifications, markNotificationsRead, unreadNotificationCount } from './notifications.js';
import { asAgent, caseWorld, TestTenants } from './test-tenant.js';

const tenants = new TestTenants();
let a: TenantContext;
let b: TenantContext;
let worldA: Awaited<ReturnType<typeof caseWorld>>;
let worldB: Awaited<ReturnType<typeof caseWorld>>;

beforeAll(async () => {
  a = await tenants.tenant('a');
  b = await tenants.tenant('b');
  worldA = await caseWorld(a);
  // Tenant B has agents with the very same emails: a mention in A must never reach them.
  worldB = await caseWorld(b);
});
afterAll(() => tenants.close());

describe('private notes with @mentions', () => {
  it('finds handles and addresses, not words with @ inside', () => {
    expect(mentionedHandles('ping @ana and @bo@support.example, not me@home or @ana.')).toEqual(['ana', 'bo@support.example']);
  });

  it('notifies only the mentioned agent of the same tenant, with an agent.mentioned event', async () => {
    const ana = asAgent(a, worldA.ana.id);
    const { note, mentioned } = await addCaseNote(ana, { caseId: worldA.kase.id, body: 'Customer called twice, @bo please check the carrier' });
    expect(mentioned.map((m) => m.id)).toEqual([worldA.bo.id]);
    expect(note.authorAgentId).toBe(worldA.ana.id);

    const boInbox = await listNotifications(asAgent(a, worldA.bo.id), { unreadOnly: true });
    expect(boInbox.edges.map((e) => [e.node.kind, e.node.caseId, e.node.noteId])).toEqual([['MENTION', worldA.kase.id, note.id]]);
    expect(await unreadNotificationCount(asAgent(a, worldA.ana.id))).toBe(0);
    for (const agent of [worldB.ana, worldB.bo]) expect(await unreadNotificationCount(asAgent(b, agent.id))).toBe(0);

    const events = await a.data.db.select().from(outbox).where(eq(outbox.type, 'agent.mentioned'));
    expect(events.map((e) => e.subjectId)).toEqual([worldA.bo.id]);
    expect(await b.data.db.select().from(outbox).where(eq(outbox.type, 'agent.mentioned'))).toEqual([]);
  });

  it('marks read only the agent\'s own notifications; another\'s id is NOT_FOUND', async () => {
    const bo = asAgent(a, worldA.bo.id);
    const [first] = (await listNotifications(bo, { unreadOnly: true })).edges;
    await expect(markNotificationsRead(asAgent(a, worldA.ana.id), { ids: [first!.node.id] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listNotifications(asAgent(a, worldA.ana.id), { agentId: worldA.bo.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await markNotificationsRead(bo, { ids: [first!.node.id] })).toBe(1);
    expect(await unreadNotificationCount(bo)).toBe(0);
    expect((await listNotifications(bo, {})).edges).toHaveLength(1);
  });

  it('never shows a note through the portal\'s case conversation', async () => {
    await addInteraction(a, { customerId: worldA.customer.id, caseId: worldA.kase.id, channel: 'EMAIL', direction: 'INBOUND', body: 'Where is my parcel?' });
    await addCaseNote(a, { caseId: worldA.kase.id, body: 'SECRET internal remark', authorAgentId: worldA.ana.id });
    const portal = { tenantId: a.tenantId, tenantSlug: a.tenantSlug, data: a.data, userId: 'u', customerId: worldA.customer.id };
    const conversation = await myCaseConversation(portal, worldA.kase.id);
    expect(conversation.map((i) => i.body)).toEqual(['Where is my parcel?']);
    expect(JSON.stringify(conversation)).not.toContain('SECRET');
    expect((await listCaseNotes(a, worldA.kase.id, {})).edges.map((e) => e.node.body)).toContain('SECRET internal remark');
  });

  it('answers NOT_FOUND for another tenant\'s case, writing nothing', async () => {
    const error = await addCaseNote(b, { caseId: worldA.kase.id, body: 'hi @ana' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('NOT_FOUND');
    expect(await unreadNotificationCount(asAgent(b, worldB.ana.id))).toBe(0);
  });
});
