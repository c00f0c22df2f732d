import type { MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { errorResponse } from '../../http/authenticate.js';
import { csrfTokenMatches } from '../../tenancy/web-sessions.js';
import { FORM_CSRF_COOKIE, readCookie } from './cookies.js';
import type { WebSessionEnv } from './env.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

const refused = (c: Parameters<MiddlewareHandler>[0], why: string) =>
  errorResponse(c, 403, 'CSRF_FAILED', `request refused: ${why}; reload the page and try again`);

/**
 * Refuses cross-site writes (after `webSession()`). Every unsafe method must (1) pass hono's
 * Origin / Sec-Fetch-Site check for form posts and (2) carry the CSRF token, as the form field
 * `_csrf` or the header `X-CSRF-Token`: the session's synchronizer token when signed in, the
 * signed double-submit token of the form cookie otherwise. A refusal is 403 `CSRF_FAILED`.
 *
 * @example
 * ```ts
 * app.use('/t/:tenant/*', webSession(platform), verifyCsrf());
 * // in a form: <input type="hidden" name="_csrf" value={c.var.csrfToken} />
 * ```
 */
export function verifyCsrf(): MiddlewareHandler<WebSessionEnv> {
  const sameSite = sameSiteOnly();
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const crossSite = await sameSite(c, async () => {});
    if (crossSite) return crossSite;
    const submitted = c.req.header('x-csrf-token') ?? await formField(c);
    const session = c.var.webSession;
    const ok = session
      ? csrfTokenMatches(session, submitted)
      : c.var.webSessionSetup.formCsrf.accepts(c.var.webTenant.slug, readCookie(c, FORM_CSRF_COOKIE), submitted);
    if (!ok) return refused(c, 'the form token is missing or does not match this session');
    return next();
  };
}

/**
 * Hono's Origin / Sec-Fetch-Site check alone, answering 403 `CSRF_FAILED`: for a form that acts on
 * no account (the language switch), where a cross-site post is all there is to refuse.
 */
export function sameSiteOnly(): MiddlewareHandler {
  const sameOrigin = csrf();
  return async (c, next) => {
    try {
      await sameOrigin(c, next);
    } catch (err) {
      if (err instanceof HTTPException && err.status === 403) return refused(c, 'it came from another site');
      throw err;
    }
  };
}

/** `_csrf` of a form body (hono keeps the parsed body, so the handler can still read it). */
async function formField(c: Parameters<MiddlewareHandler>[0]): Promise<string | undefined> {
  if (!FORM_TYPES.test(c.req.header('content-type') ?? '')) return undefined;
  const body = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
  const value = body._csrf;
  return typeof value === 'string' ? value : undefined;
}
