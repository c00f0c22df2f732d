import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../../../domain/agents.js';
import { addSlaHolidays, createSlaCalendar, createSlaPolicy, getSlaCalendar } from '../../../domain/sla/index.js';
import type { TenantContext } from '../../../tenancy/context.js';
import { createTenant } from '../../../tenancy/tenants.js';
import { createStaffUser } from '../../../tenancy/web-users.js';
import { WebVisitor } from '../../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../../testing/web-test-server.js';

let web: WebTestServer;
const PASSWORD = 'correct horse battery';
/** Records of the south tenant, which north's admin must not reach. */
const south = { queueId: '', calendarId: '', policyId: '', agentId: '', channelId: '' };
let northAgentId = '';
let northCtx: TenantContext;

async function admin(slug = 'north') {
  const visitor = new WebVisitor(web.server.url);
  const { status } = await visitor.signIn(slug, 'admin', `${slug[0]}-admin@example.test`, PASSWORD);
  expect(status).toBe(303);
  return visitor;
}

/** The message shown beside a field, by the field's element id. */
const errorOf = (html: string, id: string) => new RegExp(`id="${id}-error">([^<]+)<`).exec(html)?.[1];
const secretIn = (html: string) => /id="channel-secret" class="secret-once" type="text" readonly="" value="(chs_[^"]+)"/.exec(html)?.[1];
const inboundIn = (html: string) => /id="channel-url" class="secret-once" type="text" readonly="" value="([^"]+)"/.exec(html)?.[1];
const idAfter = (location: string | null, prefix: string) => new RegExp(`${prefix}/([0-9a-f-]{36})`).exec(location ?? '')?.[1] ?? '';

beforeAll(async () => {
  web = await startWebTestServer();
  const { platform } = web;
  const bootstrap = { id: 'bootstrap', role: 'admin' as const };
  for (const slug of ['north', 'south'] as const) {
    const { tenant } = await createTenant(platform.control.db, platform.tenants, { slug, name: slug });
    const data = await platform.tenants.get(tenant.id);
    await createStaffUser(data, bootstrap, { role: 'admin', name: 'Ada', email: `${slug[0]}-admin@example.test`, password: PASSWORD });
    const agent = await createStaffUser(data, bootstrap, { role: 'agent', name: `Alan ${slug}`, email: `${slug[0]}-agent@example.test`, password: PASSWORD });
    const ctx: TenantContext = { tenantId: tenant.id, tenantSlug: slug, role: 'admin', actor: 'system', data };
    if (slug === 'north') {
      northAgentId = agent.agentId!;
      northCtx = ctx;
      continue;
    }
    south.agentId = agent.agentId!;
    south.queueId = (await createQueue(ctx, { name: 'South desk' })).id;
    south.calendarId = (await createSlaCalendar(ctx, { name: 'South hours', timeZone: 'Europe/Madrid', periods: [{ weekday: 'MONDAY', start: '09:00', end: '17:00' }] })).id;
    south.policyId = (await createSlaPolicy(ctx, { name: 'South policy', calendarId: south.calendarId, targets: [{ kind: 'FIRST_RESPONSE', minutes: 60 }] })).id;
  }
  const southAdmin = await admin('south');
  await southAdmin.get('/t/south/admin/channels');
  const created = await southAdmin.post('/t/south/admin/channels', { kind: 'EMAIL', name: 'South mail' });
  south.channelId = /\/t\/south\/admin\/channels\/([0-9a-f-]{36})\/rotate/.exec((await southAdmin.get('/t/south/admin/channels')).html)?.[1] ?? '';
  expect(created.status).toBe(200);
  expect(south.channelId).not.toBe('');
}, 120_000);
afterAll(() => web?.close());

