/**
 * The stored hostile texts of the web security suite, loaded in a real browser: every page that
 * shows them, as the role that sees it, and a widget button whose answer (swapped in by htmx)
 * carries them too. No injected script may run (`window.__pwned` stays unset, no dialog opens),
 * no page error or CSP violation occurs (the texts are escaped, so there is nothing for the
 * policy to block), and nothing is fetched from elsewhere.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedContext, launchBrowser, runBrowserTests, warnIfNoBrowser, watchedPage } from './browser-kit.js';
import { localOf } from './fixtures.js';
import { hostilePages, startAttackWorld, type AttackWorld, type Role } from './web-attack-world.js';

warnIfNoBrowser('Web security browser test');

describe.skipIf(!runBrowserTests)('hostile texts in Chromium', () => {
  let world: AttackWorld;
  let browser: Browser;

  beforeAll(async () => {
    world = await startAttackWorld();
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  /** A fenced context holding `role`'s session cookie of tenant alpha (none for a visitor). */
  async function contextFor(role: Role | null): Promise<{ context: BrowserContext; elsewhere: string[] }> {
    const fenced = await fencedContext(browser, world.tp.server.url);
    if (role) {
      const { hostname } = new URL(world.tp.server.url);
      const value = world.sessions[role].cookies.get('mosaic_session')!;
      await fenced.context.addCookies([{ name: 'mosaic_session', value, domain: hostname, path: '/t/alpha/', httpOnly: true, sameSite: 'Lax' }]);
    }
    return fenced;
  }

  /** Opens `path` and returns what ran: the marker, dialogs, page errors and CSP reports. */
  async function visit(page: Page, path: string, dialogs: string[]) {
    const res = await page.goto(`${world.tp.server.url}${path}`);
    expect(res?.status(), path).toBe(200);
    await page.waitForLoadState('load');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), path).toBeUndefined();
    expect(await page.locator('img[src="x"]').count(), path).toBe(0);
    expect(dialogs, path).toEqual([]);
    // the hostile text is on the page, as text
    expect(await page.locator('body').innerText(), path).toContain('<script>window.__pwned=1</script>');
  }

  it('every page showing stored script and markup runs none of it, under the CSP without a violation', async () => {
    const pages = hostilePages(world.A);
    for (const role of [null, 'customer', 'agent', 'admin'] as const) {
      const { context, elsewhere } = await contextFor(role);
      const { page, problems } = await watchedPage(context);
      const dialogs: string[] = [];
      page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      for (const [who, path] of pages.filter(([r]) => r === role)) {
        expect(who).toBe(role);
        await visit(page, path, dialogs);
      }
      expect(problems, String(role)).toEqual([]);
      expect(elsewhere, String(role)).toEqual([]);
      await context.close();
    }
  });

  it("a widget button's htmx answer with the plugin's hostile message is swapped in as text", async () => {
    const { context, elsewhere } = await contextFor('agent');
    const { page, problems } = await watchedPage(context);
    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await visit(page, `/t/alpha/console/customers/${localOf(world.A.world.customer)}`, dialogs);
    const status = page.locator('#widget-status');
    expect(await status.innerText()).toBe('');
    await page.locator('form.mw-action button').first().click();
    await expect.poll(() => status.innerText()).toContain('<script>window.__pwned=1</script>');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
    await context.close();
  });
});
