/**
 * GraphiQL in a real browser: Debian's Chromium, driven by playwright-core (which never downloads
 * a browser), against a real server on loopback. Every request to anything but that server is
 * refused and recorded, and must never be attempted: the page has to work offline. The page
 * renders, runs the sample query with an admin key set in the Headers tab, shows the result,
 * opens the docs explorer on a type, and survives a reload of the URL GraphiQL wrote.
 * A screenshot is left in test/artifacts/graphiql.png.
 */
import type { Browser, Locator } from 'playwright-core';
import { seedTenant } from '@mosaic/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedContext, launchBrowser, runBrowserTests, screenshot, STEP_MS, warnIfNoBrowser, watchedPage } from './browser-kit.js';
import { startTestPlatform, type TestPlatform } from './harness.js';

/** An element's visible text; Monaco lays text out with non-breaking spaces. */
const textOf = async (locator: Locator) => (await locator.innerText()).replace(/\u00a0/g, ' ');

warnIfNoBrowser('GraphiQL browser test');

describe.skipIf(!runBrowserTests)('GraphiQL in Chromium, offline', () => {
  let tp: TestPlatform;
  let adminKey: string;
  let browser: Browser;
  beforeAll(async () => {
    tp = await startTestPlatform();
    const demo = await tp.tenant('demo');
    adminKey = demo.apiKey;
    await seedTenant(await tp.platform.tenants.get(demo.tenantId), { customers: 5, seed: 42 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await tp?.close();
  });

  it('renders, runs the sample query, shows the docs and survives a reload, asking nothing of any other host', async () => {
    const { context, elsewhere } = await fencedContext(browser, tp.server.url, { viewport: { width: 1280, height: 800 } });
    const { page, problems } = await watchedPage(context);
    const failedAssets: string[] = [];
    const servedAssets = new Set<string>();
    page.on('response', (res) => {
      if (!res.url().includes('/graphql/assets/')) return;
      if (res.status() === 200) servedAssets.add(res.url().split('/').pop()!);
      else failedAssets.push(`${res.status()} ${res.url()}`);
    });

    try {
      // The page renders with the sample query and the hint where the demo key is.
      const first = await page.goto(`${tp.server.url}/graphql`);
      expect(first?.status()).toBe(200);
      const queryEditor = page.locator('.graphiql-query-editor');
      await expect.poll(() => textOf(queryEditor), { timeout: STEP_MS }).toContain('customers(first: 3)');
      expect(await textOf(queryEditor)).toContain('data/demo-credentials.json');

      // The admin key goes into the Headers tab. Monaco auto-closes the brackets and quotes it
      // sees typed, after the cursor: whatever follows the inserted text is deleted.
      await page.getByRole('button', { name: 'Headers', exact: true }).click();
      const headersEditor = page.locator('.graphiql-editor-tool .graphiql-editor').last();
      await headersEditor.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${adminKey}` }));
      await page.keyboard.press('Shift+ControlOrMeta+End');
      await page.keyboard.press('Delete');
      await expect.poll(() => textOf(headersEditor)).toContain(adminKey.slice(0, 20));

      // Run it: the result shows the seeded customers.
      await page.locator('.graphiql-execute-button').click();
      const response = page.locator('.graphiql-response');
      await expect.poll(() => textOf(response), { timeout: STEP_MS }).toContain('"timeline"');
      expect(await textOf(response)).toContain('"email"');
      expect(await textOf(response)).not.toContain('"errors"');

      // The docs explorer has loaded the schema with that key, unasked, and shows a type.
      await page.locator('[aria-label="Show Documentation Explorer"]').click();
      const docs = page.locator('.graphiql-doc-explorer');
      await docs.getByRole('link', { name: 'Query', exact: true }).click();
      await expect.poll(() => textOf(docs)).toContain('customers');
      await docs.getByRole('link', { name: 'CustomerConnection', exact: true }).first().click();
      await expect.poll(() => textOf(docs)).toContain('pageInfo');

      await screenshot(page, 'graphiql');

      // An edit makes GraphiQL write the query into the URL; reloading that URL shows GraphiQL
      // again (not a 401), with the edited query, and it still runs.
      await queryEditor.locator('.monaco-editor').click();
      await page.keyboard.press('ControlOrMeta+Home'); // Monaco renders only the lines in view
      await page.keyboard.insertText('# edited before the reload\n');
      await page.waitForURL(/[?&]query=/);
      const reload = await page.reload();
      expect(reload?.status()).toBe(200);
      expect(page.url()).toContain('query=');
      await expect.poll(() => textOf(queryEditor), { timeout: STEP_MS }).toContain('# edited before the reload');
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(() => textOf(response), { timeout: STEP_MS }).toContain('"timeline"');
    } catch (err) {
      // What the browser showed when it failed, beside the usual screenshot.
      await screenshot(page, 'graphiql-failure').catch(() => {});
      throw err;
    } finally {
      await context.close();
    }

    expect(elsewhere).toEqual([]);
    expect(failedAssets).toEqual([]);
    // Monaco's workers ran from this server (yoga's own page would fetch them from a CDN).
    expect([...servedAssets]).toEqual(expect.arrayContaining(['yoga-graphiql.umd.js', 'graphiql.css', 'graphql.worker..bundle.js', 'editor.worker.bundle.js']));
    expect(problems).toEqual([]);
  }, 60_000);
});
