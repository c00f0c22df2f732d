import { Hono } from 'hono';
import { areaNav } from '../layout/area-nav.js';
import { Page } from '../layout/page.js';
import { renderPage } from '../render.js';
import { useView } from '../view.js';
import type { WebEnv } from '../web-env.js';

function PortalHome() {
  const view = useView();
  const { t, tenant } = view;
  return (
    <Page title={t('areas.portal')} nav={areaNav(view, 'portal')}>
      <h1>{t('areas.portal')}</h1>
      <p class="lead">{t('placeholder.portal', { tenant: tenant!.branding.displayName })}</p>
      <p class="muted">{t('placeholder.soon')}</p>
    </Page>
  );
}

/** The portal pages of one tenant, mounted at /t/:tenant/portal (the tenant's view is already built). */
export function portalRoutes(): Hono<WebEnv> {
  const routes = new Hono<WebEnv>();
  routes.get('/', (c) => renderPage(c, c.get('view'), <PortalHome />));
  return routes;
}
