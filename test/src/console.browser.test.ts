/**
 * The agent's journey through the console in a real browser, at desktop (1280 px) and phone
 * (360 px) widths: sign in, open a customer's 360, see an interaction recorded through the
 * GraphQL API appear in the timeline without reloading (server-sent events), open the case and
 * reply. Every page loads from the server alone, under the strict CSP with no violation or page
 * error, has no serious or critical axe-core finding and no sideways scrolling. Screenshots are
 * left in test/artifacts/console-<page>-<width>.png.
 */
import { createStaffUser, liveEvents } from '@mosaic/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeCheck, fencedContext, launchBrowser, runBrowserTests, screenshot, warnIfNoBrowser, watchedPage } from './browser-kit.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';

const WIDTHS = [1280, 360];

warnIfNoBrowser('Console browser test');

describe.skipIf(!runBrowserTests)('agent console in Chromium, offline', () => {
  let tp: TestPlatform;
  let browser: Browser;
  let admin: Client & { tenantId: string };

  /** A customer with a case, made through the API, for one run of the journey. */
  async function customerWithCase(name: string, phone: string): Promise<{ customerId: string; caseId: string }> {
    const customer = await admin.gql(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }`,
      { i: { name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, phone } });
    expect(customer.errors).toBeUndefined();
    const customerId = customer.data!.createCustomer.customer.id as string;
    const kase = await admin.gql(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } } }`,
      { i: { customerId, subject: 'Parcel arrived damaged' } });
    expect(kase.errors).toBeUndefined();
    return { customerId, caseId: kase.data!.createCase.case.id as string };
  }

  beforeAll(async () => {
    tp = await startTestPlatform();
    admin = await tp.tenant('acme');
    const data = await tp.platform.tenants.get(admin.tenantId);
    await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe Agent', email: 'abe@example.com', password: 'agent password 1' });
    const article = await admin.gql(`mutation($i: CreateKnowledgeArticleInput!) { createKnowledgeArticle(input: $i) { article { id } } }`,
      { i: { title: 'What to do with a damaged parcel', body: 'Ask for a photo of the parcel, then offer a replacement.', status: 'PUBLISHED' } });
    expect(article.errors).toBeUndefined();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });

  /** The checks every console page passes, then its screenshot. */
  async function checkPage(page: Page, name: string, width: number) {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, `console-${name}-${width}`);
  }

  for (const width of WIDTHS) {
    it(`at ${width} px: an agent signs in, opens a 360, sees a new interaction live, and replies`, async () => {
      const { customerId, caseId } = await customerWithCase(width === 1280 ? 'Ada Lovelace' : 'Grace Hopper', `+44 20 7946 ${width === 1280 ? '0018' : '0036'}`);
      const { context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width, height: 900 } });
      const { page, problems } = await watchedPage(context);
      const served: string[] = [];
      page.on('response', (res) => served.push(`${res.status()} ${new URL(res.url()).pathname}`));
      try {
        // Signing in: the console sends a visitor to its sign-in page.
        await page.goto(`${tp.server.url}/t/acme/console`);
        expect(new URL(page.url()).pathname).toBe('/t/acme/console/sign-in');
        await checkPage(page, 'sign-in', width);
        await page.getByLabel('Email').fill('abe@example.com');
        await page.getByLabel('Password').fill('agent password 1');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(`${tp.server.url}/t/acme/console`);

        // The work list: open cases, none assigned to Abe yet, so all open ones.
        await page.getByRole('link', { name: 'All open' }).click();
        await page.waitForURL(/view=all/);
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Open cases');
        await checkPage(page, 'work-list', width);

        // The customer 360, listening for the customer's news.
        const local = Buffer.from(customerId, 'base64url').toString('utf8').split(':')[1]!;
        const listening = liveEvents.listenerCount(admin.tenantId);
        await page.getByRole('link', { name: width === 1280 ? 'Ada Lovelace' : 'Grace Hopper' }).first().click();
        await page.waitForURL(`${tp.server.url}/t/acme/console/customers/${local}`);
        expect(await page.locator('a[href^="tel:"]').first().getAttribute('href')).toBe(`tel:+44207946${width === 1280 ? '0018' : '0036'}`);
        await expect.poll(() => liveEvents.listenerCount(admin.tenantId)).toBe(listening + 1);

        // An interaction recorded elsewhere (the API) appears without a reload.
        const added = await admin.gql(`mutation($i: AddInteractionInput!) { addInteraction(input: $i) { interaction { id } } }`,
          { i: { customerId, caseId, channel: 'PHONE', direction: 'INBOUND', body: 'Calling about the broken vase' } });
        expect(added.errors).toBeUndefined();
        await expect.poll(() => page.locator('#timeline li').first().innerText(), { timeout: 5_000 }).toContain('Calling about the broken vase');
        expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
        await checkPage(page, 'customer-360', width);

        // The case: conversation, suggestions, reply; leaving the 360 ends its stream.
        await page.locator('#cases-h').locator('..').getByRole('link').first().click();
        await page.waitForURL(/\/cases\//);
        await expect.poll(() => liveEvents.listenerCount(admin.tenantId)).toBe(listening);
        expect(await page.locator('.conversation').innerText()).toContain('Calling about the broken vase');
        expect(await page.locator('#suggestions-h').locator('..').innerText()).toContain('What to do with a damaged parcel');
        await page.getByRole('button', { name: 'Send reply' }).click();
        expect(await page.getByLabel('Your reply').getAttribute('aria-invalid')).toBe('true');
        await checkPage(page, 'case-error', width);
        await page.getByLabel('Your reply').fill('We are sending a new vase today.');
        await page.getByRole('button', { name: 'Send reply' }).click();
        await expect.poll(() => page.locator('.conversation').innerText()).toContain('We are sending a new vase today.');
        await checkPage(page, 'case', width);
      } finally {
        await context.close();
      }
      expect(elsewhere).toEqual([]);
      expect(served.filter((s) => !/^(200|303) /.test(s) && !s.startsWith('422 '))).toEqual([]);
      expect(problems).toEqual([]);
    }, 90_000);
  }
});
