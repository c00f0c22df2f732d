import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDatabases, type TenantDb } from '../db/tenant-db.js';
import { channelMessages, customers, outbox } from '../db/tenant-schema.js';
import { newId } from '../lib/ids.js';
import { SecretVault } from '../plugins/installer/vault.js';
import type { TenantContext } from '../tenancy/context.js';
import { createCase, getCase, updateCase } from './cases.js';
import { createChannel, disableChannel } from './intake/index.js';
import type { PortalCustomer } from './portal-customer.js';
import {
  answerChat, chatOfCase, endMyChat, myChat, myOpenChats, openChats, sendMyChatMessage, startMyChat, tenantChatChannel,
} from './portal-chat.js';

const vault = new SecretVault(randomBytes(32));
let dir: string;
let databases: TenantDatabases;
let data: TenantDb;
let admin: TenantContext;

async function customer(): Promise<PortalCustomer> {
  const id = newId();
  const now = new Date();
  await data.write((tx) => tx.insert(customers).values({ id, name: 'C', status: 'ACTIVE', createdAt: now, updatedAt: now }));
  return { tenantId: admin.tenantId, tenantSlug: 'chat', data, userId: newId(), customerId: id };
}

const token = () => randomBytes(9).toString('base64url');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-portal-chat-'));
  databases = new TenantDatabases({ kind: 'embedded', dataDir: dir });
  const tenantId = '33333333-3333-4333-8333-333333333333';
  data = await databases.provision(tenantId);
  admin = { tenantId, tenantSlug: 'chat', role: 'admin', actor: 'system', agentId: null, data };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('portal chat use-cases', () => {
  it('offers no chat until the tenant has a chat channel', async () => {
    const ann = await customer();
    expect(await tenantChatChannel(admin)).toBeNull();
    await expect(startMyChat(ann, { text: 'hi', messageId: token() })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('starts a chat for the signed-in customer through chat intake, once per form token, and answers on its channel', async () => {
    const { channel } = await createChannel(admin, vault, { kind: 'CHAT', name: 'Chat' });
    const ann = await customer();
    const form = token();
    const caseId = await startMyChat(ann, { text: '  Where is my parcel?  ', messageId: form });
    // The same form sent again is the same chat.
    expect(await startMyChat(ann, { text: 'Where is my parcel?', messageId: form })).toBe(caseId);
    const kase = await getCase(admin, caseId);
    expect(kase).toMatchObject({ customerId: ann.customerId, channel: 'CHAT', subject: 'Where is my parcel?' });
    const received = await data.db.select().from(channelMessages).where(and(eq(channelMessages.channelId, channel.id), eq(channelMessages.caseId, caseId)));
    expect(received).toHaveLength(1);
    expect(await myOpenChats(ann)).toEqual([expect.objectContaining({ id: caseId })]);
    expect((await openChats(admin)).map((k) => k.id)).toContain(caseId);

    const messageForm = token();
    await sendMyChatMessage(ann, caseId, { text: 'Order 1234', messageId: messageForm });
    await sendMyChatMessage(ann, caseId, { text: 'Order 1234', messageId: messageForm });
    await answerChat({ ...admin, role: 'agent' }, caseId, { text: 'Found it, it ships today.' });
    const chat = await myChat(ann, caseId);
    expect(chat.open).toBe(true);
    expect(chat.messages.map((m) => [m.direction, m.body])).toEqual([
      ['INBOUND', 'Where is my parcel?'], ['INBOUND', 'Order 1234'], ['OUTBOUND', 'Found it, it ships today.'],
    ]);
    const events = (await data.db.select({ type: outbox.type }).from(outbox)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['interaction.received', 'interaction.outbound', 'case.created']));
  });

  it('keeps each customer to their own chats and refuses cases that are no chat', async () => {
    const ann = await customer();
    const bob = await customer();
    const caseId = await startMyChat(ann, { text: 'Mine', messageId: token() });
    await expect(myChat(bob, caseId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sendMyChatMessage(bob, caseId, { text: 'Not mine', messageId: token() })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(endMyChat(bob, caseId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await myOpenChats(bob)).toEqual([]);
    // A CHAT case opened through the API has no chat session to join.
    const plain = await createCase(admin, { customerId: ann.customerId, subject: 'No session', channel: 'CHAT' });
    await expect(myChat(ann, plain.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(chatOfCase(admin, plain.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await openChats(admin)).map((k) => k.id)).not.toContain(plain.id);
    expect((await myChat(ann, caseId)).messages.map((m) => m.body)).toEqual(['Mine']);
  });

  it('checks a message\'s length and form token before anything is written', async () => {
    const ann = await customer();
    const caseId = await startMyChat(ann, { text: 'Checks', messageId: token() });
    for (const bad of [{ text: '   ', messageId: token() }, { text: 'x'.repeat(4_001), messageId: token() }, { text: 'ok', messageId: 'short' }, { text: 'ok' }]) {
      await expect(sendMyChatMessage(ann, caseId, bad)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    await expect(answerChat(admin, caseId, { text: 'y'.repeat(4_001) })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await myChat(ann, caseId)).messages).toHaveLength(1);
  });

  it('ends a chat once (left, solved or its channel disabled): no more messages either way', async () => {
    const ann = await customer();
    const left = await startMyChat(ann, { text: 'Bye soon', messageId: token() });
    await endMyChat(ann, left);
    await endMyChat(ann, left);
    expect(await myChat(ann, left)).toMatchObject({ open: false });
    expect((await myChat(ann, left)).messages.map((m) => m.body)).toEqual(['Bye soon', 'Chat ended']);
    await expect(sendMyChatMessage(ann, left, { text: 'Hello?', messageId: token() })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(answerChat(admin, left, { text: 'Hello?' })).rejects.toMatchObject({ code: 'CONFLICT' });

    const solved = await startMyChat(ann, { text: 'Solve me', messageId: token() });
    await updateCase(admin, solved, { status: 'SOLVED' });
    expect(await myChat(ann, solved)).toMatchObject({ open: false });
    expect((await myOpenChats(ann)).map((k) => k.id)).not.toContain(solved);

    const open = await startMyChat(ann, { text: 'Still open', messageId: token() });
    await disableChannel(admin, (await tenantChatChannel(admin))!.id);
    expect(await myChat(ann, open)).toMatchObject({ open: false });
    await expect(sendMyChatMessage(ann, open, { text: 'Anyone?', messageId: token() })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
