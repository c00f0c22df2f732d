import { Hono, type Context } from 'hono';
import { AppError } from '../../lib/errors.js';
import type { Platform } from '../../platform.js';
import { listInstallations } from '../../plugins/installer/index.js';
import { listCatalog } from '../../plugins/registry/index.js';
import { viewOf } from '../build-view.js';
import { ErrorPage } from '../layout/error-page.js';
import { renderPage } from '../render.js';
import { requireWebUser, verifyCsrf, webSession } from '../session/index.js';
import { staffSignInRoutes, type StaffWebEnv } from '../staff-sign-in.js';
import { useView } from '../view.js';
import type { WebEnv } from '../web-env.js';
import { apiKeyRoutes } from './api-keys.js';
import { AdminPage } from './admin-page.js';
import { brandingRoutes } from './branding.js';
import { marketplaceRoutes } from './marketplace.js';
import { metricsRoutes } from './metrics.js';
import { calendarRoutes, channelRoutes, queueRoutes, skillRoutes, slaPolicyRoutes } from './operations/index.js';
import { installedPluginRoutes } from './plugins.js';
import { userRoutes } from './users.js';

/** The HTML 404 page in the tenant's look. */
const notFoundPage = (c: Context) => renderPage(c, viewOf(c as Context<WebEnv>), <ErrorPage status={404} />, 404);

function AdminHome(props: { csrf: string; name: string; installed: number; published: number }) {
  const { t, tenant } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin`;
  return (
    <AdminPage title={t('areas.admin')} section="overview" csrf={props.csrf}>
      <h1>{t('areas.admin')}</h1>
      <p class="lead">{t('admin.home.welcome', { name: props.name, tenant: tenant!.branding.displayName })}</p>
      <ul class="overview">
        <li class="card"><h2><a href={`${base}/metrics`}>{t('admin.nav.metrics')}</a></h2><p>{t('admin.home.metrics')}</p></li>
        <li class="card"><h2><a href={`${base}/channels`}>{t('operations.nav.channels')}</a></h2><p>{t('operations.home.channels')}</p></li>
        <li class="card"><h2><a href={`${base}/queues`}>{t('operations.nav.queues')}</a></h2><p>{t('operations.home.queues')}</p></li>
        <li class="card"><h2><a href={`${base}/sla-policies`}>{t('operations.nav.slaPolicies')}</a></h2><p>{t('operations.home.slaPolicies')}</p></li>
        <li class="card"><h2><a href={`${base}/plugins`}>{t('admin.nav.plugins')}</a></h2><p>{t('admin.home.installed', { count: props.installed })}</p></li>
        <li class="card"><h2><a href={`${base}/marketplace`}>{t('admin.nav.marketplace')}</a></h2><p>{t('admin.home.published', { count: props.published })}</p></li>
        <li class="card"><h2><a href={`${base}/users`}>{t('admin.nav.users')}</a></h2><p>{t('admin.home.users')}</p></li>
        <li class="card"><h2><a href={`${base}/api-keys`}>{t('admin.nav.apiKeys')}</a></h2><p>{t('admin.home.apiKeys')}</p></li>
        <li class="card"><h2><a href={`${base}/branding`}>{t('admin.nav.branding')}</a></h2><p>{t('admin.home.branding')}</p></li>
      </ul>
    </AdminPage>
  );
}

/**
 * The admin pages of one tenant, mounted at /t/:tenant/admin (the tenant's view is already
 * built): sign-in, then for admins only the marketplace with its consent screen, installed
 * plugins and their health, users, API keys and branding. They call the same use-cases as the
 * GraphQL admin API, with the signed-in admin recorded as `web:<user id>` in the audit log.
 */
export function adminRoutes(platform: Platform): Hono<WebEnv> {
  const routes = new Hono<StaffWebEnv>();
  // A missing record, or another tenant's, is the HTML 404 page; anything else is the app's 500.
  routes.onError((err, c) => {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return notFoundPage(c);
    throw err;
  });
  routes.use('*', webSession(platform, { notFound: notFoundPage }), verifyCsrf());
  routes.route('/', staffSignInRoutes('admin'));
  routes.use('*', requireWebUser('admin'));
  routes.get('/', async (c) => {
    const [installations, catalog] = await Promise.all([listInstallations(platform.control.db, c.var.webTenant.id, { activeOnly: true }), listCatalog(platform.control.db)]);
    return renderPage(c, c.get('view'), <AdminHome csrf={c.var.csrfToken} name={c.var.webUser!.name} installed={installations.length} published={catalog.length} />);
  });
  routes.route('/metrics', metricsRoutes(platform));
  routes.route('/channels', channelRoutes(platform));
  routes.route('/queues', queueRoutes(platform));
  routes.route('/skills', skillRoutes(platform));
  routes.route('/sla-policies', slaPolicyRoutes(platform));
  routes.route('/calendars', calendarRoutes(platform));
  routes.route('/marketplace', marketplaceRoutes(platform));
  routes.route('/plugins', installedPluginRoutes(platform));
  routes.route('/users', userRoutes(platform));
  routes.route('/api-keys', apiKeyRoutes(platform));
  routes.route('/branding', brandingRoutes(platform));
  return routes as unknown as Hono<WebEnv>;
}
