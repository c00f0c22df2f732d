import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, communityThreads, outbox } from '../db/tenant-schema.js';
import type { TenantContext } from '../tenancy/context.js';
import { asAgent, caseWorld, TestTenants } from './agent-tools/test-tenant.js';
import { createThread, createPost, getThread, isCommunityModerator, listPosts, listThreads, staffViewer } from './community.js';
import { createForum } from './community-forums.js';
import { acceptAnswer, setCommunityModerator, setPostHidden, setThreadHidden, setThreadLocked } from './community-moderation.js';
import { createPoll, pollOfThread, votePoll } from './community-polls.js';
import { takeThreadPrivate, threadOfCase } from './community-take-private.js';
import { createCustomer, mergeCustomers } from './customers.js';
import { tagCustomer, tagsOfCustomers } from './agent-tools/tags.js';
import {
  acceptForumAnswer, forumThread, listForumThreads, moderateForumPost, replyInForum, startForumThread, voteInForumPoll,
} from './portal-community.js';
import type { PortalCustomer } from './portal-customer.js';

const tenants = new TestTenants();
let a: TenantContext;
let b: TenantContext;
let w: Awaited<ReturnType<typeof caseWorld>>;
let asker: PortalCustomer;
let other: PortalCustomer;
let mod: PortalCustomer;

const portalCustomer = async (ctx: TenantContext, name: string): Promise<PortalCustomer> => {
  const c = await createCustomer(ctx, { name });
  return { tenantId: ctx.tenantId, tenantSlug: ctx.tenantSlug, data: ctx.data, userId: `u-${name}`, customerId: c.id };
};

beforeAll(async () => {
  a = await tenants.tenant('a');
  b = await tenants.tenant('b');
  w = await caseWorld(a);
  asker = await portalCustomer(a, 'Asker');
  other = await portalCustomer(a, 'Other');
  mod = await portalCustomer(a, 'Mod');
  await setCommunityModerator(a, { customerId: mod.customerId, moderator: true });
});
afterAll(() => tenants.close());

async function askedThread(title = 'How do I return a lamp?') {
  const thread = await startForumThread(asker, { title, body: 'It arrived broken.' });
  const reply = await replyInForum(other, thread.id, { body: 'Use the returns page.' });
  return { thread, reply };
}