describe('the operations pages are the admins\'', () => {
  it('refuses visitors who are not signed in as an admin, and posts without the form token', async () => {
    const anonymous = new WebVisitor(web.server.url);
    for (const path of ['channels', 'queues', 'skills', 'sla-policies', 'calendars']) {
      const visit = await anonymous.get(`/t/north/admin/${path}`);
      expect(visit.status, path).toBe(303);
      expect(visit.location, path).toContain('/t/north/admin/sign-in');
    }
    // An agent has no way in: the admin sign-in refuses the account, and a console session opens no admin page.
    const agent = new WebVisitor(web.server.url);
    expect((await agent.signIn('north', 'admin', 'n-agent@example.test', PASSWORD)).status).toBe(422);
    expect((await agent.signIn('north', 'console', 'n-agent@example.test', PASSWORD)).status).toBe(303);
    const page = await agent.get('/t/north/admin/channels');
    expect(page.status).toBe(303);
    expect(page.location).toContain('/t/north/admin/sign-in');
    const post = await agent.post('/t/north/admin/queues', { name: 'Sneaky' });
    expect(post.status).toBe(403);

    const ada = await admin();
    await ada.get('/t/north/admin/queues');
    const forged = await ada.post('/t/north/admin/queues', { name: 'No token', _csrf: 'forged' });
    expect(forged.status).toBe(403);
    const queues = (await ada.get('/t/north/admin/queues')).html;
    expect(queues).not.toContain('No token');
    expect(queues).not.toContain('Sneaky');
  });
});

describe('channels', () => {
  it('shows a new channel\'s secret in the answer to its creation only, and the secret opens its inbound address', async () => {
    const ada = await admin();
    const form = await ada.get('/t/north/admin/channels');
    expect(form.html).toContain('No channels yet.');
    const created = await ada.post('/t/north/admin/channels', { kind: 'EMAIL', name: 'Support <mail>', region: 'gb' });
    expect(created.status).toBe(200);
    expect(created.res.headers.get('cache-control')).toBe('no-store');
    const secret = secretIn(created.html)!;
    expect(secret).toMatch(/^chs_/);
    expect(created.html).toContain('Channel &quot;Support &lt;mail&gt;&quot; is ready');
    const inbound = inboundIn(created.html)!;
    expect(inbound).toMatch(new RegExp(`^${web.server.url}/channels/north/[^/]+/email$`));

    // Never again: not on the list, not on the confirm page of a rotation.
    const list = await ada.get('/t/north/admin/channels');
    expect(list.html).not.toContain(secret);
    expect(list.html).toContain(inbound);
    expect(list.html).toContain('Support &lt;mail&gt;');
    const channelId = /\/admin\/channels\/([0-9a-f-]{36})\/rotate/.exec(list.html)![1]!;
    expect((await ada.get(`/t/north/admin/channels/${channelId}/rotate`)).html).not.toContain(secret);

    // The provider's post with the secret is received; with another one it is refused.
    const email = { headers: { 'Message-ID': '<m1@example.test>' }, from: 'rita@example.test', subject: 'Kettle', text: 'It leaks.' };
    const post = (bearer: string) => fetch(inbound, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(email) });
    expect((await post(secret)).status).toBe(200);

    // A rotation confirms first, then shows the new secret once; the old one stops working.
    const rotate = await ada.get(`/t/north/admin/channels/${channelId}/rotate`);
    expect(rotate.html).toContain('Make a new secret for &quot;Support &lt;mail&gt;&quot;?');
    const rotated = await ada.post(`/t/north/admin/channels/${channelId}/rotate`, {});
    expect(rotated.status).toBe(200);
    const fresh = secretIn(rotated.html)!;
    expect(fresh).toMatch(/^chs_/);
    expect(fresh).not.toBe(secret);
    expect((await post(secret)).status).toBe(401);
    expect((await ada.get('/t/north/admin/channels')).html).not.toContain(fresh);

    const disabled = await ada.post(`/t/north/admin/channels/${channelId}/disable`, {});
    expect(disabled.status).toBe(303);
    expect(disabled.location).toBe('/t/north/admin/channels?done=disabled');
    const after = await ada.get(disabled.location!);
    expect(after.html).toContain('The channel is disabled');
    expect(after.html).toMatch(/Disabled on /);
    expect((await post(fresh)).status).toBe(404);
  });

  it('answers bad input with the form, the message beside the field and what was typed, 422', async () => {
    const ada = await admin();
    await ada.get('/t/north/admin/channels');
    const bad = await ada.post('/t/north/admin/channels', { kind: 'PIGEON', name: '  ', region: 'Narnia' });
    expect(bad.status).toBe(422);
    expect(errorOf(bad.html, 'f-name')).toBe('Give the channel a name of 1 to 120 characters.');
    expect(errorOf(bad.html, 'f-kind')).toBe('Pick one of the kinds in the list.');
    expect(errorOf(bad.html, 'f-region')).toBe('A region is two letters, such as GB or ES.');
    expect(bad.html).toContain('value="Narnia"');
    expect(bad.html).toMatch(/id="f-name"[^>]*aria-invalid="true"[^>]*aria-describedby="f-name-hint f-name-error"/);
    expect(bad.html).not.toContain('chs_');
  });
});

