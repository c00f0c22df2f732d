/**
 * The admin's service-operations pages in a real browser. The journey: an admin adds an email
 * channel and sees its secret once (never on the list again), makes a new secret after the
 * confirm step, adds a queue and sets its routing, gives an agent skills, adds a business-hours
 * calendar with a split shift and a holiday, then an SLA policy counting on it. Then every page
 * at 1280 and 360 px: served by this server alone under the strict CSP, no CSP violation or page
 * error, no serious or critical axe-core finding, no sideways scrolling. Screenshots are left in
 * test/artifacts/admin-ops-<page>-<width>.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '@mosaic/core';
import { fencedContext, launchBrowser, runBrowserTests, warnIfNoBrowser, watchedPage, checkPage as checkPageOf } from './browser-kit.js';
import { startTestPlatform, type TestPlatform } from './harness.js';

const ADMIN = { email: 'ops@shop.test', password: 'admin password 1' };

warnIfNoBrowser('Admin operations pages browser test');

describe.skipIf(!runBrowserTests)('admin operations pages in Chromium, offline', () => {
  let tp: TestPlatform;
  let browser: Browser;
  let agentId: string;
  const url = (path: string) => `${tp.server.url}/t/shop${path}`;

  beforeAll(async () => {
    tp = await startTestPlatform();
    const api = await tp.tenant('shop');
    const data = await tp.platform.tenants.get(api.tenantId);
    await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'admin', name: 'Olga Ops', ...ADMIN });
    agentId = (await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe Agent', email: 'abe@shop.test', password: 'agent password 1' })).agentId!;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });

  async function signIn(page: Page) {
    await page.goto(url('/admin'));
    await page.waitForURL(/\/admin\/sign-in\?next=/);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(url('/admin'));
  }

  /** Every page's checks and its screenshot (browser-kit). */
  const checkPage = async (page: Page, name: string, width: number) => {
    await checkPageOf(page, `admin-ops-${name}-${width}`, width);
  };

  const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();

  it('an admin adds a channel and sees its secret once, a queue with its routing, agent skills, a calendar and an SLA policy on it', async () => {
    const { context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watchedPage(context);
    try {
      await signIn(page);
      const nav = page.getByRole('navigation', { name: 'Administration' });

      // A channel: its secret on the answer to the form, and nowhere after.
      await nav.getByRole('link', { name: 'Channels' }).click();
      await page.getByLabel('Kind').selectOption('EMAIL');
      await page.getByLabel('Name', { exact: true }).fill('Support mailbox');
      await page.getByRole('button', { name: 'Add the channel' }).click();
      expect(await h1(page)).toBe('Channel "Support mailbox" is ready');
      const secret = await page.getByLabel('Secret', { exact: true }).inputValue();
      expect(secret).toMatch(/^chs_[A-Za-z0-9_-]{40,}$/);
      expect(page.url()).not.toContain(secret);
      const inbound = await page.getByLabel('Address for the provider').inputValue();
      expect(inbound).toMatch(/\/channels\/shop\/[^/]+\/email$/);
      await page.getByRole('link', { name: 'Back to the channels' }).click();
      expect(await page.locator('main').innerText()).toContain(inbound);
      expect(await page.content()).not.toContain(secret);
      // A new secret after the confirm step; again shown once.
      await page.getByRole('link', { name: 'New secret (Support mailbox)' }).click();
      expect(await h1(page)).toBe('Make a new secret for "Support mailbox"?');
      await page.getByRole('button', { name: 'Make a new secret' }).click();
      const rotated = await page.getByLabel('Secret', { exact: true }).inputValue();
      expect(rotated).toMatch(/^chs_/);
      expect(rotated).not.toBe(secret);

      // A queue, then its routing.
      await nav.getByRole('link', { name: 'Queues' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Billing');
      await page.getByRole('button', { name: 'Add the queue' }).click();
      expect(await h1(page)).toBe('Routing of "Billing"');
      await page.getByLabel('Priority').fill('1');
      await page.getByLabel('Skill 1', { exact: true }).fill('billing');
      await page.getByLabel('Level of skill 1 (1–10)').fill('3');
      await page.getByLabel('Seconds an agent has to accept an offer').fill('45');
      await page.getByLabel('Minutes an assignee may stay silent').fill('30');
      await page.getByRole('button', { name: 'Save the routing' }).click();
      await page.waitForURL(url('/admin/queues?done=saved'));
      const queues = await page.locator('main table').innerText();
      expect(queues).toContain('billing (3)');
      expect(queues).toContain('45 seconds');

      // The agent's skills.
      await nav.getByRole('link', { name: 'Skills' }).click();
      await page.getByRole('link', { name: 'Edit skills (Abe Agent)' }).click();
      await page.getByLabel('Skill 1', { exact: true }).fill('billing');
      await page.getByLabel('Level of skill 1 (1–10)').fill('11');
      await page.getByRole('button', { name: 'Save the skills' }).click();
      // Refused beside the field, what was typed kept; then fixed.
      expect(await page.getByLabel('Level of skill 1 (1–10)').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#f-skills-0-level-error').innerText()).toBe('A level is a whole number from 1 to 10.');
      expect(await page.getByLabel('Skill 1', { exact: true }).inputValue()).toBe('billing');
      await page.getByLabel('Level of skill 1 (1–10)').fill('8');
      await page.getByRole('button', { name: 'Save the skills' }).click();
      await page.waitForURL(url('/admin/skills?done=saved'));
      expect(await page.locator('main').innerText()).toContain('billing (8)');

      // A calendar with a split shift on Monday and a holiday.
      await nav.getByRole('link', { name: 'Business hours' }).click();
      await page.getByRole('link', { name: 'Add a calendar' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Madrid office');
      await page.getByLabel('Time zone').selectOption('Europe/Madrid');
      await page.getByLabel('To (Monday, period 1)').fill('13:00');
      await page.getByLabel('From (Monday, period 2)').fill('15:00');
      await page.getByLabel('To (Monday, period 2)').fill('19:00');
      await page.getByLabel('Date of holiday 1').fill('2026-12-25');
      await page.getByLabel('Name of holiday 1').fill('Navidad');
      await page.getByLabel('Holiday 1 repeats every year').check();
      await page.getByRole('button', { name: 'Add the calendar' }).click();
      await page.waitForURL(url('/admin/calendars?done=created'));
      expect(await page.locator('main table').innerText()).toContain('Mon 09:00–13:00, 15:00–19:00');

      // An SLA policy for social complaints, answered within a business day.
      await nav.getByRole('link', { name: 'SLA policies' }).click();
      await page.getByRole('link', { name: 'Add a policy' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Social complaints');
      await page.getByLabel('Business hours', { exact: true }).selectOption({ label: 'Madrid office (Europe/Madrid)' });
      await page.getByRole('group', { name: 'Channels' }).getByLabel('Social').check();
      await page.getByRole('group', { name: 'Target 1' }).getByLabel('Minutes').fill('480');
      await page.getByRole('group', { name: 'Escalation 1' }).getByLabel('When').selectOption('BREACHED');
      await page.getByRole('group', { name: 'Escalation 1' }).getByLabel('Agent (supervisor)').selectOption({ label: 'Abe Agent' });
      await page.getByRole('button', { name: 'Add the policy' }).click();
      await page.waitForURL(url('/admin/sla-policies?done=created'));
      const policies = await page.locator('main table').innerText();
      expect(policies).toContain('Social complaints');
      expect(policies).toContain('First response, Any priority: 480 min (business hours)');
      expect(policies).toContain('Madrid office');
    } finally {
      await context.close();
    }
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
  }, 180_000);

  for (const width of [1280, 360]) {
    it(`every operations page at ${width} px: server-only, strict CSP, accessible, no sideways scroll`, async () => {
      const { context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width, height: 900 } });
      const { page, problems } = await watchedPage(context);
      try {
        await signIn(page);
        // A channel's secret page (a new channel at each width).
        await page.goto(url('/admin/channels'));
        await page.getByLabel('Name', { exact: true }).fill(`Chat ${width}`);
        await page.getByLabel('Kind').selectOption('CHAT');
        await page.getByRole('button', { name: 'Add the channel' }).click();
        expect(await h1(page)).toBe(`Channel "Chat ${width}" is ready`);
        await checkPage(page, 'channel-secret', width);
        const ids = async (path: string, pattern: RegExp) => {
          await page.goto(url(path));
          return pattern.exec(await page.content())?.[1] ?? '';
        };
        const channelId = await ids('/admin/channels', /\/admin\/channels\/([0-9a-f-]{36})\/rotate/);
        const queueId = await ids('/admin/queues', /\/admin\/queues\/([0-9a-f-]{36})"/);
        const calendarId = await ids('/admin/calendars', /\/admin\/calendars\/([0-9a-f-]{36})"/);
        const policyId = await ids('/admin/sla-policies', /\/admin\/sla-policies\/([0-9a-f-]{36})"/);
        for (const [name, path, heading] of [
          ['home', '/admin', 'Administration'],
          ['channels', '/admin/channels', 'Channels'],
          ['channel-rotate', `/admin/channels/${channelId}/rotate`, 'Make a new secret for "Support mailbox"?'],
          ['queues', '/admin/queues', 'Queues'],
          ['queue-routing', `/admin/queues/${queueId}`, 'Routing of "Billing"'],
          ['skills', '/admin/skills', 'Skills'],
          ['agent-skills', `/admin/skills/agents/${agentId}`, 'Skills of Abe Agent'],
          ['calendars', '/admin/calendars', 'Business hours'],
          ['calendar', `/admin/calendars/${calendarId}`, 'Business hours "Madrid office"'],
          ['sla-policies', '/admin/sla-policies', 'SLA policies'],
          ['sla-policy', `/admin/sla-policies/${policyId}`, 'SLA policy "Social complaints"'],
          ['sla-policy-new', '/admin/sla-policies/new', 'Add a policy'],
        ] as const) {
          const res = await page.goto(url(path));
          expect(res?.status(), path).toBe(200);
          const csp = (await res!.allHeaders())['content-security-policy'] ?? '';
          expect(csp).toMatch(/^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'; style-src 'self'; /);
          expect(await h1(page), path).toBe(heading);
          await checkPage(page, name, width);
        }
        // Overlapping periods: the message beside Monday's hours, what was typed kept.
        await page.goto(url('/admin/calendars/new'));
        await page.getByLabel('Name', { exact: true }).fill(`Overlap ${width}`);
        await page.getByLabel('From (Monday, period 2)').fill('12:00');
        await page.getByLabel('To (Monday, period 2)').fill('18:00');
        await page.getByRole('button', { name: 'Add the calendar' }).click();
        expect(await page.locator('#f-periods-MONDAY-error').innerText()).toBe('This period overlaps another one of the same day.');
        expect(await page.getByLabel('From (Monday, period 2)').getAttribute('aria-invalid')).toBe('true');
        expect(await page.getByLabel('From (Monday, period 2)').inputValue()).toBe('12:00');
        await checkPage(page, 'calendar-error', width);
      } finally {
        await context.close();
      }
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    }, 180_000);
  }
});
