import type { Context, MiddlewareHandler } from 'hono';
import { errorResponse } from '../../http/authenticate.js';
import type { Platform } from '../../platform.js';
import { findTenantBySlug, tenantSlugSchema } from '../../tenancy/tenants.js';
import {
  DEFAULT_SESSION_LIFETIMES, endWebSession, resumeWebSession, startWebSession, csrfTokenFor, type SessionLifetimes,
} from '../../tenancy/web-sessions.js';
import type { WebUser } from '../../tenancy/web-users.js';
import type { TenantContext } from '../../tenancy/context.js';
import { AppError } from '../../lib/errors.js';
import { clearTenantCookie, FORM_CSRF_COOKIE, isSecureRequest, readCookie, SESSION_COOKIE, setTenantCookie } from './cookies.js';
import type { WebSessionEnv } from './env.js';
import { FormCsrf } from './form-csrf.js';

/** The parts of the platform the session middleware uses. */
export type WebSessionPlatform = Pick<Platform, 'control' | 'tenants' | 'config'>;

export interface WebSessionOptions {
  /** Answer for an unknown tenant (default: the JSON 404 `NOT_FOUND`); the pages pass their HTML 404. */
  notFound?: (c: Context) => Response | Promise<Response>;
  lifetimes?: SessionLifetimes;
}

/**
 * Resolves `/t/:tenant/…` to the tenant (an unknown or malformed slug is a 404, like any missing
 * page), then the session cookie to the signed-in user of that tenant's own database. Sets
 * `c.var.webTenant`, `c.var.webUser` (null for visitors) and `c.var.csrfToken` for forms.
 *
 * @example
 * ```ts
 * app.use('/t/:tenant/*', webSession(platform));
 * app.use('/t/:tenant/*', verifyCsrf());
 * app.get('/t/:tenant/portal', requireWebUser('customer'), (c) => c.text(`Hello ${c.var.webUser!.name}`));
 * ```
 */
export function webSession(platform: WebSessionPlatform, options: WebSessionOptions = {}): MiddlewareHandler<WebSessionEnv> {
  const formCsrf = new FormCsrf(platform.config.web.secret);
  const lifetimes = options.lifetimes ?? DEFAULT_SESSION_LIFETIMES;
  const notFound = options.notFound ?? ((c: Context) => errorResponse(c, 404, 'NOT_FOUND', 'no such page'));
  const security = { alwaysSecure: platform.config.web.secureCookies };
  return async (c, next) => {
    const slug = tenantSlugSchema.safeParse(c.req.param('tenant'));
    const row = slug.success ? await findTenantBySlug(platform.control.db, slug.data) : undefined;
    if (!row) return notFound(c);
    const data = await platform.tenants.get(row.id);
    const secure = isSecureRequest(c, security);
    c.set('webTenant', { id: row.id, slug: row.slug, name: row.name, data });
    c.set('webSessionSetup', { formCsrf, lifetimes, secure });

    const token = readCookie(c, SESSION_COOKIE);
    const resumed = await resumeWebSession(data, token, lifetimes);
    if (token && !resumed) clearTenantCookie(c, SESSION_COOKIE, row.slug, secure);
    c.set('webUser', resumed?.user ?? null);
    c.set('webSession', resumed?.session ?? null);
    const existing = readCookie(c, FORM_CSRF_COOKIE);
    const fresh = !resumed && !formCsrf.isGenuine(row.slug, existing);
    c.set('csrfToken', resumed ? csrfTokenFor(resumed.session) : fresh ? formCsrf.issue(row.slug) : existing!);
    await next();
    // A visitor without a genuine form cookie gets one with the page that embeds its token;
    // stylesheets, scripts and images (cached, possibly shared) never carry a Set-Cookie.
    if (fresh && !c.var.webSession && !STATIC_TYPES.test(c.res.headers.get('content-type') ?? '')) {
      setTenantCookie(c, FORM_CSRF_COOKIE, c.var.csrfToken, row.slug, secure);
    }
  };
}

const STATIC_TYPES = /^(text\/css|text\/javascript|application\/javascript|image\/|font\/)/i;

/**
 * Starts a session for a user who just signed in (or signed up, or reset their password):
 * the browser's previous session ends (rotation) and the new token goes in the cookie.
 * Answers the new session's CSRF token for the page that follows.
 */
// Generic in the env so routes whose env adds variables of their own can call these helpers.
export async function beginWebSession<E extends WebSessionEnv>(context: Context<E>, user: WebUser): Promise<string> {
  const c = context as unknown as Context<WebSessionEnv>;
  const { slug, data } = c.var.webTenant;
  const setup = c.var.webSessionSetup;
  const { token, session } = await startWebSession(data, user.id, readCookie(c, SESSION_COOKIE), setup.lifetimes);
  setTenantCookie(c, SESSION_COOKIE, token, slug, setup.secure, Math.floor(setup.lifetimes.absoluteMs / 1000));
  c.set('webUser', user);
  c.set('webSession', session);
  c.set('csrfToken', csrfTokenFor(session));
  return c.var.csrfToken;
}

/** Signs out: the session row is deleted and the cookie cleared. */
export async function endWebSessionOf<E extends WebSessionEnv>(context: Context<E>): Promise<void> {
  const c = context as unknown as Context<WebSessionEnv>;
  const { slug, data } = c.var.webTenant;
  await endWebSession(data, readCookie(c, SESSION_COOKIE));
  clearTenantCookie(c, SESSION_COOKIE, slug, c.var.webSessionSetup.secure);
  c.set('webUser', null);
  c.set('webSession', null);
}

/** The client's address for the sign-in throttle (the socket's peer under @hono/node-server). */
export function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * The domain's tenant context for a signed-in agent or admin (after `requireWebUser('staff')`),
 * so console and admin pages call the same use-cases as the API with the user's own rights;
 * writes record `web:<user id>` as the actor. Customers get FORBIDDEN: the domain has no
 * customer role, portal pages read only the customer's own rows.
 */
export function staffTenantContext<E extends WebSessionEnv>(context: Context<E>): TenantContext {
  const c = context as unknown as Context<WebSessionEnv>;
  const user = c.var.webUser;
  if (!user || user.role === 'customer') throw new AppError('FORBIDDEN', 'this needs an agent or admin account');
  const tenant = c.var.webTenant;
  return { tenantId: tenant.id, tenantSlug: tenant.slug, role: user.role, actor: `web:${user.id}`, agentId: user.agentId, data: tenant.data };
}
