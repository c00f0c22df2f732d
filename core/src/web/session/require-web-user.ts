import type { MiddlewareHandler } from 'hono';
import { errorResponse } from '../../http/authenticate.js';
import type { WebRole } from '../../db/tenant-schema.js';
import type { WebSessionEnv } from './env.js';

/** The three web areas and who may use each. */
export type WebArea = 'customer' | 'staff' | 'admin';

const AREA_ROLES: Record<WebArea, readonly WebRole[]> = {
  customer: ['customer'],
  staff: ['agent', 'admin'],
  admin: ['admin'],
};
/** Where each area's sign-in page lives under /t/<slug>/. */
export const AREA_PATHS: Record<WebArea, string> = { customer: 'portal', staff: 'console', admin: 'admin' };

/** The sign-in page of an area, returning to `next` afterwards. */
export const signInPath = (slug: string, area: WebArea, next?: string) =>
  `/t/${slug}/${AREA_PATHS[area]}/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`;

/**
 * Lets through only users of the area's roles (after `webSession()`). A page request (GET/HEAD)
 * without one is sent to the area's sign-in page (303) with the page to return to; any other
 * request answers 401 `UNAUTHENTICATED` (nobody signed in) or 403 `FORBIDDEN` (the wrong role).
 *
 * @example
 * ```ts
 * app.get('/t/:tenant/admin/users', requireWebUser('admin'), listUsersPage);
 * ```
 */
export function requireWebUser(area: WebArea): MiddlewareHandler<WebSessionEnv> {
  const roles = AREA_ROLES[area];
  return async (c, next) => {
    const user = c.var.webUser;
    if (user && roles.includes(user.role)) return next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      const url = new URL(c.req.url);
      return c.redirect(signInPath(c.var.webTenant.slug, area, url.pathname + url.search), 303);
    }
    return user
      ? errorResponse(c, 403, 'FORBIDDEN', `this needs a ${roles.join(' or ')} account`)
      : errorResponse(c, 401, 'UNAUTHENTICATED', 'sign in first');
  };
}
