import { Hono } from 'hono';
import { areaNav } from '../layout/area-nav.js';
import { Page } from '../layout/page.js';
import { renderPage } from '../render.js';
import { useView } from '../view.js';
import type { WebEnv } from '../web-env.js';

function ConsoleHome() {
  const view = useView();
  const { t, tenant } = view;
  return (
    <Page title={t('areas.console')} nav={areaNav(view, 'console')}>
      <h1>{t('areas.console')}</h1>
      <p class="lead">{t('placeholder.console', { tenant: tenant!.branding.displayName })}</p>
      <p class="muted">{t('placeholder.soon')}</p>
    </Page>
  );
}

/** The console pages of one tenant, mounted at /t/:tenant/console (the tenant's view is already built). */
export function consoleRoutes(): Hono<WebEnv> {
  const routes = new Hono<WebEnv>();
  routes.get('/', (c) => renderPage(c, c.get('view'), <ConsoleHome />));
  return routes;
}
