import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../../config.js';
import { startServer, type RunningServer } from '../../http/server.js';
import { createLogger } from '../../lib/logger.js';
import { graphqlClient, type Gql, type GqlResponse } from '../../plugins/testing/graphql-client.js';
import { openPlatform, type Platform } from '../../platform.js';
import { createApiKey } from '../../tenancy/api-keys.js';
import { createTenant } from '../../tenancy/tenants.js';

const code = (res: GqlResponse) => res.errors?.[0]?.extensions?.code;

describe('community over HTTP', () => {
  let dir: string;
  let platform: Platform;
  let server: RunningServer;
  let admin: Gql;
  let other: Gql;
  let reader: Gql;
  let asker: string;
  let voter: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-community-api-'));
    platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0' }), createLogger('silent'));
    server = await startServer(platform);
    const a = await createTenant(platform.control.db, platform.tenants, { slug: 'forum-a' });
    const b = await createTenant(platform.control.db, platform.tenants, { slug: 'forum-b' });
    admin = graphqlClient(server.url, a.apiKey);
    other = graphqlClient(server.url, b.apiKey);
    reader = graphqlClient(server.url, (await createApiKey(platform.control.db, { tenantId: a.tenant.id, role: 'integrator' })).apiKey);
    const customer = async (name: string) => (await admin(`mutation($n: String!) { createCustomer(input: { name: $n }) { customer { id } } }`, { n: name })).data.createCustomer.customer.id as string;
    asker = await customer('Asker');
    voter = await customer('Voter');
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function thread(title: string) {
    const res = await admin(`mutation($i: CreateCommunityThreadInput!) { createCommunityThread(input: $i) { thread { id } } }`,
      { i: { title, body: 'My lamp flickers.', authorCustomerId: asker } });
    const threadId = res.data.createCommunityThread.thread.id as string;
    const reply = await admin(`mutation($i: CreateCommunityPostInput!) { createCommunityPost(input: $i) { post { id } } }`,
      { i: { threadId, body: 'Change the bulb.', authorCustomerId: voter } });
    return { threadId, postId: reply.data.createCommunityPost.post.id as string };
  }

  it('files threads in forums, accepts answers and counts poll votes once per customer', async () => {
    const forum = await admin(`mutation { createCommunityForum(input: { name: "Lamps", position: 1 }) { forum { id } } }`);
    const forumId = forum.data.createCommunityForum.forum.id;
    const made = await admin(`mutation($i: CreateCommunityThreadInput!) { createCommunityThread(input: $i) { thread { id forum { name } } } }`,
      { i: { title: 'Bulbs', body: 'Which?', forumId, authorCustomerId: asker } });
    expect(made.data.createCommunityThread.thread.forum).toEqual({ name: 'Lamps' });
    expect((await admin(`{ communityForums { name threads { totalCount } } }`)).data.communityForums).toEqual([{ name: 'Lamps', threads: { totalCount: 1 } }]);

    const { threadId, postId } = await thread('Flicker');
    const accepted = await admin(`mutation($i: AcceptCommunityAnswerInput!) { acceptCommunityAnswer(input: $i) { thread { acceptedAnswer { id } } } }`, { i: { threadId, postId } });
    expect(accepted.data.acceptCommunityAnswer.thread.acceptedAnswer).toEqual({ id: postId });

    const poll = await admin(`mutation($i: CreateCommunityPollInput!) { createCommunityPoll(input: $i) { poll { id options { id label votes } } } }`,
      { i: { threadId, question: 'Fixed?', options: ['Yes', 'No'] } });
    const { id: pollId, options } = poll.data.createCommunityPoll.poll;
    const vote = (customerId: string) => admin(`mutation($i: VoteCommunityPollInput!) { voteCommunityPoll(input: $i) { poll { totalVotes options { votes } } } }`,
      { i: { pollId, optionId: options[0].id, customerId } });
    expect((await vote(voter)).data.voteCommunityPoll.poll).toEqual({ totalVotes: 1, options: [{ votes: 1 }, { votes: 0 }] });
    expect(code(await vote(voter))).toBe('ALREADY_VOTED');
    expect(code(await other(`mutation($i: VoteCommunityPollInput!) { voteCommunityPoll(input: $i) { poll { id } } }`,
      { i: { pollId, optionId: options[0].id, customerId: voter } }))).toBe('NOT_FOUND');
  });

  it('hides and locks; read-only keys do not see hidden posts', async () => {
    const { threadId, postId } = await thread('Moderated');
    await admin(`mutation($i: SetCommunityPostHiddenInput!) { setCommunityPostHidden(input: $i) { post { hidden } } }`, { i: { postId, hidden: true } });
    const posts = `query($id: ID!) { communityThread(id: $id) { posts { edges { node { body hidden } } } } }`;
    expect((await admin(posts, { id: threadId })).data.communityThread.posts.edges).toHaveLength(2);
    expect((await reader(posts, { id: threadId })).data.communityThread.posts.edges.map((e: { node: { body: string } }) => e.node.body)).toEqual(['My lamp flickers.']);
    const locked = await admin(`mutation($i: SetCommunityThreadLockedInput!) { setCommunityThreadLocked(input: $i) { thread { locked } } }`, { i: { threadId, locked: true } });
    expect(locked.data.setCommunityThreadLocked.thread.locked).toBe(true);
    expect(code(await admin(`mutation($i: CreateCommunityPostInput!) { createCommunityPost(input: $i) { post { id } } }`,
      { i: { threadId, body: 'late', authorCustomerId: voter } }))).toBe('THREAD_LOCKED');
    expect(code(await reader(`mutation($i: SetCommunityThreadLockedInput!) { setCommunityThreadLocked(input: $i) { thread { locked } } }`, { i: { threadId, locked: false } }))).toBe('FORBIDDEN');
  });

  it('takes a thread private into a case, linked both ways, once', async () => {
    const { threadId } = await thread('Private please');
    const taken = await admin(`mutation($i: TakeCommunityThreadPrivateInput!) { takeCommunityThreadPrivate(input: $i) {
      thread { id takenPrivate privateCase { id } } case { id subject customer { id } communityThread { id } } } }`, { i: { threadId, priority: 'HIGH' } });
    expect(taken.errors).toBeUndefined();
    const { thread: t, case: c } = taken.data.takeCommunityThreadPrivate;
    expect([t.takenPrivate, t.privateCase.id, c.communityThread.id, c.customer.id, c.subject]).toEqual([true, c.id, threadId, asker, 'Private please']);
    expect(code(await admin(`mutation($i: TakeCommunityThreadPrivateInput!) { takeCommunityThreadPrivate(input: $i) { case { id } } }`, { i: { threadId } }))).toBe('CONFLICT');
    expect(code(await other(`mutation($i: TakeCommunityThreadPrivateInput!) { takeCommunityThreadPrivate(input: $i) { case { id } } }`, { i: { threadId } }))).toBe('NOT_FOUND');
  });
});
