/**
 * The customer portal in a real browser: a customer signs up, searches the knowledge base, rates
 * an article, opens a case after seeing suggested articles (live while typing, then on the
 * confirm step), follows the case, sees an order with the shipment-tracking timeline and the
 * delivery map drawn by the first-party plugins against the simulated carrier and geocoder, and
 * switches to Spanish. Every main page is then checked at 1280 and 360 px: strict CSP without
 * violations, nothing from elsewhere, no serious axe-core finding, no sideways scrolling.
 * Screenshots are left in test/artifacts/portal-<page>-<width>.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCarrierService, type CarrierService } from '@mosaic/example-carrier';
import { loadGazetteer, startGeocoderService, type GeocoderService } from '@mosaic/example-geocoder';
import { axeCheck, fencedContext, launchBrowser, runBrowserTests, screenshot, warnIfNoBrowser, watchedPage } from './browser-kit.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { publishBuiltPlugins } from './publish-built-plugin.js';

const PLUGINS = ['shipment-tracking', 'maps'].map((name) => fileURLToPath(new URL(`../../plugins/${name}/`, import.meta.url)));
const CARRIER_HOSTS = ['parcelly.carrier.test', 'shipfast.carrier.test'];
const GEOCODER_HOST = 'geocoder.maps.test';
const TOKEN = 'portal-parcelly-token';
const EMAIL = 'lucia@example.com';

warnIfNoBrowser('Portal browser test');

async function ok(client: Client, query: string, variables?: Record<string, unknown>) {
  const res = await client.gql(query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

describe.skipIf(!runBrowserTests)('the customer portal in Chromium, offline', () => {
  let carrier: CarrierService;
  let geocoder: GeocoderService;
  let tp: TestPlatform;
  let shop: Client & { tenantId: string };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let elsewhere: string[];
  let out: string;
  let t = Date.now();
  const base = () => `${tp.server.url}/t/shop/portal`;
  /** Pages the journey visited, checked at both widths afterwards. */
  const visited = new Map<string, string>();

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'mosaic-portal-build-'));
    [carrier, geocoder] = await Promise.all([
      startCarrierService({ token: TOKEN, shipfastKeys: ['shop-key'], now: () => new Date(t), tickMs: 0 }),
      startGeocoderService({ gazetteer: loadGazetteer(), rateLimit: false }),
    ]);
    tp = await startTestPlatform({ MOSAIC_EGRESS_DEV_HOSTS: [...CARRIER_HOSTS, GEOCODER_HOST].map((h) => `${h}=127.0.0.1`).join(',') });
    shop = await tp.tenant('shop');
    await publishBuiltPlugins(tp.platform, shop, PLUGINS, out, 'mosaic');
    await ok(shop, `mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { status } } }`, {
      i: {
        pluginId: 'mosaic.shipment-tracking', grantScopes: ['orders:read', 'customers:read', 'interactions:write', 'storage'], grantEgress: CARRIER_HOSTS,
        config: { parcellyBaseUrl: `http://parcelly.carrier.test:${carrier.port}`, shipfastBaseUrl: `http://shipfast.carrier.test:${carrier.port}`, freshnessSeconds: 0, deriveTrackingNumbers: false },
        secrets: [{ name: 'PARCELLY_TOKEN', value: TOKEN }, { name: 'SHIPFAST_API_KEY', value: 'shop-key' }, { name: 'CARRIER_WEBHOOK_SECRET', value: 'shop-webhook-secret' }],
      },
    });
    await ok(shop, `mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { status } } }`, {
      i: {
        pluginId: 'mosaic.maps', grantScopes: ['customers:read', 'accounts:read', 'orders:read', 'storage'], grantEgress: [GEOCODER_HOST],
        config: { geocoderBaseUrl: `http://${GEOCODER_HOST}:${geocoder.port}`, serviceLocations: [] },
      },
    });
    for (const [title, body, locale] of [
      ['Track your parcel', 'Open your order to follow the parcel.\n\nThe map shows where it was last seen.', 'en'],
      ['Parcel arrived damaged', 'Tell us within 14 days and we send a new one.', 'en'],
      ['Seguir su paquete', 'Abra su pedido para seguir el paquete.', 'es'],
    ]) await ok(shop, `mutation($i: CreateKnowledgeArticleInput!) { createKnowledgeArticle(input: $i) { article { id } } }`, { i: { title, body, locale, status: 'PUBLISHED' } });
    browser = await launchBrowser();
    ({ context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width: 1280, height: 900 } }));
    ({ page, problems } = await watchedPage(context));
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await tp?.close();
    await Promise.all([carrier?.close(), geocoder?.close()]);
    if (out) rmSync(out, { recursive: true, force: true });
  });

  const h1 = () => page.getByRole('heading', { level: 1 }).innerText();

  it('a customer signs up and searches the knowledge base', async () => {
    await page.goto(`${base()}/sign-up`);
    await page.getByLabel('Your name').fill('Lucía Pérez');
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(base());
    await expect.poll(() => page.getByText('Signed in as Lucía Pérez').count()).toBe(1);
    visited.set('home', base());

    await page.getByLabel('Search articles').fill('parcel');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(`${base()}/knowledge?q=parcel`);
    expect(await page.getByRole('heading', { level: 2 }).first().innerText()).toBe('Results for “parcel”');
    expect(await page.getByRole('link', { name: 'Track your parcel' }).count()).toBe(1);
    visited.set('search', page.url());
  }, 60_000);

  it('rates an article once', async () => {
    await page.getByRole('link', { name: 'Track your parcel' }).click();
    expect(await h1()).toBe('Track your parcel');
    visited.set('article', page.url());
    const articleUrl = page.url();
    await page.getByRole('button', { name: 'Yes' }).click();
    await expect.poll(() => page.getByText('Thank you for your feedback.').count()).toBe(1);
    // htmx swapped the answer in: the page itself was not replaced.
    expect(page.url()).toBe(articleUrl);
    expect(await page.locator('#rating').count()).toBe(1);
    expect(await page.getByText('1 person found this helpful').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Yes' }).count()).toBe(0);
  }, 60_000);

  it('opens a case after seeing suggested articles, then replies on it', async () => {
    await page.goto(`${base()}/cases/new`);
    visited.set('case-new', page.url());
    await page.getByLabel('Subject').pressSequentially('damaged parcel', { delay: 20 });
    // htmx swaps the suggestions in while typing.
    await expect.poll(() => page.locator('#case-suggestions').getByRole('link', { name: 'Parcel arrived damaged' }).count(), { timeout: 10_000 }).toBe(1);
    await page.getByLabel('Describe your question').fill('The box was crushed.');
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await h1()).toBe('Before you send');
    expect(await page.getByRole('link', { name: 'Parcel arrived damaged' }).count()).toBe(1);
    await screenshot(page, 'portal-case-confirm-1280');
    await page.getByRole('button', { name: 'Send my case' }).click();
    await page.waitForURL(/\/cases\/[^/]+\?created=1$/);
    expect(await h1()).toBe('damaged parcel');
    await page.getByLabel('Reply').fill('Photos attached later.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => page.locator('.portal-conversation').innerText()).toContain('Photos attached later.');
    visited.set('case', page.url().split('#')[0]!);
    visited.set('cases', `${base()}/cases`);
  }, 60_000);

  it('starts a forum thread and replies in it', async () => {
    await page.goto(`${base()}/community`);
    visited.set('community', page.url());
    await page.getByRole('link', { name: 'Start a thread' }).click();
    visited.set('thread-new', page.url());
    await page.getByLabel('Title').fill('Which lamp for reading?');
    await page.getByLabel('Your message').fill('Warm or cold light?');
    await page.getByRole('button', { name: 'Post thread' }).click();
    expect(await h1()).toBe('Which lamp for reading?');
    await page.getByLabel('Reply').fill('Warm, I think.');
    await page.getByRole('button', { name: 'Post reply' }).click();
    await expect.poll(() => page.locator('.portal-post').count()).toBe(2);
    // Nobody votes on their own posts: no vote buttons here.
    expect(await page.getByRole('button', { name: /Vote up/ }).count()).toBe(0);
    visited.set('thread', page.url().split('#')[0]!);
    visited.set('sign-in', `${base()}/sign-in`);
    visited.set('forgot', `${base()}/forgot`);
  }, 60_000);

  it('sees the order page with the tracking timeline and the map, then switches to Spanish', async () => {
    const customer = (await ok(shop, `query($e: String!) { customers(first: 1, filter: { email: $e }) { edges { node { id } } } }`, { e: EMAIL })).customers.edges[0].node.id;
    await ok(shop, `mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { id } } }`,
      { i: { id: customer, address: { line1: '12 Rue de Rivoli', city: 'Paris', postalCode: '75004', country: 'FR' } } });
    const orderId = (await ok(shop, `mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } } }`,
      { i: { customerId: customer, number: 'S-2001', status: 'PAID', currency: 'EUR', lines: [{ sku: 'LAMP', name: 'Desk lamp', quantity: 2, unitPriceCents: 123450 }] } })).createOrder.order.id;
    await ok(shop, `mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: SHIPPED }) { order { id } } }`, { id: orderId });
    const parcel = carrier.register({ carrier: 'shipfast', scenario: 'delayed' });
    await ok(shop, `mutation($i: Mosaic_ShipmentTracking_AttachTrackingNumberInput!) { mosaic_shipmentTracking_attachTrackingNumber(input: $i) { status } }`,
      { i: { orderId, carrier: 'SHIPFAST', trackingNumber: parcel.trackingNumber } });
    t = parcel.events.find((e) => e.milestone === 'delayed')!.at + 60_000;
    await carrier.tick();
    // The map draws the parcel's way once the route field has seen the shipment (as the console would).
    await ok(shop, `query($id: ID!) { order(id: $id) { mosaic_maps_route { path { lat } } } }`, { id: orderId });

    await page.goto(`${base()}/orders`);
    await page.getByRole('link', { name: 'Order S-2001' }).click();
    expect(await h1()).toBe('Order S-2001');
    expect(await page.locator('.portal-facts').innerText()).toContain('€2,469.00');
    const slot = page.locator('[data-point="portal.order.detail"]');
    await expect.poll(() => slot.locator('.mw-timeline li').count()).toBeGreaterThanOrEqual(2);
    expect(await slot.locator('svg.mw-map-svg').count()).toBeGreaterThanOrEqual(1);
    // The tracking widget's title is its card's title too: shown once, naming the widget's region.
    expect(await page.getByText('Where is my order?', { exact: true }).count()).toBe(1);
    expect(await slot.getByRole('region', { name: 'Where is my order?', exact: true }).count()).toBe(1);
    visited.set('order', page.url());
    visited.set('orders', `${base()}/orders`);

    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('button', { name: 'Change language' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('es');
    expect(await h1()).toBe('Pedido S-2001');
    expect(await page.locator('.portal-facts').innerText()).toMatch(/2469,00\s€/);
    await screenshot(page, 'portal-order-es-1280');
    // Back to English for the checks below (their headings are English).
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('button', { name: 'Cambiar idioma' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
  }, 120_000);

  for (const width of [1280, 360]) {
    it(`every visited page at ${width} px: strict CSP, no violation, accessible, no sideways scroll`, async () => {
      expect(visited.size).toBe(13);
      await page.setViewportSize({ width, height: 900 });
      for (const [name, url] of visited) {
        const res = await page.goto(url, { waitUntil: 'load' });
        expect(res?.status(), name).toBe(200);
        expect((await res!.allHeaders())['content-security-policy']).toMatch(/^default-src 'none'; script-src 'nonce-/);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(width);
        expect(await axeCheck(page), name).toEqual([]);
        await screenshot(page, `portal-${name}-${width}`);
      }
      expect(problems).toEqual([]);
      expect(elsewhere).toEqual([]);
    }, 120_000);
  }
});
