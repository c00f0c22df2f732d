import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/** The session cookie; its Path is the tenant's own, so a browser sends it to that tenant only. */
export const SESSION_COOKIE = 'mosaic_session';
/** The anonymous forms' CSRF cookie (sign-in, sign-up, reset). */
export const FORM_CSRF_COOKIE = 'mosaic_form_csrf';

export interface CookieSecurity {
  /** Mark cookies Secure on every request (MOSAIC_SECURE_COOKIES), not only https ones. */
  alwaysSecure: boolean;
}

export const tenantCookiePath = (slug: string) => `/t/${slug}/`;

/** Secure when the request came over https or the operator says TLS ends in front of us. */
export const isSecureRequest = (c: Context, security: CookieSecurity): boolean =>
  security.alwaysSecure || new URL(c.req.url).protocol === 'https:';

/** HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs), the tenant's path. */
export function setTenantCookie(c: Context, name: string, value: string, slug: string, secure: boolean, maxAgeSeconds?: number): void {
  setCookie(c, name, value, {
    path: tenantCookiePath(slug), httpOnly: true, sameSite: 'Lax', secure, ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  });
}

export function clearTenantCookie(c: Context, name: string, slug: string, secure: boolean): void {
  deleteCookie(c, name, { path: tenantCookiePath(slug), httpOnly: true, sameSite: 'Lax', secure });
}

export const readCookie = (c: Context, name: string): string | undefined => getCookie(c, name);
