/**
 * The agent's journey through the console in a real browser, at desktop (1280 px) and phone
 * (360 px) widths: sign in, open a customer's 360, see an interaction recorded through the
 * GraphQL API appear in the timeline without reloading (server-sent events), open the case and
 * reply. Every page loads from the server alone, under the strict CSP with no violation or page
 * error, has no serious or critical axe-core finding and no sideways scrolling. Screenshots are
 * left in test/artifacts/console-<page>-<width>.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStaffUser, liveEvents } from '@mosaic/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedContext, launchBrowser, runBrowserTests, screenshot, warnIfNoBrowser, watchedPage, checkPage as checkPageOf } from './browser-kit.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { publishBuiltPlugin } from './publish-built-plugin.js';

const WIDGET_BOARD = fileURLToPath(new URL('../../core/src/plugins/testing/fixtures/widget-board/', import.meta.url));

const WIDTHS = [1280, 360];

warnIfNoBrowser('Console browser test');

describe.skipIf(!runBrowserTests)('agent console in Chromium, offline', () => {
  let tp: TestPlatform;
  let browser: Browser;
  let admin: Client & { tenantId: string };
  let outDir: string;

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
    outDir = mkdtempSync(join(tmpdir(), 'mosaic-console-plugin-'));
    await publishBuiltPlugin(tp.platform, admin, WIDGET_BOARD, outDir, 'acme');
    const installed = await admin.gql(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { id } } }`,
      { i: { pluginId: 'acme.widget-board', version: '0.0.0-fixture', grantScopes: ['customers:read', 'orders:read', 'cases:write', 'storage'] } });
    expect(installed.errors).toBeUndefined();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** Every page's checks and its screenshot (browser-kit). */
  const checkPage = async (page: Page, name: string, width: number) => {
    await checkPageOf(page, `console-${name}-${width}`, width);
  };

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
        // Finding the customer by name.
        const name = width === 1280 ? 'Ada Lovelace' : 'Grace Hopper';
        await page.getByRole('link', { name: 'Find a customer' }).click();
        await page.getByLabel('Name or email').fill(name.split(' ')[0]!);
        await page.getByRole('button', { name: 'Search' }).click();
        await page.waitForURL(/\/customers\?q=/);
        await checkPage(page, 'find', width);
        await page.getByRole('link', { name }).click();
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

  it('a widget button runs the plugin\'s action and redraws the widget in place, with or without JavaScript', async () => {
    const { customerId } = await customerWithCase('Alan Turing', '+44 20 7946 0054');
    const order = await admin.gql(`mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id orderNumber } } }`,
      { i: { customerId, currency: 'EUR', lines: [{ sku: 'V-1', name: 'Vase', quantity: 1, unitPriceCents: 4500 }] } });
    expect(order.errors).toBeUndefined();
    const orderPath = `/t/acme/console/orders/${Buffer.from(order.data!.createOrder.order.id, 'base64url').toString('utf8').split(':')[1]}`;
    const number = order.data!.createOrder.order.orderNumber as string;
    for (const javaScriptEnabled of [true, false]) {
      const { context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width: 1280, height: 900 }, javaScriptEnabled });
      const { page, problems } = await watchedPage(context);
      try {
        await page.goto(`${tp.server.url}${orderPath}`);
        await page.getByLabel('Email').fill('abe@example.com');
        await page.getByLabel('Password').fill('agent password 1');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(`${tp.server.url}${orderPath}`);
        // The summary's root card has a title of its own (the order number): it heads the widget, once.
        const summary = page.locator('section.mw-widget', { has: page.locator('.mw-widget-title', { hasText: number }) });
        expect(await summary.getByRole('heading', { name: number, exact: true }).count()).toBe(1);
        const before = Number(/pressed (\d+)/.exec(await summary.innerText())![1]);
        await summary.getByRole('button', { name: 'Press' }).click();
        await expect.poll(() => summary.innerText()).toContain(`${number}: pressed ${before + 1}`);
        if (javaScriptEnabled) {
          // Swapped in place: the same document, the plugin's message announced.
          expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
          expect(await page.locator('#widget-status').innerText()).toBe(`Pressed ${before + 1} times`);
          await checkPage(page, 'order-widget', 1280);
        } else {
          // Back on the page after the redirect, the plugin's message shown in the widget's frame, once.
          expect(new URL(page.url()).pathname).toBe(orderPath);
          expect(await summary.locator('.mw-widget-message').innerText()).toBe(`Pressed ${before + 1} times`);
          await screenshot(page, 'console-order-widget-no-js-1280');
          await page.reload();
          expect(await summary.locator('.mw-widget-message').count()).toBe(0);
        }
      } finally {
        await context.close();
      }
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    }
  }, 90_000);
});
