import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../../config.js';
import { startServer, type RunningServer } from '../../http/server.js';
import { localId } from '../../lib/ids.js';
import { createLogger } from '../../lib/logger.js';
import { graphqlClient, type Gql, type GqlResponse } from '../../plugins/testing/graphql-client.js';
import { openPlatform, type Platform } from '../../platform.js';
import { createApiKey } from '../../tenancy/api-keys.js';
import { createTenant } from '../../tenancy/tenants.js';

const code = (res: GqlResponse) => res.errors?.[0]?.extensions?.code;
const issuePaths = (res: GqlResponse) =>
  ((res.errors?.[0]?.extensions?.issues as { path: (string | number)[] }[] | undefined) ?? []).map((i) => i.path.join('.'));

describe("agents' tools over HTTP", () => {
  let dir: string;
  let platform: Platform;
  let server: RunningServer;
  let admin: Gql;
  let other: Gql;
  let ana: Gql;
  let bo: Gql;
  let caseId: string;
  let queueId: string;
  let boId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-agent-tools-api-'));
    platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0' }), createLogger('silent'));
    server = await startServer(platform);
    const a = await createTenant(platform.control.db, platform.tenants, { slug: 'tools-a' });
    const b = await createTenant(platform.control.db, platform.tenants, { slug: 'tools-b' });
    admin = graphqlClient(server.url, a.apiKey);
    other = graphqlClient(server.url, b.apiKey);
    const agent = async (gql: Gql, name: string) =>
      (await gql(`mutation($i: CreateAgentInput!) { createAgent(input: $i) { agent { id } } }`, { i: { name, email: `${name.toLowerCase()}@support.example` } })).data.createAgent.agent.id as string;
    const anaId = await agent(admin, 'Ana');
    boId = await agent(admin, 'Bo');
    await agent(other, 'Bo');
    const keyFor = async (id: string) => graphqlClient(server.url, (await createApiKey(platform.control.db, { tenantId: a.tenant.id, role: 'agent', agentId: localId('Agent', id) })).apiKey);
    ana = await keyFor(anaId);
    bo = await keyFor(boId);
    const customer = await admin(`mutation { createCustomer(input: { name: "Ada", email: "ada@example.com" }) { customer { id } } }`);
    const kase = await admin(`mutation($c: ID!) { createCase(input: { customerId: $c, subject: "Late parcel", channel: EMAIL }) { case { id number } } }`,
      { c: customer.data.createCustomer.customer.id });
    caseId = kase.data.createCase.case.id;
    queueId = (await admin(`mutation { createQueue(input: { name: "Escalations" }) { queue { id } } }`)).data.createQueue.queue.id;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('notes mention agents, who see and clear their notifications; another tenant finds nothing', async () => {
    const res = await ana(`mutation($i: AddCaseNoteInput!) { addCaseNote(input: $i) { note { id body author { name } } mentioned { id name } } }`,
      { i: { caseId, body: 'Carrier lost it? @bo' } });
    expect(res.errors).toBeUndefined();
    expect(res.data.addCaseNote.note.author.name).toBe('Ana');
    expect(res.data.addCaseNote.mentioned).toEqual([{ id: boId, name: 'Bo' }]);
    const inbox = await bo(`{ unreadNotificationCount agentNotifications(unreadOnly: true) { edges { node { id kind case { id } note { body } } } } }`);
    expect(inbox.data.unreadNotificationCount).toBe(1);
    expect(inbox.data.agentNotifications.edges[0].node).toMatchObject({ kind: 'MENTION', case: { id: caseId }, note: { body: 'Carrier lost it? @bo' } });
    expect((await ana(`{ unreadNotificationCount }`)).data.unreadNotificationCount).toBe(0);
    const read = await bo(`mutation { markNotificationsRead(input: {}) { count } }`);
    expect(read.data.markNotificationsRead.count).toBe(1);
    const notes = await admin(`query($id: ID!) { case(id: $id) { notes { edges { node { body } } } interactions { edges { node { body } } } } }`, { id: caseId });
    expect(notes.data.case.notes.edges).toHaveLength(1);
    expect(notes.data.case.interactions.edges).toEqual([]);
    expect(code(await other(`mutation($i: AddCaseNoteInput!) { addCaseNote(input: $i) { note { id } } }`, { i: { caseId, body: 'x @bo' } }))).toBe('NOT_FOUND');
  });

  it('tags cases and finds them by tag', async () => {
    const res = await ana(`mutation($i: TagCaseInput!) { tagCase(input: $i) { tags case { tags } } }`, { i: { caseId, add: ['VIP', 'carrier'] } });
    expect(res.data.tagCase.tags).toEqual(['carrier', 'vip']);
    const found = await admin(`{ casesByTag(tag: "vip") { edges { node { id tags } } } caseTags { tag count } }`);
    expect(found.data.casesByTag.edges).toEqual([{ node: { id: caseId, tags: ['carrier', 'vip'] } }]);
    expect(found.data.caseTags).toEqual([{ tag: 'carrier', count: 1 }, { tag: 'vip', count: 1 }]);
    expect(code(await ana(`mutation($i: TagCaseInput!) { tagCase(input: $i) { tags } }`, { i: { caseId, add: ['no spaces'] } }))).toBe('BAD_USER_INPUT');
  });

  it('saves canned responses with known variables only and renders them for a case', async () => {
    const bad = await ana(`mutation($i: CreateCannedResponseInput!) { createCannedResponse(input: $i) { cannedResponse { id } } }`, { i: { name: 'x', body: '{{customer.ssn}}' } });
    expect(code(bad)).toBe('TEMPLATE_INVALID');
    expect(bad.errors![0]!.extensions!.variables).toContain('customer.name');
    const ok = await ana(`mutation($i: CreateCannedResponseInput!) { createCannedResponse(input: $i) { cannedResponse { id } } }`,
      { i: { name: 'hello', body: 'Hi {{customer.name}}, about case {{case.number}}.' } });
    const cannedId = ok.data.createCannedResponse.cannedResponse.id;
    const rendered = await ana(`query($c: ID!, $k: ID!) { renderCannedResponse(cannedResponseId: $c, caseId: $k) case(id: $k) { number } }`, { c: cannedId, k: caseId });
    expect(rendered.data.renderCannedResponse).toBe(`Hi Ada, about case ${rendered.data.case.number}.`);
    expect(code(await other(`query($c: ID!, $k: ID!) { renderCannedResponse(cannedResponseId: $c, caseId: $k) }`, { c: cannedId, k: caseId }))).toBe('NOT_FOUND');
  });

  it('applies a macro with global ids inside its actions; a bad one is named by its path', async () => {
    const bad = await admin(`mutation($i: CreateMacroInput!) { createMacro(input: $i) { macro { id } } }`,
      { i: { name: 'Bad', actions: [{ type: 'SET_QUEUE', queueId: caseId }] } });
    expect([code(bad), issuePaths(bad)]).toEqual(['BAD_USER_INPUT', ['input.actions.0.queueId']]);
    const made = await admin(`mutation($i: CreateMacroInput!) { createMacro(input: $i) { macro { id actions { type queue { id } status tags } } } }`, {
      i: { name: 'Escalate', actions: [{ type: 'SET_QUEUE', queueId }, { type: 'SET_STATUS', status: 'PENDING' }, { type: 'ADD_TAGS', tags: ['escalated'] }] },
    });
    expect(made.errors).toBeUndefined();
    expect(made.data.createMacro.macro.actions[0]).toMatchObject({ type: 'SET_QUEUE', queue: { id: queueId } });
    expect(code(await ana(`mutation($i: CreateMacroInput!) { createMacro(input: $i) { macro { id } } }`, { i: { name: 'No', actions: [{ type: 'SET_STATUS', status: 'OPEN' }] } }))).toBe('FORBIDDEN');
    const applied = await ana(`mutation($i: ApplyMacroInput!) { applyMacro(input: $i) { case { status queue { id } tags } replies { id } } }`,
      { i: { macroId: made.data.createMacro.macro.id, caseId } });
    expect(applied.data.applyMacro).toEqual({ case: { status: 'PENDING', queue: { id: queueId }, tags: ['carrier', 'escalated', 'vip'] }, replies: [] });
  });

  it('schedules and cancels a reply', async () => {
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const res = await ana(`mutation($i: ScheduleReplyInput!) { scheduleReply(input: $i) { scheduledReply { id status channel agent { name } } } }`, { i: { caseId, body: 'Later', sendAt } });
    expect(res.data.scheduleReply.scheduledReply).toMatchObject({ status: 'SCHEDULED', channel: 'EMAIL', agent: { name: 'Ana' } });
    const id = res.data.scheduleReply.scheduledReply.id;
    expect(code(await other(`mutation($id: ID!) { cancelScheduledReply(id: $id) { scheduledReply { id } } }`, { id }))).toBe('NOT_FOUND');
    const cancelled = await ana(`mutation($id: ID!) { cancelScheduledReply(id: $id) { scheduledReply { status } } }`, { id });
    expect(cancelled.data.cancelScheduledReply.scheduledReply.status).toBe('CANCELLED');
    expect(code(await ana(`mutation($id: ID!) { cancelScheduledReply(id: $id) { scheduledReply { status } } }`, { id }))).toBe('CONFLICT');
    const noCalendar = await ana(`mutation($i: ScheduleReplyInput!) { scheduleReply(input: $i) { scheduledReply { id } } }`, { i: { caseId, body: 'x', nextBusinessHour: true } });
    expect(code(noCalendar)).toBe('BAD_USER_INPUT');
  });
});
