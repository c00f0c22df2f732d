import { Hono, type Context } from 'hono';
import { tenantChatChannel } from '../../domain/portal-chat.js';
import { searchPublishedArticles, type ArticleHit } from '../../domain/portal-knowledge.js';
import type { SubscriptionSlots } from '../../graphql/subscriptions/index.js';
import type { Platform } from '../../platform.js';
import { requireWebUser, verifyCsrf, webSession } from '../session/index.js';
import { useView } from '../view.js';
import type { WebEnv } from '../web-env.js';
import { authRoutes } from './auth.js';
import { caseRoutes } from './cases.js';
import { chatRoutes } from './chat.js';
import { communityRoutes } from './community.js';
import { portalBase, portalTenantOf, type PortalContext, type PortalEnv } from './context.js';
import { ArticleList, ArticleSearchForm, knowledgeRoutes } from './knowledge.js';
import { orderRoutes } from './orders.js';
import { PortalPage, type PortalViewer } from './portal-page.js';
import { sendPage, viewerOf } from './render-portal.js';

/** Articles the home page shows under the search box. */
const HOME_ARTICLES = 5;

function PortalHome(props: { base: string; viewer: PortalViewer | null; hits: ArticleHit[]; /** The tenant offers live chat. */ chat: boolean }) {
  const { t, tenant } = useView();
  return (
    <PortalPage title={t('portal.title')} section="home" viewer={props.viewer}>
      <h1>{t('portal.title')}</h1>
      <p class="lead">{t('portal.home.lead', { tenant: tenant!.branding.displayName })}</p>
      <section aria-labelledby="home-search">
        <h2 id="home-search">{t('portal.home.searchHeading')}</h2>
        <ArticleSearchForm base={props.base} />
        <ArticleList base={props.base} hits={props.hits} headingLevel="h3" />
      </section>
      <p>{props.viewer ? t('portal.home.customerText') : t('portal.home.visitorText')}</p>
      <ul class="portal-links">
        {props.viewer ? (
          <>
            <li><a class="button" href={`${props.base}/cases/new`}>{t('portal.cases.new')}</a></li>
            <li><a href={`${props.base}/cases`}>{t('portal.nav.cases')}</a></li>
            <li><a href={`${props.base}/orders`}>{t('portal.nav.orders')}</a></li>
            {props.chat && <li><a href={`${props.base}/chat`}>{t('chat.portal.link')}</a></li>}
          </>
        ) : (
          <>
            <li><a class="button" href={`${props.base}/sign-in`}>{t('portal.nav.signIn')}</a></li>
            <li><a href={`${props.base}/sign-up`}>{t('portal.nav.signUp')}</a></li>
          </>
        )}
        <li><a href={`${props.base}/community`}>{t('portal.nav.community')}</a></li>
      </ul>
    </PortalPage>
  );
}

/**
 * The customer portal of one tenant, mounted at /t/:tenant/portal (the tenant's view is already
 * built): the session of that tenant's own database and CSRF checks on every write; knowledge
 * and forums for anyone; cases and orders for the signed-in customer, their own only (anyone
 * else's record is the same HTML 404 as a missing one).
 */
export function portalRoutes(platform: Platform, notFoundPage: (c: Context) => Promise<Response>, slots: SubscriptionSlots): Hono<WebEnv> {
  const routes = new Hono<PortalEnv>();
  const notFound = (c: PortalContext) => notFoundPage(c);
  routes.use('*', webSession(platform, { notFound: notFoundPage }), verifyCsrf());
  routes.get('/', async (c) => {
    const [hits, chat] = await Promise.all([
      searchPublishedArticles(portalTenantOf(c), { query: '', locale: c.var.view.locale, first: HOME_ARTICLES }),
      viewerOf(c) ? tenantChatChannel(portalTenantOf(c)) : null,
    ]);
    return sendPage(c, <PortalHome base={portalBase(c)} viewer={viewerOf(c)} hits={hits} chat={chat !== null} />);
  });
  routes.route('/', authRoutes(platform));
  routes.route('/', knowledgeRoutes(notFound, platform.logger));
  routes.route('/', communityRoutes(notFound));
  for (const path of ['/cases', '/cases/*', '/orders', '/orders/*', '/chat', '/chat/*', '/widgets/*']) routes.use(path, requireWebUser('customer'));
  routes.route('/', caseRoutes(notFound, platform.logger));
  routes.route('/', orderRoutes(platform, notFound));
  routes.route('/', chatRoutes(notFound, slots));
  return routes as unknown as Hono<WebEnv>;
}
