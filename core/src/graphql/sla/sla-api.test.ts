import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../../config.js';
import { startServer, type RunningServer } from '../../http/server.js';
import { createLogger } from '../../lib/logger.js';
import { openPlatform, type Platform } from '../../platform.js';
import { slaTick } from '../../domain/sla/index.js';
import { createApiKey } from '../../tenancy/api-keys.js';
import { tenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { graphqlClient, type Gql, type GqlResponse } from '../../plugins/testing/graphql-client.js';

const CREATE_CALENDAR = `mutation($i: CreateSlaCalendarInput!) { createSlaCalendar(input: $i) {
  calendar { id name timeZone periods { weekday start end } holidays { date name recurring } } } }`;
const CREATE_POLICY = `mutation($i: CreateSlaPolicyInput!) { createSlaPolicy(input: $i) {
  policy { id name position enabled calendar { id name } conditions { priorities channels queues { id name } tiers }
    targets { kind priority minutes businessHours } warnPercent warnMinutes escalations { on targetKind action queue { id } agent { id } } } } }`;
const UPDATE_POLICY = `mutation($i: UpdateSlaPolicyInput!) { updateSlaPolicy(input: $i) { policy { id name position } } }`;
const DELETE_POLICY = `mutation($id: ID!) { deleteSlaPolicy(id: $id) { deletedId } }`;
const POLICY = `query($id: ID!) { slaPolicy(id: $id) { id name } }`;

const office = {
  name: 'Office',
  timeZone: 'America/New_York',
  periods: [{ weekday: 'MONDAY', start: '09:00', end: '12:00' }, { weekday: 'MONDAY', start: '13:00', end: '17:00' }],
  holidays: [{ date: '2026-12-25', name: 'Christmas', recurring: true }],
};

/** The one error's code and the paths of its issues. */
function failure(res: GqlResponse) {
  expect(res.errors).toHaveLength(1);
  const error = res.errors![0]!;
  const issues = (error.extensions?.issues as { path: (string | number)[] }[] | undefined) ?? [];
  return { code: error.extensions?.code, paths: issues.map((i) => i.path.join('.')).sort() };
}

describe('SLA admin API over HTTP', () => {
  let dir: string;
  let platform: Platform;
  let server: RunningServer;
  let gqlA: Gql;
  let gqlB: Gql;
  let agentA: Gql;
  let calendarId: string;
  let policyId: string;
  let queueId: string;
  let agentId: string;
  let keyA: string;
  let tenantA: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-sla-api-'));
    platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0' }), createLogger('silent'));
    server = await startServer(platform);
    const a = await createTenant(platform.control.db, platform.tenants, { slug: 'sla-a' });
    const b = await createTenant(platform.control.db, platform.tenants, { slug: 'sla-b' });
    keyA = a.apiKey;
    tenantA = a.tenant.id;
    gqlA = graphqlClient(server.url, a.apiKey);
    gqlB = graphqlClient(server.url, b.apiKey);
    agentA = graphqlClient(server.url, (await createApiKey(platform.control.db, { tenantId: a.tenant.id, role: 'agent' })).apiKey);
    const q = await gqlA(`mutation { createQueue(input: { name: "Social" }) { queue { id } } }`);
    queueId = q.data.createQueue.queue.id;
    const ag = await gqlA(`mutation { createAgent(input: { name: "Sue", email: "sue@example.com" }) { agent { id } } }`);
    agentId = ag.data.createAgent.agent.id;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a calendar and a policy, and reads them back', async () => {
    const cal = await gqlA(CREATE_CALENDAR, { i: office });
    expect(cal.errors).toBeUndefined();
    calendarId = cal.data.createSlaCalendar.calendar.id;
    expect(cal.data.createSlaCalendar.calendar).toMatchObject({
      timeZone: 'America/New_York',
      periods: [{ weekday: 'MONDAY', start: '09:00', end: '12:00' }, { weekday: 'MONDAY', start: '13:00', end: '17:00' }],
      holidays: [{ date: '2026-12-25', name: 'Christmas', recurring: true }],
    });
    const res = await gqlA(CREATE_POLICY, { i: {
      name: 'Social within a day', calendarId, conditions: { channels: ['SOCIAL'], queueIds: [queueId], tiers: ['gold'] },
      targets: [{ kind: 'FIRST_RESPONSE', minutes: 60 }, { kind: 'RESOLUTION', priority: 'URGENT', minutes: 240, businessHours: false }],
      warnMinutes: 10,
      escalations: [{ on: 'BREACHED', action: 'REASSIGN', queueId }, { on: 'BREACHING_SOON', targetKind: 'RESOLUTION', action: 'NOTIFY', agentId }],
    } });
    expect(res.errors).toBeUndefined();
    const policy = res.data.createSlaPolicy.policy;
    policyId = policy.id;
    expect(policy).toMatchObject({
      position: 1, enabled: true, calendar: { id: calendarId, name: 'Office' },
      conditions: { priorities: [], channels: ['SOCIAL'], queues: [{ id: queueId, name: 'Social' }], tiers: ['gold'] },
      targets: [{ kind: 'FIRST_RESPONSE', priority: null, minutes: 60, businessHours: true }, { kind: 'RESOLUTION', priority: 'URGENT', minutes: 240, businessHours: false }],
      warnPercent: 15, warnMinutes: 10,
      escalations: [{ on: 'BREACHED', targetKind: null, action: 'REASSIGN', queue: { id: queueId }, agent: null },
        { on: 'BREACHING_SOON', targetKind: 'RESOLUTION', action: 'NOTIFY', queue: null, agent: { id: agentId } }],
    });
    const list = await gqlA(`{ slaPolicies { id } slaCalendars { id } }`);
    expect(list.data).toEqual({ slaPolicies: [{ id: policyId }], slaCalendars: [{ id: calendarId }] });
  });

  it('answers validation problems with BAD_USER_INPUT naming every field', async () => {
    const cal = (i: Record<string, unknown>) => gqlA(CREATE_CALENDAR, { i: { ...office, name: 'Bad', ...i } });
    expect(failure(await cal({ timeZone: 'Europe/Atlantis' }))).toEqual({ code: 'BAD_USER_INPUT', paths: ['input.timeZone'] });
    expect(failure(await cal({ periods: [] }))).toEqual({ code: 'BAD_USER_INPUT', paths: ['input.periods'] });
    expect(failure(await cal({ periods: [{ weekday: 'MONDAY', start: '09:00', end: '12:00' }, { weekday: 'MONDAY', start: '11:00', end: '12:30' }] })))
      .toEqual({ code: 'BAD_USER_INPUT', paths: ['input.periods.1'] });
    expect(failure(await cal({ periods: [{ weekday: 'MONDAY', start: '9am', end: '25:00' }] })))
      .toEqual({ code: 'BAD_USER_INPUT', paths: ['input.periods.0.end', 'input.periods.0.start'] });
    const holidays = Array.from({ length: 51 }, (_, i) => ({ date: `2027-03-${String((i % 28) + 1).padStart(2, '0')}` }));
    expect(failure(await cal({ holidays }))).toEqual({ code: 'BAD_USER_INPUT', paths: ['input.holidays'] });
    // A calendar already full of holidays takes no more than 50 at a time either.
    expect(failure(await gqlA(`mutation($i: AddSlaHolidaysInput!) { addSlaHolidays(input: $i) { calendar { id } } }`, { i: { calendarId, holidays } })))
      .toEqual({ code: 'BAD_USER_INPUT', paths: ['input.holidays'] });

    const policy = (i: Record<string, unknown>) => gqlA(CREATE_POLICY, { i: { name: 'Bad', targets: [{ kind: 'RESOLUTION', minutes: 60, businessHours: false }], ...i } });
    expect(failure(await policy({ targets: [{ kind: 'RESOLUTION', minutes: 0, businessHours: false }], warnPercent: 100 })))
      .toEqual({ code: 'BAD_USER_INPUT', paths: ['input.targets.0.minutes', 'input.warnPercent'] });
    expect(failure(await policy({ targets: [{ kind: 'RESOLUTION', minutes: 60 }] }))).toEqual({ code: 'BAD_USER_INPUT', paths: ['input.targets.0.businessHours'] });
    // Ids inside conditions and rules are checked with the rest.
    expect(failure(await policy({ conditions: { queueIds: [agentId] }, escalations: [{ on: 'BREACHED', action: 'NOTIFY', agentId: 'nope' }], calendarId: queueId })))
      .toEqual({ code: 'BAD_USER_INPUT', paths: ['input.calendarId', 'input.conditions.queueIds.0', 'input.escalations.0.agentId'] });
    const duplicate = await gqlA(CREATE_POLICY, { i: { name: 'Social within a day', targets: [{ kind: 'RESOLUTION', minutes: 60, businessHours: false }] } });
    expect(failure(duplicate).code).toBe('CONFLICT');
    expect((await gqlA(`{ slaPolicies { id } }`)).data.slaPolicies).toHaveLength(1);
  });

  it('keeps calendar and policy writes for admins', async () => {
    expect(failure(await agentA(CREATE_CALENDAR, { i: { ...office, name: 'Agent’s' } })).code).toBe('FORBIDDEN');
    expect(failure(await agentA(DELETE_POLICY, { id: policyId })).code).toBe('FORBIDDEN');
    // Reading is for everyone.
    expect((await agentA(POLICY, { id: policyId })).data.slaPolicy.id).toBe(policyId);
  });

  it('answers NOT_FOUND in tenant B for tenant A’s policy and calendar, and changes nothing in A', async () => {
    expect(failure(await gqlB(POLICY, { id: policyId })).code).toBe('NOT_FOUND');
    expect(failure(await gqlB(UPDATE_POLICY, { i: { id: policyId, name: 'Taken over' } })).code).toBe('NOT_FOUND');
    expect(failure(await gqlB(DELETE_POLICY, { id: policyId })).code).toBe('NOT_FOUND');
    expect(failure(await gqlB(`query($id: ID!) { slaCalendar(id: $id) { id } }`, { id: calendarId })).code).toBe('NOT_FOUND');
    // A's calendar and queue named in B's policy are as unknown as made-up ones.
    expect(failure(await gqlB(CREATE_POLICY, { i: { name: 'B', calendarId, targets: [{ kind: 'RESOLUTION', minutes: 60 }] } })).code).toBe('NOT_FOUND');
    expect(failure(await gqlB(CREATE_POLICY, { i: { name: 'B', conditions: { queueIds: [queueId] }, targets: [{ kind: 'RESOLUTION', minutes: 60, businessHours: false }] } })).code)
      .toBe('NOT_FOUND');
    expect((await gqlA(POLICY, { id: policyId })).data.slaPolicy.name).toBe('Social within a day');
    expect((await gqlB(`{ slaPolicies { id } }`)).data.slaPolicies).toEqual([]);
  });

  it('shows each case’s clocks, started by its matching policy', async () => {
    const moved = await gqlA(UPDATE_POLICY, { i: { id: policyId, position: 1, name: 'Social within a day' } });
    expect(moved.errors).toBeUndefined();
    const general = await gqlA(CREATE_POLICY, { i: { name: 'Everyone', targets: [{ kind: 'FIRST_RESPONSE', minutes: 120, businessHours: false }] } });
    expect(general.data.createSlaPolicy.policy.position).toBe(2);
    const customer = await gqlA(`mutation { createCustomer(input: { name: "Ada" }) { customer { id } } }`);
    const made = await gqlA(`mutation($c: ID!) { createCase(input: { customerId: $c, subject: "Broken", channel: EMAIL }) {
      case { id createdAt slaTargets { kind status dueAt hitAt breachedAt policy { name } } } } }`, { c: customer.data.createCustomer.customer.id });
    expect(made.errors).toBeUndefined();
    const kase = made.data.createCase.case;
    expect(kase.slaTargets).toEqual([{ kind: 'FIRST_RESPONSE', status: 'ACTIVE', dueAt: expect.any(String), hitAt: null, breachedAt: null, policy: { name: 'Everyone' } }]);
    expect(Date.parse(kase.slaTargets[0].dueAt) - Date.parse(kase.createdAt)).toBe(120 * 60_000);
    const agent = await gqlA(`mutation { createAgent(input: { name: "Ann", email: "ann@example.com" }) { agent { id } } }`);
    await gqlA(`mutation($i: AddInteractionInput!) { addInteraction(input: $i) { interaction { id } } }`, { i: {
      customerId: customer.data.createCustomer.customer.id, caseId: kase.id, channel: 'EMAIL', direction: 'OUTBOUND', body: 'Hello', agentId: agent.data.createAgent.agent.id,
    } });
    const read = await gqlA(`query($id: ID!) { node(id: $id) { ... on Case { slaTargets { kind status hitAt } slaEscalations { action } } } }`, { id: kase.id });
    expect(read.data.node.slaTargets).toEqual([{ kind: 'FIRST_RESPONSE', status: 'HIT', hitAt: expect.any(String) }]);
    expect(read.data.node.slaEscalations).toEqual([]);
  });

  it('lists the escalations the sweep applied to a case', async () => {
    await gqlA(UPDATE_POLICY, { i: { id: policyId, enabled: false } });
    const escalating = await gqlA(CREATE_POLICY, { i: {
      name: 'Escalating', position: 1, targets: [{ kind: 'RESOLUTION', minutes: 30, businessHours: false }],
      escalations: [{ on: 'BREACHED', action: 'RAISE_PRIORITY' }, { on: 'BREACHED', action: 'NOTIFY', agentId }],
    } });
    expect(escalating.errors).toBeUndefined();
    const customer = await gqlA(`mutation { createCustomer(input: { name: "Bea" }) { customer { id } } }`);
    const made = await gqlA(`mutation($c: ID!) { createCase(input: { customerId: $c, subject: "Late" }) { case { id createdAt } } }`,
      { c: customer.data.createCustomer.customer.id });
    const kase = made.data.createCase.case;
    const ctx = tenantContext((await platform.keys.verify(keyA))!, await platform.tenants.get(tenantA));
    await slaTick(ctx, new Date(Date.parse(kase.createdAt) + 31 * 60_000));
    const read = await gqlA(`query($id: ID!) { node(id: $id) { ... on Case { priority
      slaTargets { kind status breachedAt } slaEscalations { event action targetKind agent { id } fromPriority toPriority } } } }`, { id: kase.id });
    expect(read.data.node).toEqual({
      priority: 'HIGH',
      slaTargets: [{ kind: 'RESOLUTION', status: 'MISSED', breachedAt: new Date(Date.parse(kase.createdAt) + 30 * 60_000).toISOString() }],
      slaEscalations: expect.arrayContaining([
        { event: 'BREACHED', action: 'RAISE_PRIORITY', targetKind: 'RESOLUTION', agent: null, fromPriority: 'NORMAL', toPriority: 'HIGH' },
        { event: 'BREACHED', action: 'NOTIFY', targetKind: 'RESOLUTION', agent: { id: agentId }, fromPriority: null, toPriority: null },
      ]),
    });
    expect(read.data.node.slaEscalations).toHaveLength(2);
    const from = new Date(Date.parse(kase.createdAt) - 60_000).toISOString();
    const to = new Date(Date.parse(kase.createdAt) + 3_600_000).toISOString();
    const report = await gqlA(`query($from: DateTime!, $to: DateTime!) { slaOutcomes(from: $from, to: $to) { kind hit missed hitRate } }`, { from, to });
    expect(report.data.slaOutcomes).toContainEqual({ kind: 'RESOLUTION', hit: 0, missed: 1, hitRate: 0 });
    expect(failure(await gqlA(`query($t: DateTime!) { slaOutcomes(from: $t, to: $t) { kind } }`, { t: from }))).toEqual({ code: 'BAD_USER_INPUT', paths: ['to'] });
  });

  it('lists clocks due soon with their cases, and none of another tenant', async () => {
    const customer = await gqlA(`mutation { createCustomer(input: { name: "Cy" }) { customer { id } } }`);
    const made = await gqlA(`mutation($c: ID!) { createCase(input: { customerId: $c, subject: "Soon" }) { case { id } } }`,
      { c: customer.data.createCustomer.customer.id });
    const soon = new Date(Date.now() + 40 * 60_000).toISOString();
    const QUERY = `query($b: DateTime!) { slaTargetsDue(before: $b, first: 5) { kind dueAt case { id subject } } }`;
    const due = await gqlA(QUERY, { b: soon });
    expect(due.data.slaTargetsDue).toEqual([{ kind: 'RESOLUTION', dueAt: expect.any(String), case: { id: made.data.createCase.case.id, subject: 'Soon' } }]);
    expect((await gqlB(QUERY, { b: soon })).data.slaTargetsDue).toEqual([]);
    expect(failure(await gqlA(`{ slaTargetsDue(before: "2026-01-01T00:00:00Z", first: 500) { kind } }`)).code).toBe('BAD_USER_INPUT');
  });
});
