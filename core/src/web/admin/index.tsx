import { Hono } from 'hono';
import { areaNav } from '../layout/area-nav.js';
import { Page } from '../layout/page.js';
import { renderPage } from '../render.js';
import { useView } from '../view.js';
import type { WebEnv } from '../web-env.js';

function AdminHome() {
  const view = useView();
  const { t, tenant } = view;
  return (
    <Page title={t('areas.admin')} nav={areaNav(view, 'admin')}>
      <h1>{t('areas.admin')}</h1>
      <p class="lead">{t('placeholder.admin', { tenant: tenant!.branding.displayName })}</p>
      <p class="muted">{t('placeholder.soon')}</p>
    </Page>
  );
}

/** The admin pages of one tenant, mounted at /t/:tenant/admin (the tenant's view is already built). */
export function adminRoutes(): Hono<WebEnv> {
  const routes = new Hono<WebEnv>();
  routes.get('/', (c) => renderPage(c, c.get('view'), <AdminHome />));
  return routes;
}
