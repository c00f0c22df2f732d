/**
 * Plugin widgets as the host draws them, in a real browser at desktop and phone widths: every
 * component in one page under a strict CSP, checked with axe-core (no serious or critical
 * finding), for sideways overflow and for keyboard reach; a widget's button posting its form
 * with JavaScript off; and hostile text staying text even with no CSP to fall back on.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WidgetView, widgetDomId, type WidgetPageContext } from '@mosaic/core';
import type { WidgetNode } from '@mosaic/sdk';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeCheck, fencedContext, launchBrowser, runBrowserTests, screenshot, warnIfNoBrowser, watchedPage } from './browser-kit.js';

const CSS = readFileSync(new URL('../../core/src/web/assets/widgets.css', import.meta.url), 'utf8');
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'";
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

const everything: WidgetNode = {
  type: 'card', title: 'Shipment 4711', children: [
    { type: 'heading', text: 'Status' },
    { type: 'stack', direction: 'horizontal', gap: 'small', children: [
      { type: 'badge', text: 'In transit', tone: 'info' },
      { type: 'badge', text: 'Delayed', tone: 'warning' },
      { type: 'badge', text: 'Insured', tone: 'success' },
      { type: 'badge', text: 'Customs hold', tone: 'danger' },
    ] },
    { type: 'text', text: 'The parcel is two days late because of a customs inspection at the border crossing.', tone: 'danger' },
    { type: 'keyValue', items: [{ label: 'Carrier', value: 'ACME Freight International' }, { label: 'Parcels', value: 3 }, { label: 'Tracking number', value: 'ACME-0000-1111-2222-3333-4444' }] },
    { type: 'table', columns: ['Parcel', 'Weight (kg)', 'Destination', 'Status', 'Last scan'], rows: [
      ['P-1', 2.5, 'Lyon distribution centre', 'Delivered', '2026-03-01 10:00'],
      ['P-2', null, 'Berlin hub', 'In transit', '2026-03-02 08:30'],
    ] },
    { type: 'timeline', items: [
      { at: '2026-03-01T10:00:00+01:00', title: 'Picked up', description: 'Paris depot', tone: 'success' },
      { at: '2026-03-02T08:30:00+01:00', title: 'Held at customs', tone: 'danger' },
    ] },
    { type: 'map', markers: [{ lat: 48.8566, lon: 2.3522, label: 'Paris depot', tone: 'info' }, { lat: 52.52, lon: 13.405, label: 'Berlin hub', tone: 'warning' }],
      polyline: [{ lat: 48.8566, lon: 2.3522 }, { lat: 50.94, lon: 6.96 }, { lat: 52.52, lon: 13.405 }], caption: 'Route so far' },
    { type: 'link', text: 'Carrier tracking page', href: 'https://carrier.example/track/4711' },
    { type: 'stack', direction: 'horizontal', children: [
      { type: 'button', label: 'Refresh tracking', action: 'refreshTracking', input: { parcel: 'P-1' }, variant: 'primary' },
      { type: 'button', label: 'Report a problem', action: 'report', variant: 'secondary' },
      { type: 'button', label: 'Cancel shipment', action: 'cancel', variant: 'danger' },
    ] },
  ],
};

const hostile: WidgetNode = {
  type: 'card', title: XSS, children: [
    { type: 'text', text: XSS }, { type: 'badge', text: XSS }, { type: 'heading', text: XSS },
    { type: 'keyValue', items: [{ label: XSS, value: XSS }] }, { type: 'table', columns: [XSS], rows: [[XSS]] },
    { type: 'timeline', items: [{ at: '2026-03-01T10:00:00Z', title: XSS, description: XSS }] },
    { type: 'map', markers: [{ lat: 1, lon: 1, label: XSS }], caption: XSS },
    { type: 'link', text: XSS, href: 'javascript:window.__xss=3' }, { type: 'button', label: XSS, action: 'go', input: XSS },
  ],
};

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' });
const pageContext: WidgetPageContext = {
  actionUrl: '/action', csrfToken: 'csrf-1',
  format: { dateTime: (iso) => dateTime.format(new Date(iso)), number: (n) => n.toLocaleString('en-GB') },
};
/** What the widget's last action answered, as a page shows it after a button posted without JavaScript. */
const MESSAGE = 'Tracking refreshed a minute ago.';

