/**
 * Telephony in the agent console, in a real browser at 1280 and 360 px: the agent sits on the
 * work list; the telephone system posts a CTI `newCall` from the customer's phone to the phone
 * channel's real endpoint (with the channel's secret); the screen pop names the caller and opens
 * the caller's 360; the agent saves call notes, which show on the timeline; the Call button asks
 * the telephone system to dial and says so. Every page passes the strict CSP with no violation,
 * axe-core (no serious or critical finding) and has no sideways scrolling. Screenshots are left
 * in test/artifacts/console-telephony-<page>-<width>.png.
 */
import { createStaffUser, liveEvents } from '@mosaic/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedContext, launchBrowser, runBrowserTests, warnIfNoBrowser, watchedPage, checkPage as checkPageOf } from './browser-kit.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';

const WIDTHS = [1280, 360];

warnIfNoBrowser('Console telephony browser test');

describe.skipIf(!runBrowserTests)('console telephony in Chromium, offline', () => {
  let tp: TestPlatform;
  let browser: Browser;
  let admin: Client & { tenantId: string };
  let line: { id: string; secret: string };

  beforeAll(async () => {
    tp = await startTestPlatform();
    admin = await tp.tenant('acme');
    const data = await tp.platform.tenants.get(admin.tenantId);
    await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe Agent', email: 'abe@example.com', password: 'agent password 1' });
    const made = await admin.gql(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { channel { id } secret } }`, { i: { kind: 'PHONE', name: 'PBX' } });
    expect(made.errors).toBeUndefined();
    line = { id: made.data!.createChannel.channel.id, secret: made.data!.createChannel.secret };
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });

  /** Every page's checks and its screenshot (browser-kit). */
  const checkPage = async (page: Page, name: string, width: number) => {
    await checkPageOf(page, `console-telephony-${name}-${width}`, width);
  };

  /** The telephone system's CTI event, posted as it would be: form fields, the channel's secret. */
  async function cti(fields: Record<string, string>) {
    const res = await fetch(`${tp.server.url}/channels/acme/${line.id}/cti`, {
      method: 'POST', body: new URLSearchParams({ to: '+4930999000', direction: 'in', ...fields }).toString(),
      headers: { authorization: `Bearer ${line.secret}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
  }

  for (const width of WIDTHS) {
    it(`at ${width} px: a call pops the caller's 360, notes go on the timeline, the Call button dials`, async () => {
      const name = width === 1280 ? 'Ada Lovelace' : 'Grace Hopper';
      const phone = `+44 20 7946 ${width === 1280 ? '0101' : '0202'}`;
      const created = await admin.gql(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }`, { i: { name, phone } });
      expect(created.errors).toBeUndefined();
      const customerPath = `/t/acme/console/customers/${Buffer.from(created.data!.createCustomer.customer.id, 'base64url').toString('utf8').split(':')[1]}`;
      const { context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width, height: 900 } });
      const { page, problems } = await watchedPage(context);
      const served: string[] = [];
      page.on('response', (res) => served.push(`${res.status()} ${new URL(res.url()).pathname}`));
      try {
        const listening = liveEvents.listenerCount(admin.tenantId);
        await page.goto(`${tp.server.url}/t/acme/console`);
        await page.getByLabel('Email').fill('abe@example.com');
        await page.getByLabel('Password').fill('agent password 1');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(`${tp.server.url}/t/acme/console`);
        // The work list listens for calls.
        await expect.poll(() => liveEvents.listenerCount(admin.tenantId)).toBe(listening + 1);

        await cti({ event: 'newCall', callId: `browser-${width}`, from: phone.replaceAll(' ', '') });
        const pop = page.getByRole('alert').filter({ hasText: 'Incoming call' });
        await expect.poll(() => pop.innerText(), { timeout: 10_000 }).toContain(name);
        expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
        await checkPage(page, 'pop', width);

        // The pop opens the caller's 360 with the call's notes form.
        await pop.getByRole('link', { name: `Open the 360 of ${name}` }).click();
        await page.waitForURL(new RegExp(`${customerPath}\\?call=`));
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(name);
        await page.getByRole('button', { name: 'Save notes' }).click();
        expect(await page.getByLabel('Notes', { exact: true }).getAttribute('aria-invalid')).toBe('true');
        await checkPage(page, 'notes-error', width);
        await page.getByLabel('Notes', { exact: true }).fill('Asked for a callback on Friday about the invoice.');
        await page.getByRole('button', { name: 'Save notes' }).click();
        await page.waitForURL(new RegExp(`${customerPath}\\?call=`));
        expect(await page.getByRole('status').filter({ hasText: 'Call notes saved.' }).count()).toBe(1);
        await expect.poll(() => page.locator('#timeline').innerText()).toContain('Asked for a callback on Friday about the invoice.');
        await checkPage(page, 'customer-360', width);

        // Click-to-dial: the tel: link stays, the Call button asks the telephone system.
        const e164 = phone.replaceAll(' ', '');
        expect(await page.locator(`a[href="tel:${e164}"]`).count()).toBeGreaterThan(0);
        await page.getByRole('button', { name: `Call ${phone} from the telephone system` }).click();
        await expect.poll(() => page.getByRole('status').allInnerTexts()).toContain(`Dialling ${e164}…`);
        await checkPage(page, 'dialling', width);
      } finally {
        await context.close();
      }
      expect(elsewhere).toEqual([]);
      expect(served.filter((s) => !/^(200|303) /.test(s) && !s.startsWith('422 '))).toEqual([]);
      expect(problems).toEqual([]);
    }, 120_000);
  }
});