describe('forums and accepted answers', () => {
  it('puts threads in forums', async () => {
    const forum = await createForum(a, { name: 'Returns' });
    const { thread } = await createThread(a, { title: 'Returns FAQ', body: 'Read me', forumId: forum.id, authorAgentId: w.ana.id });
    expect((await listThreads(a, { forumId: forum.id })).edges.map((e) => e.node.id)).toEqual([thread.id]);
    await expect(createThread(b, { title: 'x', body: 'y', forumId: forum.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createForum(asAgent(a, w.ana.id), { name: 'Nope' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets the thread\'s author or a moderator accept an answer, nobody else', async () => {
    const { thread, reply } = await askedThread();
    await expect(acceptForumAnswer(other, thread.id, reply.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await acceptForumAnswer(asker, thread.id, reply.id)).acceptedPostId).toBe(reply.id);
    expect((await acceptForumAnswer(mod, thread.id, null)).acceptedPostId).toBeNull();
    expect((await acceptAnswer(a, { threadId: thread.id, postId: reply.id }, staffViewer(a))).acceptedPostId).toBe(reply.id);
    const question = (await listPosts(a, thread.id, {})).edges[0]!.node;
    await expect(acceptForumAnswer(asker, thread.id, question.id)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const elsewhere = await askedThread('Another question');
    await expect(acceptForumAnswer(asker, thread.id, elsewhere.reply.id)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('polls', () => {
  it('takes one vote per customer and counts them', async () => {
    const { thread } = await askedThread('Which colour next?');
    await expect(createPoll(a, { threadId: thread.id, question: 'Colour?', options: ['Red'] }, staffViewer(a))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const poll = await createPoll(a, { threadId: thread.id, question: 'Colour?', options: ['Red', 'Blue'] }, { customerId: asker.customerId, moderator: false });
    await expect(createPoll(a, { threadId: thread.id, question: 'Again?', options: ['a', 'b'] }, staffViewer(a))).rejects.toMatchObject({ code: 'CONFLICT' });
    const results = (await pollOfThread(a, thread.id, staffViewer(a)))!;
    const [red, blue] = results.options;
    await voteInForumPoll(asker, poll.id, red!.id);
    // The same customer, twice at once and once more later: only the first counts.
    const again = await Promise.allSettled([voteInForumPoll(other, poll.id, blue!.id), voteInForumPoll(other, poll.id, red!.id)]);
    expect(again.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(again.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'ALREADY_VOTED' } });
    await expect(voteInForumPoll(asker, poll.id, blue!.id)).rejects.toMatchObject({ code: 'ALREADY_VOTED' });
    const after = (await pollOfThread(a, thread.id, staffViewer(a)))!;
    expect(after.totalVotes).toBe(2);
    expect(after.options.reduce((s, o) => s + o.votes, 0)).toBe(2);
    await expect(votePoll(b, { pollId: poll.id, optionId: red!.id, customerId: asker.customerId }, staffViewer(b))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('moderation', () => {
  it('hides posts from customers but not from moderators', async () => {
    const { thread, reply } = await askedThread('Spam below');
    await expect(moderateForumPost(other, reply.id, { hidden: true })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await moderateForumPost(mod, reply.id, { hidden: true });
    const bodies = async (customer: PortalCustomer | null) => (await forumThread(a, thread.id, {}, customer)).posts.edges.map((e) => e.node.body);
    expect(await bodies(null)).toEqual(['It arrived broken.']);
    expect(await bodies(asker)).toEqual(['It arrived broken.']);
    expect(await bodies(mod)).toEqual(['It arrived broken.', 'Use the returns page.']);
    expect((await listPosts(a, thread.id, {})).edges).toHaveLength(2);
    await setPostHidden(a, { id: reply.id, hidden: false }, staffViewer(a));
    expect(await bodies(asker)).toHaveLength(2);
  });

  it('hides threads from the list and their page but to moderators', async () => {
    const { thread } = await askedThread('Hidden thread');
    await setThreadHidden(a, { id: thread.id, hidden: true }, staffViewer(a));
    const ids = async (customer: PortalCustomer | null) => (await listForumThreads(a, { first: 100 }, customer)).edges.map((e) => e.node.id);
    expect(await ids(asker)).not.toContain(thread.id);
    expect(await ids(mod)).toContain(thread.id);
    await expect(forumThread(a, thread.id, {}, asker)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(replyInForum(asker, thread.id, { body: 'hello?' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await forumThread(a, thread.id, {}, mod)).thread.id).toBe(thread.id);
  });

  it('rejects posts in a locked thread with THREAD_LOCKED', async () => {
    const { thread, reply } = await askedThread('Locked');
    await setThreadLocked(a, { threadId: thread.id, locked: true }, staffViewer(a));
    await expect(replyInForum(other, thread.id, { body: 'one more' })).rejects.toMatchObject({ code: 'THREAD_LOCKED' });
    await expect(createPost(a, { threadId: thread.id, body: 'staff too', authorAgentId: w.ana.id })).rejects.toMatchObject({ code: 'THREAD_LOCKED' });
    await expect(acceptForumAnswer(asker, thread.id, reply.id)).rejects.toMatchObject({ code: 'THREAD_LOCKED' });
    expect((await listPosts(a, thread.id, {})).edges).toHaveLength(2);
    await setThreadLocked(a, { threadId: thread.id, locked: false }, staffViewer(a));
    await replyInForum(other, thread.id, { body: 'unlocked' });
  });
});

describe('take private', () => {
  it('opens a case for the author linked both ways, once', async () => {
    const { thread } = await askedThread('My order number is private');
    const { case: kase, thread: linked } = await takeThreadPrivate(asAgent(a, w.ana.id), { threadId: thread.id, priority: 'HIGH' });
    expect([kase.customerId, kase.subject, kase.description, kase.priority]).toEqual([asker.customerId, thread.title, 'It arrived broken.', 'HIGH']);
    expect(linked.caseId).toBe(kase.id);
    expect((await getThread(a, thread.id)).caseId).toBe(kase.id);
    expect((await threadOfCase(a, kase.id))?.id).toBe(thread.id);
    expect((await forumThread(a, thread.id, {}, null)).thread.caseId).toBe(kase.id);
    const events = await a.data.db.select().from(outbox).where(eq(outbox.subjectId, thread.id));
    expect(events.map((e) => e.type)).toContain('community.thread_taken_private');
    await expect(takeThreadPrivate(a, { threadId: thread.id })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('is atomic: a failing take writes no case and no link', async () => {
    const { thread } = await askedThread('Atomic');
    const before = (await a.data.db.select().from(cases)).length;
    await expect(takeThreadPrivate(a, { threadId: thread.id, queueId: w.kase.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await a.data.db.select().from(cases)).length).toBe(before);
    expect((await a.data.db.select().from(communityThreads).where(eq(communityThreads.id, thread.id)))[0]!.caseId).toBeNull();
  });

  it('answers NOT_FOUND across tenants', async () => {
    const { thread, reply } = await askedThread('Cross tenant');
    await expect(takeThreadPrivate(b, { threadId: thread.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(setPostHidden(b, { id: reply.id, hidden: true }, staffViewer(b))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(setThreadLocked(b, { threadId: thread.id, locked: true }, staffViewer(b))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getThread(b, thread.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('merging customers', () => {
  it('keeps one poll vote per person, the moderator flag and every tag on the survivor', async () => {
    const survivor = await portalCustomer(a, 'Survivor');
    const duplicate = await portalCustomer(a, 'Duplicate');
    await setCommunityModerator(a, { customerId: duplicate.customerId, moderator: true });
    await tagCustomer(a, { customerId: survivor.customerId, add: ['vip'] });
    await tagCustomer(a, { customerId: duplicate.customerId, add: ['vip', 'wholesale'] });
    const { thread } = await askedThread('Merge poll');
    const poll = await createPoll(a, { threadId: thread.id, question: 'Q?', options: ['A', 'B'] }, staffViewer(a));
    const [optA, optB] = (await pollOfThread(a, thread.id, staffViewer(a)))!.options;
    await voteInForumPoll(survivor, poll.id, optA!.id);
    await voteInForumPoll(duplicate, poll.id, optB!.id);
    await mergeCustomers(a, survivor.customerId, duplicate.customerId);
    const after = (await pollOfThread(a, thread.id, staffViewer(a)))!;
    expect(after.options.map((o) => o.votes)).toEqual([1, 0]);
    expect(await isCommunityModerator(a.data.db, survivor.customerId)).toBe(true);
    expect(await isCommunityModerator(a.data.db, duplicate.customerId)).toBe(false);
    expect((await tagsOfCustomers(a, [survivor.customerId, duplicate.customerId]))).toEqual(new Map([[survivor.customerId, ['vip', 'wholesale']], [duplicate.customerId, []]]));
  });
});
