/**
 * The admin pages in a real browser. The journey of the issue: an admin signs in, installs a
 * plugin with a console widget through the consent screen and sees the widget on the console's
 * customer page without a restart; uninstalls it after the confirm step and it is gone. Then
 * every main admin page at 1280 and 360 px: served by this server alone under the strict CSP,
 * no CSP violation or page error, no serious or critical axe-core finding, no sideways
 * scrolling. Screenshots are left in test/artifacts/admin-<page>-<width>.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localId } from '../../core/src/lib/ids.js';
import { createStaffUser } from '@mosaic/core';
import { fencedContext, launchBrowser, runBrowserTests, screenshot, warnIfNoBrowser, watchedPage, checkPage as checkPageOf } from './browser-kit.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { publishBuiltPlugin } from './publish-built-plugin.js';

const WIDGET_BOARD = fileURLToPath(new URL('../../core/src/plugins/testing/fixtures/widget-board/', import.meta.url));
const ADMIN = { email: 'root@shop.test', password: 'admin password 1' };
const PLUGIN = 'acme.widget-board';

warnIfNoBrowser('Admin pages browser test');

describe.skipIf(!runBrowserTests)('admin pages in Chromium, offline', () => {
  let tp: TestPlatform;
  let api: Client & { tenantId: string };
  let browser: Browser;
  let customerId: string;
  let outDir: string;
  const url = (path: string) => `${tp.server.url}/t/shop${path}`;

  beforeAll(async () => {
    tp = await startTestPlatform();
    api = await tp.tenant('shop');
    await createStaffUser(await tp.platform.tenants.get(api.tenantId), { id: 'setup', role: 'admin' }, { role: 'admin', name: 'Rosa Root', ...ADMIN });
    // Another user, so the users page has row buttons to check.
    await createStaffUser(await tp.platform.tenants.get(api.tenantId), { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe Agent', email: 'abe@shop.test', password: 'agent password 1' });
    const created = await api.gql(`mutation { createCustomer(input: { name: "Ada Lovelace", email: "ada@example.com" }) { customer { id } } }`);
    customerId = localId('Customer', created.data!.createCustomer.customer.id);
    outDir = mkdtempSync(join(tmpdir(), 'mosaic-admin-plugin-'));
    await publishBuiltPlugin(tp.platform, api, WIDGET_BOARD, outDir, 'acme');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
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
    await checkPageOf(page, `admin-${name}-${width}`, width);
  };

  /** The console's customer page, and the titles of the plugin widgets drawn on it. */
  async function consoleWidgets(page: Page): Promise<string[]> {
    const res = await page.goto(url(`/console/customers/${customerId}`));
    expect(res?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('Ada Lovelace');
    return page.locator('.mw-widget-title').allInnerTexts();
  }

  it('an admin installs a plugin through the consent screen, sees its widget without a restart, uninstalls it and it is gone', async () => {
    const { context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watchedPage(context);
    try {
      await signIn(page);
      expect(await consoleWidgets(page)).not.toContain('Ping');

      await page.goto(url('/admin'));
      await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Marketplace' }).click();
      await page.getByRole('link', { name: 'Widget board' }).click();
      // The consent screen names every scope in plain words, and the widgets it will show.
      const consent = page.getByRole('region', { name: 'What this plugin asks for' });
      await expect.poll(() => consent.innerText()).toContain('Read customers: names, contact details and identities.');
      expect(await consent.innerText()).toContain('Open and update cases, within the rights of the person using it.');
      expect(await consent.innerText()).toContain('Ping');
      await checkPage(page, 'consent', 1280);

      // Without consent nothing is installed; the message sits beside the checkbox.
      await page.getByRole('button', { name: 'Install' }).click();
      const box = page.getByLabel('I allow Widget board the access listed above.');
      expect(await box.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#f-consent-error').innerText()).toBe('Tick this box to give your consent.');
      await box.check();
      await page.getByRole('button', { name: 'Install' }).click();
      await page.waitForURL(url(`/admin/plugins/${PLUGIN}?done=installed`));
      expect(await page.getByRole('status').innerText()).toBe('The plugin is installed and active.');
      await checkPage(page, 'installed', 1280);

      // The console shows the widget at once: no restart, the next page load composes it.
      expect(await consoleWidgets(page)).toEqual(expect.arrayContaining(['Ping', 'Pong']));
      expect(await page.locator('main').innerText()).toContain('ping: met pong');
      await screenshot(page, 'admin-console-widget-1280');

      await page.goto(url(`/admin/plugins/${PLUGIN}`));
      await page.getByRole('link', { name: 'Uninstall' }).click();
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Uninstall Widget board?');
      await checkPage(page, 'uninstall', 1280);
      await page.getByRole('button', { name: 'Uninstall Widget board' }).click();
      await page.waitForURL(url('/admin/plugins?done=uninstalled'));
      expect(await page.getByRole('status').innerText()).toBe('The plugin is uninstalled.');
      expect(await page.getByRole('region', { name: 'Uninstalled, data kept' }).innerText()).toContain('Widget board');
      await checkPage(page, 'uninstalled', 1280);

      expect(await consoleWidgets(page)).not.toContain('Ping');
      expect(await page.locator('body').innerText()).not.toContain('ping: met pong');
    } finally {
      await context.close();
    }
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
  }, 90_000);

  for (const width of [1280, 360]) {
    it(`every main admin page at ${width} px: server-only, strict CSP, accessible, no sideways scroll`, async () => {
      const { context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width, height: 900 } });
      const { page, problems } = await watchedPage(context);
      try {
        await signIn(page);
        await checkPage(page, 'home', width);
        await page.goto(url(`/admin/marketplace/${PLUGIN}`));
        await checkPage(page, 'consent', width);
        // An installed plugin, so its settings and health pages have something to show.
        const installed = await api.gql(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { id } } }`, {
          i: { pluginId: PLUGIN, version: '0.0.0-fixture', grantScopes: ['customers:read', 'orders:read', 'cases:write', 'storage'] },
        });
        expect(installed.errors).toBeUndefined();
        for (const [name, path, heading] of [
          ['marketplace', '/admin/marketplace', 'Marketplace'],
          ['plugins', '/admin/plugins', 'Installed plugins'],
          ['plugin', `/admin/plugins/${PLUGIN}`, 'Widget board'],
          ['health', `/admin/plugins/${PLUGIN}/health`, 'Health of Widget board'],
          ['users', '/admin/users', 'Users'],
          ['api-keys', '/admin/api-keys', 'API keys'],
          ['branding', '/admin/branding', 'Branding and languages'],
        ] as const) {
          const res = await page.goto(url(path));
          expect(res?.status(), path).toBe(200);
          const csp = (await res!.allHeaders())['content-security-policy'] ?? '';
          expect(csp).toMatch(/^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'; style-src 'self'; /);
          expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(heading);
          await checkPage(page, name, width);
        }
        // A refused colour: the contrast message beside the field, what was typed kept.
        await page.getByLabel('Primary colour').fill('#ffee00');
        await page.getByRole('button', { name: 'Save' }).click();
        expect(await page.getByLabel('Primary colour').getAttribute('aria-invalid')).toBe('true');
        expect(await page.locator('#f-primaryColor-error').innerText()).toMatch(/contrast/);
        expect(await page.getByLabel('Primary colour').inputValue()).toBe('#ffee00');
        await checkPage(page, 'branding-error', width);
      } finally {
        await context.close();
        await api.gql(`mutation { uninstallPlugin(pluginId: "${PLUGIN}") { installation { id } } }`);
      }
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    }, 90_000);
  }
});