describe('queues and skills', () => {
  it('creates a queue, configures its routing and lists it with its priority and skills', async () => {
    const ada = await admin();
    await ada.get('/t/north/admin/queues');
    const created = await ada.post('/t/north/admin/queues', { name: 'Billing', description: 'Invoices and refunds' });
    expect(created.status).toBe(303);
    const queueId = idAfter(created.location, '/admin/queues');
    expect(created.location).toBe(`/t/north/admin/queues/${queueId}?done=created`);
    const form = await ada.get(created.location!);
    expect(form.html).toContain('Routing of &quot;Billing&quot;');
    expect(form.html).toContain('The queue is added.');
    const saved = await ada.post(`/t/north/admin/queues/${queueId}`, [
      ['priority', '1'], ['skills.0.skill', 'Billing'], ['skills.0.level', '3'], ['skills.1.skill', 'spanish'], ['skills.1.level', ''], ['skills.1.additional', 'on'],
      ['skills.2.skill', ''], ['skills.2.level', ''], ['skillDropSeconds', '120'], ['offerTimeoutSeconds', '45'], ['returnAfterMinutes', '30'],
      ['returnAction', 'ESCALATE'], ['fallbackQueueId', ''],
    ]);
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/t/north/admin/queues?done=saved');
    const list = await ada.get(saved.location!);
    expect(list.html).toContain('The routing is saved.');
    expect(list.html).toMatch(/<td class="cell--title">Billing<\/td><td data-label="Priority">1<\/td><td data-label="Required skills">billing \(3\), spanish \(1, additional\)<\/td>/);
    expect(list.html).toContain('45 seconds');
    expect(list.html).toContain('30 minutes · Escalate to a supervisor');
    // The edit form shows what was saved.
    const again = await ada.get(`/t/north/admin/queues/${queueId}`);
    expect(again.html).toMatch(/name="skills\.1\.skill" type="text" value="spanish"/);
    expect(again.html).toMatch(/name="offerTimeoutSeconds" type="number" value="45"/);

    const taken = await ada.post('/t/north/admin/queues', { name: 'Billing', description: '' });
    expect(taken.status).toBe(422);
    expect(errorOf(taken.html, 'f-name')).toBe('There is a queue with this name already.');
  });

  it('answers bad routing with each message beside its field and the rows as typed, 422', async () => {
    const ada = await admin();
    await ada.get('/t/north/admin/queues');
    const created = await ada.post('/t/north/admin/queues', { name: 'Returns' });
    const queueId = idAfter(created.location, '/admin/queues');
    await ada.get(`/t/north/admin/queues/${queueId}`);
    const bad = await ada.post(`/t/north/admin/queues/${queueId}`, [
      ['priority', '500'], ['skills.0.skill', ''], ['skills.0.level', ''], ['skills.1.skill', 'Bad skill!'], ['skills.1.level', '11'],
      ['offerTimeoutSeconds', 'soon'], ['returnAction', 'FALLBACK_QUEUE'], ['fallbackQueueId', ''],
    ]);
    expect(bad.status).toBe(422);
    expect(errorOf(bad.html, 'f-priority')).toBe('A priority is a whole number from 1 to 100.');
    // The second row of the form, though the first was blank and left out.
    expect(errorOf(bad.html, 'f-skills-1-skill')).toMatch(/^A skill is 1 to 40/);
    expect(errorOf(bad.html, 'f-skills-1-level')).toBe('A level is a whole number from 1 to 10.');
    expect(errorOf(bad.html, 'f-offerTimeoutSeconds')).toBe('Give whole seconds from 5 to 3600.');
    expect(bad.html).toContain('value="Bad skill!"');
    expect(bad.html).toContain('value="soon"');
    expect(bad.html).toContain('value="500"');
    // Once each field reads, the rules between fields speak.
    const noFallback = await ada.post(`/t/north/admin/queues/${queueId}`, [['priority', '2'], ['offerTimeoutSeconds', '30'], ['returnAfterMinutes', '10'], ['returnAction', 'FALLBACK_QUEUE'], ['fallbackQueueId', '']]);
    expect(noFallback.status).toBe(422);
    expect(errorOf(noFallback.html, 'f-fallbackQueueId')).toBe('Pick another queue: moving to the fallback queue needs one.');
    expect(noFallback.html).toMatch(/<option value="FALLBACK_QUEUE" selected="">/);
  });

  it('sets the capacity units of each channel', async () => {
    const ada = await admin();
    const page = await ada.get('/t/north/admin/queues');
    expect(page.html).toMatch(/name="weights\.PHONE" type="number" value="6"/);
    expect(page.html).toMatch(/name="weights\.CHAT" type="number" value="2"/);
    const fields = (chat: string): [string, string][] => [['weights.EMAIL', '1'], ['weights.CHAT', chat], ['weights.PHONE', '6'], ['weights.SMS', '1'], ['weights.SOCIAL', '1'], ['weights.PORTAL', '1'], ['weights.VIDEO', '6']];
    const bad = await ada.post('/t/north/admin/queues/weights', fields('200'));
    expect(bad.status).toBe(422);
    expect(errorOf(bad.html, 'f-weights-CHAT')).toBe('Give whole units from 1 to 100.');
    expect(bad.html).toMatch(/name="weights\.CHAT" type="number" value="200"/);
    const saved = await ada.post('/t/north/admin/queues/weights', fields('3'));
    expect(saved.location).toBe('/t/north/admin/queues?done=weightsSaved');
    expect((await ada.get(saved.location!)).html).toMatch(/name="weights\.CHAT" type="number" value="3"/);
  });

  it('sets an agent\'s skills and levels, and lists the skills in use', async () => {
    const ada = await admin();
    const list = await ada.get('/t/north/admin/skills');
    expect(list.html).toContain('Alan north');
    const page = await ada.get(`/t/north/admin/skills/agents/${northAgentId}`);
    expect(page.html).toContain('Skills of Alan north');
    expect(page.html).toMatch(/name="capacity" type="number" value="\d+"/);
    const bad = await ada.post(`/t/north/admin/skills/agents/${northAgentId}`, [['capacity', 'lots'], ['skills.0.skill', 'billing'], ['skills.0.level', '0'], ['skills.1.skill', 'returns'], ['skills.1.level', '2']]);
    expect(bad.status).toBe(422);
    expect(errorOf(bad.html, 'f-skills-0-level')).toBe('A level is a whole number from 1 to 10.');
    expect(errorOf(bad.html, 'f-capacity')).toBe('A capacity is a whole number from 0 to 100.');
    expect(bad.html).toMatch(/name="skills\.1\.skill" type="text" value="returns"/);
    expect(bad.html).toContain('value="lots"');
    const saved = await ada.post(`/t/north/admin/skills/agents/${northAgentId}`, [['capacity', '4'], ['skills.0.skill', 'billing'], ['skills.0.level', '7'], ['skills.1.skill', 'returns'], ['skills.1.level', '2']]);
    expect(saved.status).toBe(303);
    const after = await ada.get(saved.location!);
    expect(after.html).toContain('billing (7), returns (2)</td><td data-label="Capacity">4</td>');
    expect(after.html).toMatch(/<td class="cell--title">billing<\/td><td data-label="Agents">1<\/td>/);
  });
});

