import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/authenticate.js';
import type { Platform } from '../platform.js';
import type { SubscriptionSlots } from '../graphql/subscriptions/index.js';
import { adminRoutes } from './admin/index.js';
import { brandCss, brandCssVersion } from './branding.js';
import { viewOf } from './build-view.js';
import { consoleRoutes } from './console/index.js';
import { LandingPage } from './landing.js';
import { ErrorPage } from './layout/error-page.js';
import { switchLocale } from './locale-switch.js';
import { mailboxPage } from './mailbox.js';
import { portalRoutes } from './portal/index.js';
import { renderPage } from './render.js';
import { sameSiteOnly } from './session/index.js';
import { webSecurityHeaders } from './security-headers.js';
import { immutableBody, mountStaticAssets } from './static-assets.js';
import { tenantPages } from './tenant-pages.js';
import type { WebEnv } from './web-env.js';

export { assetUrl } from './static-assets.js';
export type { Branding } from './branding.js';
export type { WebEnv } from './web-env.js';

/** Whether a path belongs to the web pages (HTML errors) rather than the API (JSON errors). */
export const isWebPath = (path: string) => path === '/' || path.startsWith('/t/') || path.startsWith('/assets/');

/** The HTML 404 page, in the tenant's look when the tenant is known. */
export const webNotFound = (c: Context) => renderPage(c, viewOf(c as Context<WebEnv>), <ErrorPage status={404} />, 404);

/** The HTML 500 page; it names the request id, which the server's log has beside the error. */
export function webError(c: Context) {
  try {
    return renderPage(c, viewOf(c as Context<WebEnv>), <ErrorPage status={500} requestId={c.get('requestId') as string} />, 500);
  } catch {
    // Even the error page failed (say, no nonce): a bare page that needs nothing.
    return c.html('<!doctype html><title>Error</title><p>Something went wrong.</p>', 500);
  }
}

/**
 * The server-rendered web: the landing page at `/`, and for each tenant its customer portal,
 * agent console and admin at /t/<slug>/portal, /console and /admin, with their brand stylesheet,
 * language switch and the shared /assets. Every response carries the strict security headers.
 * The live pages (console, portal chat) take their streams from `subscriptionSlots` (GraphQL's own count).
 */
export function mountWeb(app: Hono<AppEnv>, platform: Platform, subscriptionSlots: SubscriptionSlots): void {
  const web = app as unknown as Hono<WebEnv>;
  for (const path of ['/', '/t/*', '/assets/*']) web.use(path, webSecurityHeaders());

  web.get('/', (c) => renderPage(c, viewOf(c), <LandingPage />));
  // Browsers ask for it on every site; the pages have no icon, so say "nothing" rather than 404.
  web.get('/favicon.ico', (c) => c.body(null, 204, { 'cache-control': 'public, max-age=86400' }));
  mountStaticAssets(app, webNotFound);

  web.use('/t/:tenant/*', tenantPages(platform, webNotFound));
  web.get('/t/:tenant/', (c) => c.redirect(`/t/${c.get('view').tenant!.tenant.slug}/portal`, 302));
  web.get('/t/:tenant/brand.css', (c) => {
    const css = brandCss(c.get('view').tenant!.branding);
    // The digest in the URL pins the content; an outdated one gets today's, uncached.
    if (c.req.query('v') !== brandCssVersion(css)) return c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' });
    return immutableBody(c, 'text/css; charset=utf-8', Buffer.from(css));
  });
  web.post('/t/:tenant/locale', sameSiteOnly(), switchLocale);
  web.get('/t/:tenant/mailbox', mailboxPage(platform, webNotFound));
  web.route('/t/:tenant/portal', portalRoutes(platform, webNotFound, subscriptionSlots));
  web.route('/t/:tenant/console', consoleRoutes(platform, subscriptionSlots));
  web.route('/t/:tenant/admin', adminRoutes(platform));
}
