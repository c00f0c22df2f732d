import type { Child } from 'hono/jsx';
import { assetUrl } from '../static-assets.js';
import { useView } from '../view.js';
import { LanguageSwitch } from './language-switch.js';

/** One link of the page's main navigation. */
export interface NavLink { href: string; label: string; current?: boolean }

/**
 * The frame of every web page: language, title, skip link, branded header with navigation, the
 * main content, and a footer with the language switch. Scripts come only from this server and
 * carry the response's CSP nonce.
 */
export function Page(props: { title: string; nav?: NavLink[]; /** Extra served assets of this page ("widgets.css", "htmx-sse.js"). */ assets?: string[]; children?: Child }) {
  const { locale, t, nonce, tenant } = useView();
  const siteName = tenant?.branding.displayName ?? 'Mosaic';
  const home = tenant ? `/t/${tenant.tenant.slug}/portal` : '/';
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* htmx may neither add an inline <style> nor evaluate code: the CSP forbids both. */}
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}' />
        <title>{props.title === siteName ? siteName : `${props.title} · ${siteName}`}</title>
        <link rel="stylesheet" href={assetUrl('app.css')} />
        {tenant && <link rel="stylesheet" href={tenant.brandCssUrl} />}
        {props.assets?.filter((name) => name.endsWith('.css')).map((name) => <link rel="stylesheet" href={assetUrl(name)} />)}
        <script src={assetUrl('htmx.js')} nonce={nonce} defer />
        {props.assets?.filter((name) => name.endsWith('.js')).map((name) => <script src={assetUrl(name)} nonce={nonce} defer />)}
      </head>
      <body>
        <a class="skip-link" href="#main">{t('common.skipToContent')}</a>
        <header class="site-header">
          <div class="site-header__inner">
            <a class="brand" href={home}>
              {tenant?.branding.logoUrl && <img src={tenant.branding.logoUrl} alt="" />}
              <span>{siteName}</span>
            </a>
            {props.nav && props.nav.length > 0 && (
              <nav class="site-nav" aria-label={t('common.primaryNav')}>
                <ul>
                  {props.nav.map((link) => (
                    <li><a href={link.href} aria-current={link.current ? 'page' : undefined}>{link.label}</a></li>
                  ))}
                </ul>
              </nav>
            )}
          </div>
        </header>
        <main id="main" tabindex={-1}>{props.children}</main>
        <footer class="site-footer">
          <div class="site-footer__inner">
            <span>{t('common.poweredBy')}</span>
            <LanguageSwitch />
          </div>
        </footer>
      </body>
    </html>
  );
}
