import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { brandCss, brandCssVersion, type Branding } from './branding.js';
import { formatters, negotiateLocale, translator, type LocaleSettings } from './i18n/index.js';
import type { WebEnv } from './web-env.js';
import type { WebTenant, WebView } from './view.js';

/** The cookie the language switch sets, scoped to one tenant's pages. */
export const LOCALE_COOKIE = 'mosaic_locale';

/** Pages outside a tenant speak every supported language, English unless the browser asks. */
const PLATFORM_LOCALES: LocaleSettings = { defaultLocale: 'en', enabledLocales: ['en', 'es'] };

/**
 * The view of one request: its locale (the visitor's choice, their browser's languages, the
 * tenant's default, in that order), translations, formatters and CSP nonce.
 */
export function buildView(c: Context<WebEnv>, tenant?: { tenant: WebTenant; branding: Branding }): WebView {
  const settings = tenant?.branding ?? PLATFORM_LOCALES;
  const locale = negotiateLocale(settings, {
    chosen: tenant ? getCookie(c, LOCALE_COOKIE) : undefined,
    acceptLanguage: c.req.header('accept-language'),
  });
  const nonce = c.get('secureHeadersNonce');
  if (!nonce) throw new Error('web pages need the security headers middleware first (it makes the CSP nonce)');
  return {
    locale,
    t: translator(locale),
    format: formatters(locale),
    nonce,
    path: c.req.path,
    ...(tenant && {
      tenant: { ...tenant, brandCssUrl: `/t/${tenant.tenant.slug}/brand.css?v=${brandCssVersion(brandCss(tenant.branding))}` },
    }),
  };
}

/** The view already built for this request, or one outside any tenant (the landing page, errors). */
export const viewOf = (c: Context<WebEnv>): WebView => c.get('view') ?? buildView(c);
