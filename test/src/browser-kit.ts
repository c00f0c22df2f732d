/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (which never
 * downloads a browser), fenced off from every host but the server under test; page errors and
 * CSP violations collected; axe-core run inside the page without loosening its CSP; screenshots
 * left in test/artifacts/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.MOSAIC_TEST_CHROMIUM ?? '/usr/bin/chromium';
const IN_CI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
/** Browser tests run where Chromium is installed, and always in CI (where its absence fails). */
export const runBrowserTests = existsSync(CHROMIUM) || IN_CI;
const ARTIFACTS = new URL('../artifacts/', import.meta.url);
/** Every browser action waits at most this long, so a whole test stays well under a minute. */
export const STEP_MS = 15_000;

/** Says why a browser test is skipped here (call at module level when `runBrowserTests` is false). */
export function warnIfNoBrowser(what: string): void {
  if (!runBrowserTests) {
    console.warn(`${what} skipped: no Chromium at ${CHROMIUM} (install it with "apt-get install chromium", or set MOSAIC_TEST_CHROMIUM)`);
  }
}

/** Starts Chromium offline: no background traffic and no host name but loopback resolves. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is required in CI and is missing at ${CHROMIUM}: .ci/run installs it with "apt-get install -y chromium"`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: STEP_MS,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      // A second fence besides request interception: no other host name resolves.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}

/** A context whose requests may go to `serverUrl` only; every other one is refused and kept in `elsewhere`. */
export interface FencedContext { context: BrowserContext; elsewhere: string[] }

export async function fencedContext(browser: Browser, serverUrl: string, options: BrowserContextOptions = {}): Promise<FencedContext> {
  const context = await browser.newContext(options);
  const elsewhere: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${serverUrl}/`)) return route.continue();
    elsewhere.push(url);
    return route.abort('blockedbyclient');
  });
  return { context, elsewhere };
}

/**
 * A new page of `context` whose uncaught errors and CSP violations land in `problems`. Chromium
 * reports a violation both on the console and as a `securitypolicyviolation` event; the event
 * is recorded too, since it names the directive and the blocked resource.
 */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  await page.exposeFunction('__mosaicCspViolation', (text: string) => problems.push(`CSP event: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __mosaicCspViolation(t: string): void }).__mosaicCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  return { page, problems };
}

/** One axe-core finding of serious or critical impact. */
export interface AxeFinding { id: string; impact: string; help: string; targets: string[] }

const axeSource = () => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page and returns its serious and critical violations. axe is evaluated
 * through the DevTools protocol, which a page's CSP does not govern: the page keeps its real
 * policy (no `bypassCSP`, no script tag the policy would have to allow).
 */
export async function axeCheck(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource());
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact!, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** Saves a full-page screenshot as test/artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = new URL(`${name}.png`, ARTIFACTS).pathname;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * The checks every page of a browser test passes: nothing wider than the window (no sideways
 * scroll at `width`), no serious or critical axe finding; then its screenshot as `name`.
 */
export async function checkPage(page: Page, name: string, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(width);
  expect(await axeCheck(page), name).toEqual([]);
  await screenshot(page, name);
}
