import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDatabases, type TenantDb } from '../db/tenant-db.js';
import { customers } from '../db/tenant-schema.js';
import { newId } from '../lib/ids.js';
import type { TenantContext } from '../tenancy/context.js';
import { updateCase } from './cases.js';
import { createPost } from './community.js';
import { createOrder } from './orders.js';
import { getMyCase, listMyCases, myCaseConversation, openMyCase, replyToMyCase } from './portal-cases.js';
import { forumThread, listForumThreads, replyInForum, startForumThread, voteInForum } from './portal-community.js';
import { portalCustomer, type PortalCustomer } from './portal-customer.js';
import { getMyOrder, listMyOrders } from './portal-orders.js';

let dir: string;
let data: TenantDb;
let admin: TenantContext;
const tenantId = '33333333-3333-4333-8333-333333333333';
const tenant = () => ({ tenantId, tenantSlug: 'shop', data });

async function customer(): Promise<PortalCustomer> {
  const id = newId();
  const now = new Date();
  await data.write((tx) => tx.insert(customers).values({ id, name: 'C', status: 'ACTIVE', createdAt: now, updatedAt: now }));
  return portalCustomer(tenant(), { id: newId(), role: 'customer', customerId: id });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-portal-customer-'));
  data = await new TenantDatabases({ kind: 'embedded', dataDir: dir }).provision(tenantId);
  admin = { tenantId, tenantSlug: 'shop', role: 'admin', actor: 'system', data };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('portal customers', () => {
  it('are customer web users only', () => {
    expect(() => portalCustomer(tenant(), { id: 'u', role: 'agent', customerId: null })).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});

describe('portal cases', () => {
  it('open, list, converse and reply on the customer\'s own cases, recorded as the web user', async () => {
    const ana = await customer();
    const kase = await openMyCase(ana, { subject: 'Broken lamp', description: 'It flickers.' });
    expect(kase).toMatchObject({ customerId: ana.customerId, channel: 'PORTAL', status: 'NEW' });
    await replyToMyCase(ana, kase.id, { body: 'First' });
    await replyToMyCase(ana, kase.id, { body: 'Second' });
    expect((await myCaseConversation(ana, kase.id)).map((m) => [m.body, m.direction, m.channel])).toEqual([['First', 'INBOUND', 'PORTAL'], ['Second', 'INBOUND', 'PORTAL']]);
    expect((await listMyCases(ana, { first: 10 })).edges.map((e) => e.node.id)).toEqual([kase.id]);
    const [event] = await data.client.execute({ sql: 'select actor from outbox where subject_id = ?', args: [kase.id] }).then((r) => r.rows);
    expect(event?.actor).toBe(`web:${ana.userId}`);
  });

  it('answer NOT_FOUND for someone else\'s case exactly as for a missing one', async () => {
    const ana = await customer();
    const bo = await customer();
    const kase = await openMyCase(ana, { subject: 'Mine only', description: 'x' });
    for (const id of [kase.id, newId()]) {
      await expect(getMyCase(bo, id)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Case not found' });
      await expect(myCaseConversation(bo, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(replyToMyCase(bo, id, { body: 'hi' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await listMyCases(bo, { first: 10 })).edges).toEqual([]);
  });

  it('refuse bad input before writing, and replies on a closed case', async () => {
    const ana = await customer();
    await expect(openMyCase(ana, { subject: 'x', description: '' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await listMyCases(ana, { first: 10 })).edges).toEqual([]);
    const kase = await openMyCase(ana, { subject: 'Closing soon', description: 'x' });
    await updateCase(admin, kase.id, { status: 'CLOSED' });
    await expect(replyToMyCase(ana, kase.id, { body: 'again' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('portal orders', () => {
  it('show the customer\'s own orders with lines; anyone else\'s is NOT_FOUND', async () => {
    const ana = await customer();
    const bo = await customer();
    const order = await createOrder(admin, { customerId: ana.customerId, currency: 'EUR', lines: [{ sku: 'A', name: 'Lamp', quantity: 1, unitPriceCents: 100 }] });
    expect((await getMyOrder(ana, order.id)).lines.map((l) => l.sku)).toEqual(['A']);
    expect((await listMyOrders(ana, { first: 5 })).edges.map((e) => e.node.id)).toEqual([order.id]);
    await expect(getMyOrder(bo, order.id)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Order not found' });
    expect((await listMyOrders(bo, { first: 5 })).edges).toEqual([]);
  });
});

describe('portal forums', () => {
  it('threads, replies and one vote per customer, never on one\'s own post', async () => {
    const ana = await customer();
    const bo = await customer();
    const thread = await startForumThread(ana, { title: 'Lamps?', body: 'Which one?' });
    const reply = await replyInForum(bo, thread.id, { body: 'The blue one.' });
    await createPost(admin, { threadId: thread.id, body: 'From support' });
    const { posts } = await forumThread(tenant(), thread.id, { first: 10 });
    expect(posts.edges.map((e) => e.node.body)).toEqual(['Which one?', 'The blue one.', 'From support']);
    await expect(voteInForum(bo, reply.id, { value: 1 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await voteInForum(ana, reply.id, { value: 1 });
    expect((await voteInForum(ana, reply.id, { value: -1 })).score).toBe(-1);
    await expect(voteInForum(ana, reply.id, { value: 5 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(voteInForum(ana, newId(), { value: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(replyInForum(ana, newId(), { body: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await listForumThreads(tenant(), { first: 5 })).edges.map((e) => e.node.title)).toContain('Lamps?');
  });
});