async function page(tree: WidgetNode): Promise<string> {
  // The widget's title is its root card's too: drawn once, by the card.
  const result = { installationId: 'inst-1', widgetId: 'tracking', title: tree.type === 'card' ? tree.title ?? 'Tracking' : 'Tracking', state: 'ok' as const, tree };
  const body = await WidgetView({ result, page: pageContext, message: MESSAGE }).toString();
  const failed = await WidgetView({ result: { installationId: 'inst-2', widgetId: 'slow', title: 'Returns', state: 'error', code: 'PLUGIN_TIMEOUT' }, page: pageContext }).toString();
  const empty = await WidgetView({ result: { installationId: 'inst-3', widgetId: 'none', title: 'Loyalty', state: 'empty' }, page: pageContext }).toString();
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>Widgets</title><link rel="stylesheet" href="/widgets.css"></head>`
    + `<body><main><h1>Order 4711</h1>${body}${failed}${empty}</main></body></html>`;
}

warnIfNoBrowser('Widget browser test');

describe.skipIf(!runBrowserTests)('plugin widgets in Chromium', () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  const posted: string[] = [];

  beforeAll(async () => {
    const pages = { '/': await page(everything), '/hostile': await page(hostile) };
    server = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/action') {
        let body = '';
        req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
        req.on('end', () => { posted.push(body); res.writeHead(303, { location: '/' }).end(); });
        return;
      }
      if (req.url === '/widgets.css') return void res.writeHead(200, { 'content-type': 'text/css' }).end(CSS);
      const path = (req.url ?? '/') as keyof typeof pages;
      if (!(path in pages)) return void res.writeHead(404).end();
      // The hostile page goes without a CSP so escaping alone has to keep its scripts from running.
      const headers = { 'content-type': 'text/html; charset=utf-8', ...(path === '/' ? { 'content-security-policy': CSP } : {}) };
      res.writeHead(200, headers).end(pages[path]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  for (const width of [1280, 360]) {
    it(`every component at ${width} px: no CSP violation, accessible, fits, reachable by keyboard`, async () => {
      const { context: browserContext, elsewhere } = await fencedContext(browser, url, { viewport: { width, height: 900 } });
      const { page: tab, problems } = await watchedPage(browserContext);
      try {
        await tab.goto(`${url}/`, { waitUntil: 'load' });
        // The stylesheet applied: the frame has its border.
        expect(await tab.locator('.mw-widget').first().evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('solid');
        // One title per widget: the root card's heading names the widget's region, and no other heading repeats it.
        const widget = tab.getByRole('region', { name: 'Shipment 4711', exact: true });
        expect(await widget.getAttribute('id')).toBe(widgetDomId('inst-1', 'tracking'));
        expect(await tab.getByRole('heading', { name: 'Shipment 4711' }).count()).toBe(1);
        expect(await tab.getByText('Shipment 4711').count()).toBe(1);
        // The last action's message sits in the widget's own frame, announced as a status.
        expect(await widget.getByRole('status').innerText()).toBe(MESSAGE);
        expect(await axeCheck(tab)).toEqual([]);
        expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        // The map scales down to the column rather than overflowing it.
        const mapWidth = await tab.locator('.mw-map-svg').evaluate((el) => el.getBoundingClientRect().width);
        expect(mapWidth).toBeLessThanOrEqual(width);

        const reached: string[] = [];
        for (let i = 0; i < 8; i++) {
          await tab.keyboard.press('Tab');
          reached.push(await tab.evaluate(() => {
            const el = document.activeElement as HTMLElement | null;
            return `${el?.tagName.toLowerCase()}:${el?.getAttribute('aria-label') ?? el?.textContent?.trim()}`;
          }));
        }
        expect(reached.slice(0, 5)).toEqual([
          'div:Parcel, Weight (kg), Destination, Status, Last scan',
          'a:Carrier tracking page↗ (opens in a new tab)',
          'button:Refresh tracking', 'button:Report a problem', 'button:Cancel shipment',
        ]);
        // Focus is visible: the focused button draws an outline.
        expect(await tab.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
        await screenshot(tab, `widgets-${width}`);
        expect(problems).toEqual([]);
        expect(elsewhere).toEqual([]);
      } finally {
        await browserContext.close();
      }
    });
  }

  it('a button posts its form without JavaScript', async () => {
    const { context: browserContext } = await fencedContext(browser, url, { javaScriptEnabled: false });
    try {
      const tab = await browserContext.newPage();
      await tab.goto(`${url}/`);
      posted.length = 0;
      await Promise.all([tab.waitForURL(`${url}/`), tab.getByRole('button', { name: 'Refresh tracking' }).click()]);
      expect(posted).toHaveLength(1);
      expect(Object.fromEntries(new URLSearchParams(posted[0]))).toEqual({
        _csrf: 'csrf-1', widget: 'inst-1:tracking', action: 'refreshTracking', input: '{"parcel":"P-1"}',
      });
    } finally {
      await browserContext.close();
    }
  });

  it('hostile plugin text stays text, with no CSP to help', async () => {
    const { context: browserContext } = await fencedContext(browser, url);
    const { page: tab, problems } = await watchedPage(browserContext);
    try {
      const dialogs: string[] = [];
      tab.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      await tab.goto(`${url}/hostile`, { waitUntil: 'load' });
      expect(await tab.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await tab.locator('main script, main img, main [onerror]').count()).toBe(0);
      // Shown as the characters the plugin sent.
      expect(await tab.locator('.mw-card-title').innerText()).toBe(XSS);
      expect(await tab.locator('a[href^="javascript"]').count()).toBe(0);
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browserContext.close();
    }
  });
});