describe('business hours and SLA policies', () => {
  it('creates a calendar with a split shift and a holiday, then a policy on it, edits and deletes the policy', async () => {
    const ada = await admin();
    await ada.get('/t/north/admin/calendars/new');
    const created = await ada.post('/t/north/admin/calendars/new', [
      ['name', 'Madrid office'], ['timeZone', 'Europe/Madrid'],
      ['periods.MONDAY.0.start', '09:00'], ['periods.MONDAY.0.end', '13:00'], ['periods.MONDAY.1.start', '15:00'], ['periods.MONDAY.1.end', '19:00'],
      ['periods.TUESDAY.0.start', '09:00'], ['periods.TUESDAY.0.end', '17:00'], ['periods.TUESDAY.1.start', ''], ['periods.TUESDAY.1.end', ''],
      ['periods.SATURDAY.0.start', '20:00'], ['periods.SATURDAY.0.end', '00:00'],
      ['holidays.0.date', '2026-12-25'], ['holidays.0.name', 'Navidad'], ['holidays.0.recurring', 'on'], ['holidays.1.date', ''], ['holidays.1.name', ''],
    ]);
    expect(created.status).toBe(303);
    expect(created.location).toBe('/t/north/admin/calendars?done=created');
    const calendars = await ada.get(created.location!);
    expect(calendars.html).toContain('Europe/Madrid');
    expect(calendars.html).toContain('Mon 09:00–13:00, 15:00–19:00');
    expect(calendars.html).toContain('Tue 09:00–17:00');
    // A period to midnight: 00:00 on the form, the end of the day in the calendar.
    expect(calendars.html).toContain('Sat 20:00–24:00');
    const calendarId = /\/admin\/calendars\/([0-9a-f-]{36})"/.exec(calendars.html)![1]!;
    const edit = await ada.get(`/t/north/admin/calendars/${calendarId}`);
    expect(edit.html).toMatch(/name="periods\.MONDAY\.1\.start" type="time" value="15:00"/);
    expect(edit.html).toMatch(/name="holidays\.0\.name" type="text" value="Navidad"/);
    expect(edit.html).toMatch(/name="periods\.SATURDAY\.0\.end" type="time" value="00:00"/);

    const form = await ada.get('/t/north/admin/sla-policies/new');
    expect(form.html).toContain('Madrid office (Europe/Madrid)');
    const policy = await ada.post('/t/north/admin/sla-policies/new', [
      ['name', 'Social complaints'], ['enabled', 'on'], ['calendarId', calendarId], ['channels', 'SOCIAL'], ['priorities', 'HIGH'], ['priorities', 'URGENT'], ['tiers', 'gold, platinum'],
      ['targets.0.kind', 'FIRST_RESPONSE'], ['targets.0.priority', ''], ['targets.0.minutes', '60'], ['targets.0.businessHours', 'on'],
      ['targets.1.kind', 'RESOLUTION'], ['targets.1.priority', 'URGENT'], ['targets.1.minutes', '480'],
      ['targets.2.kind', 'NEXT_RESPONSE'], ['targets.2.priority', ''], ['targets.2.minutes', ''],
      ['warnPercent', '20'], ['warnMinutes', ''],
      ['escalations.0.on', 'BREACHED'], ['escalations.0.targetKind', 'FIRST_RESPONSE'], ['escalations.0.action', 'NOTIFY'], ['escalations.0.queueId', ''], ['escalations.0.agentId', northAgentId],
      ['escalations.1.on', ''], ['escalations.1.targetKind', ''], ['escalations.1.action', 'NOTIFY'], ['escalations.1.queueId', ''], ['escalations.1.agentId', ''],
    ]);
    expect(policy.status).toBe(303);
    const policies = await ada.get(policy.location!);
    expect(policies.html).toContain('The policy is added.');
    expect(policies.html).toContain('priority High, Urgent; channel Social; account tier gold, platinum');
    expect(policies.html).toContain('First response, Any priority: 60 min (business hours)');
    expect(policies.html).toContain('Resolution, Urgent: 480 min (around the clock)');
    const policyId = /\/admin\/sla-policies\/([0-9a-f-]{36})"/.exec(policies.html)![1]!;

    const editPolicy = await ada.get(`/t/north/admin/sla-policies/${policyId}`);
    expect(editPolicy.html).toMatch(new RegExp(`<option value="${northAgentId}" selected="">Alan north</option>`));
    const body = new URLSearchParams(editPolicy.html.match(/name="[^"]+" (?:type="[^"]+" )?value="[^"]*"/g)!.map((m) => /name="([^"]+)" (?:type="[^"]+" )?value="([^"]*)"/.exec(m)!.slice(1, 3) as [string, string]));
    body.set('name', 'Social complaints (day)');
    body.set('targets.0.minutes', '1440');
    body.set('calendarId', calendarId);
    body.set('escalations.0.on', 'BREACHED');
    body.set('escalations.0.action', 'RAISE_PRIORITY');
    body.set('escalations.0.agentId', '');
    body.set('targets.0.kind', 'FIRST_RESPONSE');
    body.set('targets.1.kind', 'RESOLUTION');
    body.set('targets.1.priority', 'URGENT');
    const saved = await ada.post(`/t/north/admin/sla-policies/${policyId}`, body);
    expect(saved.status).toBe(303);
    const afterSave = await ada.get(saved.location!);
    expect(afterSave.html).toContain('Social complaints (day)');
    expect(afterSave.html).toContain('First response, Any priority: 1,440 min');

    // The calendar is in use: it stays, and the page says why.
    await ada.get(`/t/north/admin/calendars/${calendarId}`);
    const inUse = await ada.post(`/t/north/admin/calendars/${calendarId}/delete`, {});
    expect(inUse.status).toBe(422);
    expect(inUse.html).toContain('This calendar cannot be deleted');

    await ada.get(`/t/north/admin/sla-policies/${policyId}`);
    const deleted = await ada.post(`/t/north/admin/sla-policies/${policyId}/delete`, {});
    expect(deleted.location).toBe('/t/north/admin/sla-policies?done=deleted');
    expect((await ada.get(deleted.location!)).html).not.toContain('Social complaints');
  });

  it('keeps the holidays of a calendar with more than one save may send, through an error and a save', async () => {
    const calendar = await createSlaCalendar(northCtx, { name: 'Busy year', timeZone: 'UTC', periods: [{ weekday: 'MONDAY', start: '08:00', end: '16:00' }] });
    const day = (n: number) => new Date(Date.UTC(2027, 0, 1 + n)).toISOString().slice(0, 10);
    for (const from of [0, 30]) await addSlaHolidays(northCtx, calendar.id, { holidays: Array.from({ length: 30 }, (_, i) => ({ date: day(from + i), name: `Day ${from + i}` })) });
    const ada = await admin();
    const page = await ada.get(`/t/north/admin/calendars/${calendar.id}`);
    expect(page.html).toContain('This calendar has 60 holidays');
    expect(page.html).not.toContain('name="holidays.0.date"');
    const fields = (name: string): [string, string][] => [['name', name], ['timeZone', 'UTC'], ['periods.MONDAY.0.start', '08:00'], ['periods.MONDAY.0.end', '16:00']];
    const bad = await ada.post(`/t/north/admin/calendars/${calendar.id}`, fields(''));
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('This calendar has 60 holidays');
    const saved = await ada.post(`/t/north/admin/calendars/${calendar.id}`, fields('Busy year 2027'));
    expect(saved.status).toBe(303);
    const stored = await getSlaCalendar(northCtx, calendar.id);
    expect(stored.name).toBe('Busy year 2027');
    expect(stored.holidays).toHaveLength(60);
  });

  it('answers a bad calendar and a bad policy with the messages beside their fields, 422', async () => {
    const ada = await admin();
    await ada.get('/t/north/admin/calendars/new');
    const calendar = await ada.post('/t/north/admin/calendars/new', [
      ['name', ''], ['timeZone', 'Mars/Olympus'],
      ['periods.MONDAY.0.start', '09:00'], ['periods.MONDAY.0.end', '13:00'], ['periods.MONDAY.1.start', '12:00'], ['periods.MONDAY.1.end', '18:00'],
      ['periods.FRIDAY.0.start', '17:00'], ['periods.FRIDAY.0.end', '09:00'], ['holidays.0.date', '2026-02-30'], ['holidays.0.name', 'Never'],
    ]);
    expect(calendar.status).toBe(422);
    expect(errorOf(calendar.html, 'f-name')).toBe('Give the calendar a name of 1 to 100 characters.');
    expect(errorOf(calendar.html, 'f-timeZone')).toBe('Pick a time zone from the list.');
    expect(errorOf(calendar.html, 'f-periods-MONDAY')).toBe('This period overlaps another one of the same day.');
    expect(errorOf(calendar.html, 'f-periods-FRIDAY')).toBe('A period ends after it starts, on the same day.');
    expect(errorOf(calendar.html, 'f-holidays-0-date')).toBe('Give a real date (YYYY-MM-DD).');
    expect(calendar.html).toMatch(/name="periods\.MONDAY\.1\.start" type="time" value="12:00" aria-invalid="true"/);
    expect(calendar.html).toContain('value="Never"');

    await ada.get('/t/north/admin/sla-policies/new');
    const noTargets = await ada.post('/t/north/admin/sla-policies/new', [['name', 'Empty'], ['calendarId', ''], ['targets.0.kind', 'FIRST_RESPONSE'], ['targets.0.minutes', ''], ['warnPercent', '15']]);
    expect(noTargets.status).toBe(422);
    expect(noTargets.html).toContain('Give at least one target with its minutes.');
    expect(noTargets.html).toContain('value="Empty"');
    const policy = await ada.post('/t/north/admin/sla-policies/new', [
      ['name', 'Hours without a calendar'], ['calendarId', ''], ['warnPercent', '150'], ['tiers', `gold, ${'x'.repeat(60)}`],
      ['targets.0.kind', 'FIRST_RESPONSE'], ['targets.0.minutes', ''], ['targets.1.kind', 'RESOLUTION'], ['targets.1.minutes', '600'], ['targets.1.businessHours', 'on'],
      ['escalations.0.on', 'BREACHING_SOON'], ['escalations.0.action', 'REASSIGN'], ['escalations.0.queueId', ''], ['escalations.0.agentId', ''],
    ]);
    expect(policy.status).toBe(422);
    expect(errorOf(policy.html, 'f-targets-1-businessHours')).toMatch(/^Counting business hours needs a business-hours calendar/);
    expect(errorOf(policy.html, 'f-warnPercent')).toBe('A share is a whole number from 1 to 99.');
    expect(errorOf(policy.html, 'f-escalations-0-queueId')).toBe('Reassigning needs a queue, an agent or both.');
    expect(errorOf(policy.html, 'f-tiers')).toBe('A tier has 1 to 50 characters; at most 20 tiers.');
    expect(policy.html).toContain('value="Hours without a calendar"');
  });
});

describe('another tenant\'s records', () => {
  it('answer the HTML 404 page, exactly as missing ones and ids of no shape', async () => {
    const ada = await admin();
    const missing = '0190a8e0-0000-7000-8000-000000000000';
    const gets = [
      `/t/north/admin/queues/${south.queueId}`, `/t/north/admin/calendars/${south.calendarId}`, `/t/north/admin/sla-policies/${south.policyId}`,
      `/t/north/admin/skills/agents/${south.agentId}`, `/t/north/admin/channels/${south.channelId}/rotate`,
      `/t/north/admin/queues/${missing}`, '/t/north/admin/calendars/not-an-id', '/t/north/admin/sla-policies/..%2F..',
    ];
    for (const path of gets) {
      const visit = await ada.get(path);
      expect(visit.status, path).toBe(404);
      expect(visit.html, path).toContain('Page not found');
      expect(visit.html, path).not.toMatch(/South (desk|hours|policy|mail)/);
    }
    await ada.get('/t/north/admin/channels');
    for (const path of [`/t/north/admin/channels/${south.channelId}/rotate`, `/t/north/admin/channels/${south.channelId}/disable`, `/t/north/admin/sla-policies/${south.policyId}/delete`]) {
      const visit = await ada.post(path, {});
      expect(visit.status, path).toBe(404);
      expect(visit.html, path).not.toContain('chs_');
    }
    // A policy naming the other tenant's calendar or queue is refused like one naming nothing.
    await ada.get('/t/north/admin/sla-policies/new');
    const foreign = await ada.post('/t/north/admin/sla-policies/new', [['name', 'Borrowed'], ['calendarId', south.calendarId], ['targets.0.kind', 'FIRST_RESPONSE'], ['targets.0.minutes', '30'], ['targets.0.businessHours', 'on'], ['warnPercent', '15']]);
    expect(foreign.status).toBe(404);
    const southAdmin = await admin('south');
    expect((await southAdmin.get('/t/south/admin/sla-policies')).html).toContain('South policy');
  });

  it('speaks Spanish', async () => {
    const ada = await admin();
    const { html } = await ada.get('/t/north/admin/calendars/new', { 'accept-language': 'es' });
    expect(html).toContain('Añadir un calendario');
    expect(html).toContain('Miércoles');
    expect(html).not.toContain('style=');
  });
});
