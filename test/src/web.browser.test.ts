/**
 * The web pages in a real browser: the landing page and a tenant's portal, console and admin,
 * at desktop (1280 px) and phone (360 px) widths. Each must load everything from the server
 * alone, carry the strict CSP, trigger no CSP violation or page error, have no serious or
 * critical axe-core finding and fit the width without sideways scrolling. Screenshots are left in
 * test/artifacts/web-<page>-<width>.png.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeCheck, fencedContext, launchBrowser, runBrowserTests, screenshot, warnIfNoBrowser, watchedPage } from './browser-kit.js';
import { startTestPlatform, type TestPlatform } from './harness.js';

const PAGES = [
  { name: 'landing', path: '/', heading: 'Mosaic' },
  { name: 'portal', path: '/t/demo/portal', heading: 'Help centre' },
  { name: 'console', path: '/t/demo/console/sign-in', heading: 'Agent console' },
  { name: 'admin', path: '/t/demo/admin/sign-in', heading: 'Administration' },
];
const WIDTHS = [1280, 360];

warnIfNoBrowser('Web pages browser test');

describe.skipIf(!runBrowserTests)('web pages in Chromium, offline', () => {
  let tp: TestPlatform;
  let browser: Browser;
  beforeAll(async () => {
    tp = await startTestPlatform();
    await tp.tenant('demo');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });

  for (const width of WIDTHS) {
    it.each(PAGES)(`$name at ${width} px: server-only, strict CSP, no violation, accessible`, async ({ name, path, heading }) => {
      const { context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width, height: 800 } });
      const { page, problems } = await watchedPage(context);
      const served: string[] = [];
      page.on('response', (res) => served.push(`${res.status()} ${new URL(res.url()).pathname}`));
      try {
        const res = await page.goto(`${tp.server.url}${path}`, { waitUntil: 'load' });
        expect(res?.status()).toBe(200);
        const csp = (await res!.allHeaders())['content-security-policy'] ?? '';
        expect(csp).toMatch(/^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'; style-src 'self'; /);
        expect(csp).not.toMatch(/unsafe-|\*|https?:/);

        await expect.poll(() => page.evaluate(() => 'htmx' in window)).toBe(true); // the nonce'd script ran
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(heading);
        // The stylesheet applied: the header has the brand background, not the browser default.
        expect(await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(31, 58, 95)');
        // Nothing sticks out sideways at this width.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

        // The skip link is the first stop of the keyboard and leads to the main content.
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
        await page.keyboard.press('Enter');
        await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');

        expect(await axeCheck(page)).toEqual([]);
        await screenshot(page, `web-${name}-${width}`);
      } finally {
        await context.close();
      }
      expect(elsewhere).toEqual([]);
      expect(served.filter((s) => !s.startsWith('200 '))).toEqual([]);
      expect(served.some((s) => /^200 \/assets\/app\.[0-9a-f]{12}\.css$/.test(s))).toBe(true);
      expect(problems).toEqual([]);
    }, 60_000);
  }

  it('switches the portal to Spanish with the footer form, without script', async () => {
    const { context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width: 360, height: 800 }, javaScriptEnabled: false });
    const { page } = await context.newPage().then((p) => ({ page: p }));
    try {
      await page.goto(`${tp.server.url}/t/demo/console/sign-in`);
      await page.getByLabel('Language').selectOption('es');
      await page.getByRole('button', { name: 'Change language' }).click();
      await page.waitForURL(`${tp.server.url}/t/demo/console/sign-in`);
      expect(await page.locator('html').getAttribute('lang')).toBe('es');
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Consola de agentes');
      // The choice sticks for this tenant's other pages.
      await page.goto(`${tp.server.url}/t/demo/portal`);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Centro de ayuda');
      await screenshot(page, 'web-portal-es-360');
    } finally {
      await context.close();
    }
    expect(elsewhere).toEqual([]);
  }, 60_000);
});
