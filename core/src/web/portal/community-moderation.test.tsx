/**
 * The forum's moderation controls over real HTTP: moderators (customers an admin flagged) see
 * and use them, everyone else never sees them and a forged post is refused with its code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPost, getThread } from '../../domain/community.js';
import { setCommunityModerator } from '../../domain/community-moderation.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { signUpCustomer } from '../session/index.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../testing/web-test-server.js';

let web: WebTestServer;
let forum: TenantContext;
let other: TenantContext;

const P = '/t/mod-forum/portal';
const PASSWORD = 'correct horse battery';

async function tenant(slug: string): Promise<TenantContext> {
  const { tenant: row } = await createTenant(web.platform.control.db, web.platform.tenants, { slug, name: slug });
  return { tenantId: row.id, tenantSlug: slug, role: 'admin', actor: 'test', agentId: null, data: await web.platform.tenants.get(row.id) };
}

async function signedIn(email: string, slug = 'mod-forum'): Promise<WebVisitor> {
  const v = new WebVisitor(web.server.url);
  expect((await v.signIn(slug, 'portal', email, PASSWORD)).status).toBe(303);
  return v;
}

/** A thread started by `v` with one reply by `replier`: the thread's and the reply's ids. */
async function threadWithReply(v: WebVisitor, replier: WebVisitor, title: string): Promise<{ threadId: string; replyId: string }> {
  await v.get(`${P}/community/new`);
  const made = await v.post(`${P}/community/new`, { title, body: 'Opening words' });
  const threadId = /community\/([^/#?]+)$/.exec(made.location!)![1]!;
  await replier.get(`${P}/community/${threadId}`);
  const reply = await replier.post(`${P}/community/${threadId}/posts`, { body: 'A rude reply' });
  return { threadId, replyId: /#post-(.+)$/.exec(reply.location!)![1]! };
}

let mona: WebVisitor;
let carl: WebVisitor;

beforeAll(async () => {
  web = await startWebTestServer();
  forum = await tenant('mod-forum');
  other = await tenant('mod-other');
  const monaUser = await signUpCustomer(forum.data, { name: 'Mona', email: 'mona@example.com', password: PASSWORD });
  await signUpCustomer(forum.data, { name: 'Carl', email: 'carl@example.com', password: PASSWORD });
  await setCommunityModerator(forum, { customerId: monaUser.customerId, moderator: true });
  // Mona's namesake in another tenant is no moderator there.
  await signUpCustomer(other.data, { name: 'Mona', email: 'mona@example.com', password: PASSWORD });
  mona = await signedIn('mona@example.com');
  carl = await signedIn('carl@example.com');
}, 60_000);
afterAll(() => web?.close());

describe('forum moderation on the portal', () => {
  it('shows the controls to moderators only', async () => {
    const { threadId, replyId } = await threadWithReply(carl, carl, 'Controls are for moderators');
    const asModerator = (await mona.get(`${P}/community/${threadId}`)).html;
    expect(asModerator).toContain('Hide thread');
    expect(asModerator).toContain('Lock thread');
    expect(asModerator).toContain(`action="${P}/community/posts/${replyId}/moderate"`);
    for (const v of [carl, new WebVisitor(web.server.url)]) {
      const html = (await v.get(`${P}/community/${threadId}`)).html;
      expect(html).toContain('A rude reply');
      expect(html).not.toMatch(/Hide thread|Lock thread|\/moderate"/);
    }
  });

  it('hides a post: others no longer see it, the moderator sees it marked hidden, and can show it again', async () => {
    const { threadId, replyId } = await threadWithReply(carl, carl, 'Hiding a post');
    await mona.get(`${P}/community/${threadId}`);
    expect(await mona.post(`${P}/community/posts/${replyId}/moderate`, { hidden: 'true' })).toMatchObject({ status: 303, location: `${P}/community/${threadId}#post-${replyId}` });
    expect((await getPost(forum, replyId)).hiddenAt).not.toBeNull();
    expect((await carl.get(`${P}/community/${threadId}`)).html).not.toContain('A rude reply');
    const seen = (await mona.get(`${P}/community/${threadId}`)).html;
    expect(seen).toContain('A rude reply');
    expect(seen).toContain('Hidden from everyone but moderators');
    expect(seen).toMatch(new RegExp(`class="card portal-post portal-post--hidden" id="post-${replyId}"`));
    await mona.post(`${P}/community/posts/${replyId}/moderate`, { hidden: 'false' });
    expect((await carl.get(`${P}/community/${threadId}`)).html).toContain('A rude reply');
  });

  it('hides and locks a thread: hidden is 404 to others, locked takes no more replies', async () => {
    const { threadId } = await threadWithReply(carl, carl, 'Locking a thread');
    await mona.get(`${P}/community/${threadId}`);
    expect((await mona.post(`${P}/community/${threadId}/moderate`, { locked: 'true' })).status).toBe(303);
    const locked = await carl.get(`${P}/community/${threadId}`);
    expect(locked.html).toContain('This thread is locked');
    expect(locked.html).not.toContain(`action="${P}/community/${threadId}/posts"`);
    // A reply posted from a page drawn before the lock goes back to the thread, which says why.
    expect(await carl.post(`${P}/community/${threadId}/posts`, { body: 'Too late' })).toMatchObject({ status: 303, location: `${P}/community/${threadId}` });
    expect((await carl.get(`${P}/community/${threadId}`)).html).not.toContain('Too late');
    expect((await mona.get(`${P}/community/${threadId}`)).html).toContain('Unlock thread');

    expect((await mona.post(`${P}/community/${threadId}/moderate`, { hidden: 'true' })).status).toBe(303);
    expect((await carl.get(`${P}/community/${threadId}`)).status).toBe(404);
    expect((await carl.get(`${P}/community`)).html).not.toContain('Locking a thread');
    const listed = (await mona.get(`${P}/community`)).html;
    expect(listed).toContain('Locking a thread');
    expect(listed).toMatch(/Locking a thread<\/a><\/h2><p class="muted">[^<]*<span class="moderated-flag">Hidden<\/span>/);
    expect((await mona.get(`${P}/community/${threadId}`)).html).toContain('This thread is hidden');
    await mona.post(`${P}/community/${threadId}/moderate`, { hidden: 'false' });
    await mona.post(`${P}/community/${threadId}/moderate`, { locked: 'false' });
    expect(await getThread(forum, threadId)).toMatchObject({ hiddenAt: null, lockedAt: null });
  });

  it('refuses a forged moderation post from a customer who is not a moderator, a visitor, another tenant, or without the token', async () => {
    const { threadId, replyId } = await threadWithReply(carl, carl, 'Forged moderation');
    await carl.get(`${P}/community/${threadId}`);
    const thread = await carl.post(`${P}/community/${threadId}/moderate`, { locked: 'true' });
    expect([thread.status, thread.html]).toEqual([403, expect.stringContaining('FORBIDDEN')]);
    const post = await carl.post(`${P}/community/posts/${replyId}/moderate`, { hidden: 'true' });
    expect([post.status, post.html]).toEqual([403, expect.stringContaining('FORBIDDEN')]);
    // A visitor (with a form token of the sign-in page) is not signed in: 401, nothing changes.
    const visitor = new WebVisitor(web.server.url);
    await visitor.get(`${P}/sign-in`);
    expect((await visitor.post(`${P}/community/${threadId}/moderate`, { locked: 'true' })).status).toBe(401);
    // The moderator of this forum is nobody in another tenant's, and this thread is unknown there.
    const elsewhere = await signedIn('mona@example.com', 'mod-other');
    await elsewhere.get('/t/mod-other/portal/community');
    expect((await elsewhere.post(`/t/mod-other/portal/community/${threadId}/moderate`, { locked: 'true' })).status).toBe(403);
    // A missing thread is 404 to a moderator; a form without a switch is a coded 400; a forged token 403.
    await mona.get(`${P}/community/${threadId}`);
    expect((await mona.post(`${P}/community/no-such-thread/moderate`, { locked: 'true' })).status).toBe(404);
    const noSwitch = await mona.post(`${P}/community/${threadId}/moderate`, { locked: 'maybe' });
    expect([noSwitch.status, noSwitch.html]).toEqual([400, expect.stringContaining('BAD_USER_INPUT')]);
    mona.csrf = 'forged';
    expect((await mona.post(`${P}/community/${threadId}/moderate`, { locked: 'true' })).status).toBe(403);
    await mona.get(`${P}/community/${threadId}`);
    expect(await getThread(forum, threadId)).toMatchObject({ hiddenAt: null, lockedAt: null });
    expect((await getPost(forum, replyId)).hiddenAt).toBeNull();
  });
});
