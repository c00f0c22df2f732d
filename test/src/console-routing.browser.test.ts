/**
 * Routing in the agent console in a real browser, at desktop (1280 px) and phone (360 px)
 * widths: an agent sets themselves available, an email arrives through the channel's endpoint on a
 * routed queue (set up through the GraphQL API), the server's own routing sweep offers the case to
 * the agent, whose open work list shows the offer without a reload, with why it was made; they
 * accept it and reply on the case's channel; the reply is in the conversation and on the
 * customer's timeline. Every page under the
 * strict CSP, with no page error, no serious or critical axe-core finding and no sideways
 * scrolling. Screenshots in test/artifacts/console-routing-<page>-<width>.png.
 */
import { createStaffUser, toGlobalId } from '@mosaic/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedContext, launchBrowser, runBrowserTests, warnIfNoBrowser, watchedPage, checkPage as checkPageOf } from './browser-kit.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';

const WIDTHS = [1280, 360];

warnIfNoBrowser('Console routing browser test');

describe.skipIf(!runBrowserTests)('console routing in Chromium, offline', () => {
  let tp: TestPlatform;
  let browser: Browser;
  let admin: Client & { tenantId: string };
  let channel: { id: string; secret: string };

  async function gql<T = any>(query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await admin.gql(query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }

  /** An email from a new customer through the channel's real endpoint (the provider's side). */
  async function emailArrives(from: string, subject: string, text: string): Promise<void> {
    const body = JSON.stringify({ headers: { 'Message-ID': `<${subject.replace(/\W/g, '')}@mail.example>` }, from, subject, text });
    const res = await fetch(`${tp.server.url}/channels/acme/${channel.id}/email`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${channel.secret}` }, body,
    });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    tp = await startTestPlatform();
    admin = await tp.tenant('acme');
    const data = await tp.platform.tenants.get(admin.tenantId);
    const abe = await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe Agent', email: 'abe@example.com', password: 'agent password 1' });
    await gql(`mutation($i: UpdateAgentInput!) { updateAgent(input: $i) { agent { id } } }`,
      { i: { id: toGlobalId('Agent', abe.agentId!), skills: [{ skill: 'billing', level: 7 }] } });
    const queue = await gql(`mutation($i: CreateQueueInput!) { createQueue(input: $i) { queue { id } } }`, { i: { name: 'Billing' } });
    const queueId = queue.createQueue.queue.id as string;
    await gql(`mutation($i: ConfigureQueueRoutingInput!) { configureQueueRouting(input: $i) { queue { id } } }`,
      { i: { queueId, priority: 1, offerTimeoutSeconds: 3600, skills: [{ skill: 'billing', level: 4 }] } });
    const made = await gql(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { channel { id } secret } }`,
      { i: { kind: 'EMAIL', name: 'Billing inbox', defaultQueueId: queueId } });
    channel = { id: made.createChannel.channel.id, secret: made.createChannel.secret };
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });

  /** Every page's checks and its screenshot (browser-kit). */
  const checkPage = async (page: Page, name: string, width: number) => {
    await checkPageOf(page, `console-routing-${name}-${width}`, width);
  };

  for (const width of WIDTHS) {
    it(`at ${width} px: an available agent is offered a routed case, sees why, accepts it and replies on its channel`, async () => {
      const customer = width === 1280 ? { name: 'Rosa Parks', email: 'rosa@example.com' } : { name: 'Mary Jackson', email: 'mary@example.com' };
      const subject = `Charged twice (${width})`;
      const { context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width, height: 900 } });
      const { page, problems } = await watchedPage(context);
      const served: string[] = [];
      page.on('response', (res) => served.push(`${res.status()} ${new URL(res.url()).pathname}`));
      try {
        await page.goto(`${tp.server.url}/t/acme/console`);
        await page.getByLabel('Email').fill('abe@example.com');
        await page.getByLabel('Password').fill('agent password 1');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(`${tp.server.url}/t/acme/console`);

        // Presence: available, through the switch in the console bar (a plain form post).
        await page.getByLabel('Presence').selectOption('AVAILABLE');
        await page.getByRole('button', { name: 'Set', exact: true }).click();
        await page.waitForURL(`${tp.server.url}/t/acme/console`);
        expect(await page.getByLabel('Presence').inputValue()).toBe('AVAILABLE');

        // The customer writes; the server's routing sweep offers the case to the only available agent,
        // and the open work list shows the offer without a reload (htmx asks every 10 s).
        await emailArrives(`${customer.name} <${customer.email}>`, subject, 'I was charged twice for my order.');
        const offer = page.locator('.offer', { hasText: subject });
        await expect.poll(() => offer.count(), { timeout: 30_000, interval: 1_000 }).toBe(1);
        expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
        if (width === 1280) {
          // The next poll finds the same offers and leaves the card, and a half-filled decline form, as they are.
          await offer.getByLabel('Note (optional)').fill('half typed');
          await page.waitForResponse((res) => res.url().includes('/console/offers?seen='), { timeout: 20_000 });
          await page.waitForTimeout(300);
          expect(await offer.getByLabel('Note (optional)').inputValue()).toBe('half typed');
          await offer.getByLabel('Note (optional)').fill('');
          // Declining without a reason: refused beside the reason list, the card and its offer still there.
          await offer.getByRole('button', { name: /^Decline case #\d+$/ }).click();
          await expect.poll(() => offer.locator('.field__error').count()).toBe(1);
          expect(await offer.getByLabel('Reason').getAttribute('aria-invalid')).toBe('true');
          expect(await offer.locator('.field__error').innerText()).toBe('Choose a reason from the list.');
          await checkPage(page, 'offers-error', width);
        }
        const card = await offer.innerText();
        expect(card).toContain(customer.name);
        expect(card).toContain('Billing');
        expect(card).toContain('You were the only available agent with the skills and room for it.');
        expect(card).toContain('Skills needed: billing (level 4 or more).');
        expect(await offer.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
        await checkPage(page, 'offers', width);

        // Accepting (from the work list, or from the offered case's own page) opens the case,
        // whose reply form says which channel the reply goes out on.
        if (width === 1280) {
          await offer.getByRole('button', { name: /^Accept case #\d+$/ }).click();
          await page.waitForURL(/\/console\/cases\//);
        } else {
          await offer.getByRole('link', { name: new RegExp(`${subject.replace(/[()]/g, '\\$&')}$`) }).click();
          await page.waitForURL(/\/console\/cases\//);
          expect(await page.locator('#case-offer-h').innerText()).toBe('Offered to you');
          await checkPage(page, 'case-offered', width);
          await page.getByRole('button', { name: /^Accept case #\d+$/ }).click();
          await expect.poll(() => page.locator('#case-offer-h').count()).toBe(0);
        }
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain(subject);
        expect(await page.locator('#f-body-hint').innerText()).toBe('Goes out by Email through “Billing inbox”.');
        expect(await page.locator('.conversation').innerText()).toContain('I was charged twice for my order.');
        await page.getByLabel('Your reply').fill('The second charge is refunded today.');
        await page.getByRole('button', { name: 'Send reply' }).click();
        await expect.poll(() => page.locator('.conversation').innerText()).toContain('The second charge is refunded today.');
        await checkPage(page, 'case', width);

        // The reply is on the customer's timeline too.
        await page.locator('#details-h').locator('..').getByRole('link', { name: customer.name }).click();
        await page.waitForURL(/\/console\/customers\//);
        expect(await page.locator('#timeline').innerText()).toContain('The second charge is refunded today.');
      } finally {
        await context.close();
      }
      expect(elsewhere).toEqual([]);
      // 422: the decline sent without a reason.
      expect(served.filter((s) => !/^(200|303) /.test(s) && !/^422 \/t\/acme\/console\/offers\/[^/]+\/decline$/.test(s))).toEqual([]);
      expect(problems).toEqual([]);
    }, 90_000);
  }
});
