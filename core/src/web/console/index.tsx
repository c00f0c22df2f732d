import { Hono, type Context } from 'hono';
import type { SubscriptionSlots } from '../../graphql/subscriptions/index.js';
import { AppError } from '../../lib/errors.js';
import type { Platform } from '../../platform.js';
import { viewOf } from '../build-view.js';
import { ErrorPage } from '../layout/error-page.js';
import { renderPage } from '../render.js';
import { requireWebUser, staffTenantContext, verifyCsrf, webSession } from '../session/index.js';
import { staffSignInRoutes } from '../staff-sign-in.js';
import type { WebEnv } from '../web-env.js';
import { widgetActionRoutes, type WidgetArea, type WidgetPageEnv } from '../widget-slot.js';
import { showCase, showCaseWithProblem, submitReply } from './case-page.js';
import { consoleChatRoutes } from './chat.js';
import { showCustomer360 } from './customer-360.js';
import { showFindCustomer } from './find-customer.js';
import { consoleBase } from './frame.js';
import { streamCustomerLive } from './live.js';
import { telephonyRoutes } from './telephony-routes.js';
import { showOrder } from './order-page.js';
import { submitRelease, submitTransfer, type HandOnProblem } from './handoff.js';
import { showOffers, submitAccept, submitDecline } from './offers.js';
import { showPresence, submitPresence } from './presence.js';
import { showWorkList, showWorkListWithProblem } from './work-list.js';

const notFoundPage = (c: Context<WidgetPageEnv>) => renderPage(c, viewOf(c as unknown as Context<WebEnv>), <ErrorPage status={404} />, 404);

/** How console widgets are seen and where their buttons return. */
const consoleWidgets: WidgetArea = {
  name: 'console',
  access: (c) => {
    const tenant = staffTenantContext(c);
    return { tenant, viewer: { actor: tenant.actor, role: tenant.role } };
  },
  pageOf: (slug, target) => `${consoleBase(slug)}/${target.kind === 'customer' ? 'customers' : target.kind === 'case' ? 'cases' : 'orders'}/${target.id}`,
  notFound: notFoundPage,
};

/**
 * The agent console of one tenant, mounted at /t/:tenant/console: sign-in, the work list of open
 * cases, the customer 360 with its live timeline, case pages with replies, and widget buttons.
 * Everything but sign-in needs an agent or admin; every write passes the CSRF check.
 */
export function consoleRoutes(platform: Platform, slots: SubscriptionSlots): Hono<WebEnv> {
  const routes = new Hono<WidgetPageEnv>();
  routes.use('*', webSession(platform, { notFound: notFoundPage }), verifyCsrf());
  routes.route('/', staffSignInRoutes('staff'));

  // Registered after sign-in and sign-out, which answer before reaching it.
  routes.use('*', requireWebUser('staff'));
  routes.get('/', showWorkList);
  routes.get('/customers', showFindCustomer);
  routes.get('/customers/:id', (c) => showCustomer360(c, platform));
  routes.get('/customers/:id/live', (c) => streamCustomerLive(c, slots));
  routes.get('/cases/:id', (c) => showCase(c, platform));
  routes.post('/cases/:id/reply', (c) => submitReply(c, platform));
  const caseProblem = (c: Context<WidgetPageEnv>, problem: HandOnProblem, status: 404 | 409 | 422) => showCaseWithProblem(c, platform, problem, status);
  routes.post('/cases/:id/release', (c) => submitRelease(c, caseProblem));
  routes.post('/cases/:id/transfer', (c) => submitTransfer(c, caseProblem));
  routes.get('/presence', showPresence);
  routes.post('/presence', submitPresence);
  routes.get('/offers', showOffers);
  routes.post('/offers/:caseId/accept', (c) => submitAccept(c, showWorkListWithProblem));
  routes.post('/offers/:caseId/decline', (c) => submitDecline(c, showWorkListWithProblem));
  routes.get('/orders/:id', (c) => showOrder(c, platform));
  routes.route('/', consoleChatRoutes(slots));
  routes.route('/', telephonyRoutes(platform, slots));
  routes.route('/', widgetActionRoutes(platform, consoleWidgets));

  // A foreign or missing record (or a hand-made cursor) is the same HTML 404 as any missing page.
  routes.onError((error, c) => {
    if (error instanceof AppError && (error.code === 'NOT_FOUND' || error.code === 'BAD_USER_INPUT')) return notFoundPage(c);
    throw error;
  });
  return routes as unknown as Hono<WebEnv>;
}
