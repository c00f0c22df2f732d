import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseNotes, caseTags, interactions, outbox } from '../../db/tenant-schema.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createQueue } from '../agents.js';
import { getCase } from '../cases.js';
import { createOrder } from '../orders.js';
import { createCannedResponse, deleteCannedResponse, renderCannedResponse, updateCannedResponse } from './canned-responses.js';
import { applyMacro, createMacro } from './macros.js';
import { caseTagCounts, listCasesByTag, MAX_TAGS, tagCase, tagCustomer, tagsOfCases, tagsOfCustomers } from './tags.js';
import { renderTemplate, templateVariables } from './template.js';
import { asAgent, caseWorld, TestTenants } from './test-tenant.js';

const tenants = new TestTenants();
let a: TenantContext;
let b: TenantContext;
let w: Awaited<ReturnType<typeof caseWorld>>;

beforeAll(async () => {
  a = await tenants.tenant('a');
  b = await tenants.tenant('b');
  w = await caseWorld(a);
  await caseWorld(b);
});
afterAll(() => tenants.close());

const countRows = async (ctx: TenantContext, table: typeof caseNotes | typeof interactions | typeof caseTags) =>
  (await ctx.data.db.select().from(table)).length;

describe('tags', () => {
  it('lower-cases, lists, filters cases by tag and removes', async () => {
    const { tags } = await tagCase(a, { caseId: w.kase.id, add: ['VIP', 'late-parcel', 'vip'] });
    expect(tags).toEqual(['late-parcel', 'vip']);
    expect((await listCasesByTag(a, { tag: 'Vip' }, {})).edges.map((e) => e.node.id)).toEqual([w.kase.id]);
    expect(await caseTagCounts(a, 'la')).toEqual([{ tag: 'late-parcel', count: 1 }]);
    await tagCase(a, { caseId: w.kase.id, remove: ['late-parcel'] });
    expect((await tagsOfCases(a, [w.kase.id])).get(w.kase.id)).toEqual(['vip']);
    expect((await listCasesByTag(b, { tag: 'vip' }, {})).edges).toEqual([]);
  });

  it('refuses bad tags and more than 50, writing none of them', async () => {
    for (const bad of ['', 'a'.repeat(41), 'two words', '-lead']) {
      await expect(tagCase(a, { caseId: w.kase.id, add: [bad] })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    const before = await countRows(a, caseTags);
    await tagCase(a, { caseId: w.kase.id, add: Array.from({ length: MAX_TAGS - 1 }, (_, i) => `t${i}`) });
    await expect(tagCase(a, { caseId: w.kase.id, add: ['one-too-many'] })).rejects.toMatchObject({ code: 'TOO_MANY_TAGS' });
    expect(await countRows(a, caseTags)).toBe(before + MAX_TAGS - 1);
    await tagCase(a, { caseId: w.kase.id, remove: Array.from({ length: MAX_TAGS - 1 }, (_, i) => `t${i}`) });
  });

  it('answers NOT_FOUND for another tenant\'s case', async () => {
    await expect(tagCase(b, { caseId: w.kase.id, add: ['x'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('tags customers under the same rules', async () => {
    expect((await tagCustomer(a, { customerId: w.customer.id, add: ['Wholesale', 'eu'] })).tags).toEqual(['eu', 'wholesale']);
    expect((await tagCustomer(a, { customerId: w.customer.id, remove: ['eu'] })).tags).toEqual(['wholesale']);
    expect((await tagsOfCustomers(a, [w.customer.id])).get(w.customer.id)).toEqual(['wholesale']);
    await expect(tagCustomer(a, { customerId: w.customer.id, add: Array.from({ length: MAX_TAGS }, (_, i) => `c${i}`) }))
      .rejects.toMatchObject({ code: 'TOO_MANY_TAGS' });
    expect((await tagsOfCustomers(a, [w.customer.id])).get(w.customer.id)).toEqual(['wholesale']);
    await expect(tagCustomer(b, { customerId: w.customer.id, add: ['x'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('canned responses', () => {
  it('checks variables when saved: unknown ones and stray braces are TEMPLATE_INVALID', async () => {
    expect(templateVariables('Hi {{ customer.name }}, case #{{case.number}}')).toEqual(['customer.name', 'case.number']);
    await expect(createCannedResponse(a, { name: 'bad', body: 'Hi {{customer.password}}' })).rejects.toMatchObject({ code: 'TEMPLATE_INVALID' });
    await expect(createCannedResponse(a, { name: 'bad', body: 'Hi {{customer.name}' })).rejects.toMatchObject({ code: 'TEMPLATE_INVALID' });
    await expect(createCannedResponse(a, { name: 'bad', body: 'Hi {{constructor}}' })).rejects.toMatchObject({ code: 'TEMPLATE_INVALID' });
    const ok = await createCannedResponse(a, { name: 'greeting', body: 'Hi' });
    await expect(updateCannedResponse(a, ok.id, { body: '{{order.total}}' })).rejects.toMatchObject({ code: 'TEMPLATE_INVALID' });
  });

  it('renders customer, case, agent and latest order as plain text, values capped', async () => {
    await createOrder(a, { customerId: w.customer.id, number: 'SO-1', currency: 'EUR', lines: [{ sku: 'A', name: 'Lamp', quantity: 1, unitPriceCents: 1000 }] });
    const canned = await createCannedResponse(a, {
      name: 'parcel', body: 'Dear {{customer.name}}, about case {{case.number}}: order {{order.number}} is {{order.status}}. <b>{{agent.name}}</b>',
    });
    const kase = await getCase(a, w.kase.id);
    const text = await renderCannedResponse(asAgent(a, w.ana.id), { cannedResponseId: canned.id, caseId: kase.id });
    expect(text).toBe(`Dear Ada Lovelace, about case ${kase.number}: order SO-1 is PENDING. <b>Ana</b>`);
    expect(renderTemplate('{{customer.name}}!', { 'customer.name': 'x'.repeat(1000) })).toBe(`${'x'.repeat(300)}!`);
    expect(renderTemplate('[{{order.status}}]', {})).toBe('[]');
    await expect(renderCannedResponse(b, { cannedResponseId: canned.id, caseId: kase.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('macros', () => {
  it('applies every step in one go', async () => {
    const queue = await createQueue(a, { name: 'Escalations' });
    const canned = await createCannedResponse(a, { name: 'on-it', body: 'We are on it, {{customer.name}}.' });
    const macro = await createMacro(a, {
      name: 'Escalate', actions: [
        { type: 'SET_STATUS', status: 'PENDING' }, { type: 'SET_PRIORITY', priority: 'URGENT' },
        { type: 'SET_QUEUE', queueId: queue.id }, { type: 'SET_ASSIGNEE', assigneeId: w.bo.id },
        { type: 'ADD_TAGS', tags: ['escalated'] }, { type: 'ADD_NOTE', body: 'Escalated, @bo' },
        { type: 'REPLY_WITH_CANNED_RESPONSE', cannedResponseId: canned.id },
      ],
    });
    const { case: kase, replies } = await applyMacro(asAgent(a, w.ana.id), { macroId: macro.id, caseId: w.kase.id });
    expect([kase.status, kase.priority, kase.queueId, kase.assigneeId]).toEqual(['PENDING', 'URGENT', queue.id, w.bo.id]);
    expect(await getCase(a, w.kase.id)).toMatchObject({ status: 'PENDING', priority: 'URGENT', assigneeId: w.bo.id });
    expect(replies.map((r) => [r.direction, r.body, r.agentId])).toEqual([['OUTBOUND', 'We are on it, Ada Lovelace.', w.ana.id]]);
    expect((await tagsOfCases(a, [w.kase.id])).get(w.kase.id)).toContain('escalated');
  });

  it('writes nothing when a step fails halfway, and names the step', async () => {
    const gone = await createCannedResponse(a, { name: 'soon-gone', body: 'Bye' });
    const macro = await createMacro(a, {
      name: 'Half', actions: [
        { type: 'SET_STATUS', status: 'SOLVED' }, { type: 'ADD_TAGS', tags: ['half-done'] }, { type: 'ADD_NOTE', body: 'half' },
        { type: 'REPLY_WITH_CANNED_RESPONSE', cannedResponseId: gone.id },
      ],
    });
    await deleteCannedResponse(a, gone.id);
    const before = { kase: await getCase(a, w.kase.id), notes: await countRows(a, caseNotes), replies: await countRows(a, interactions), tags: await countRows(a, caseTags) };
    const events = (await a.data.db.select().from(outbox)).length;
    await expect(applyMacro(a, { macroId: macro.id, caseId: w.kase.id })).rejects.toMatchObject({ code: 'NOT_FOUND', details: { step: 3 } });
    expect(await getCase(a, w.kase.id)).toEqual(before.kase);
    expect([await countRows(a, caseNotes), await countRows(a, interactions), await countRows(a, caseTags)]).toEqual([before.notes, before.replies, before.tags]);
    expect((await a.data.db.select().from(outbox)).length).toBe(events);
    expect(await a.data.db.select().from(caseTags).where(eq(caseTags.tag, 'half-done'))).toEqual([]);
  });

  it('checks actions when saved and is for admins', async () => {
    await expect(createMacro(a, { name: 'x', actions: [{ type: 'SET_STATUS', status: 'WHATEVER' }] })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(createMacro(a, { name: 'x', actions: [{ type: 'SET_STATUS', status: 'OPEN', priority: 'LOW' }] })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(createMacro(a, { name: 'x', actions: [{ type: 'SET_QUEUE', queueId: w.kase.id }] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createMacro(asAgent(a, w.ana.id), { name: 'x', actions: [{ type: 'SET_STATUS', status: 'OPEN' }] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers NOT_FOUND for another tenant\'s macro or case', async () => {
    const macro = await createMacro(a, { name: 'Solve', actions: [{ type: 'SET_STATUS', status: 'SOLVED' }] });
    await expect(applyMacro(b, { macroId: macro.id, caseId: w.kase.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
