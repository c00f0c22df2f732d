import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { z } from 'zod';
import { SUPPORTED_LOCALES } from './i18n/index.js';
import { LOCALE_COOKIE, viewOf } from './build-view.js';
import type { WebEnv } from './web-env.js';

const switchForm = z.object({
  locale: z.enum(SUPPORTED_LOCALES),
  back: z.string().max(2048).optional(),
});

/**
 * The page to return to after a language change: a path of the same tenant only (never another
 * site or tenant), else the tenant's portal home.
 */
export function returnPath(slug: string, back: string | undefined): string {
  const home = `/t/${slug}/portal`;
  if (!back || !back.startsWith(`/t/${slug}/`)) return home;
  // Path characters only: no scheme, no "//", no backslash, no control characters.
  if (!/^\/[A-Za-z0-9\-._~/]*$/.test(back) || back.includes('//') || back.split('/').includes('..')) return home;
  return back;
}

/**
 * POST /t/:tenant/locale: remembers the visitor's language for this tenant's pages in a cookie
 * and sends them back (303) to the page they were on. A locale the tenant did not enable is
 * stored but never chosen, so the pages keep their default.
 */
export async function switchLocale(c: Context<WebEnv>) {
  const view = viewOf(c);
  const slug = view.tenant!.tenant.slug;
  const form = switchForm.safeParse(await c.req.parseBody().catch(() => ({})));
  const back = returnPath(slug, form.success ? form.data.back : undefined);
  if (form.success && view.tenant!.branding.enabledLocales.includes(form.data.locale)) {
    setCookie(c, LOCALE_COOKIE, form.data.locale, {
      path: `/t/${slug}/`,
      sameSite: 'Lax',
      httpOnly: true,
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: 365 * 24 * 3600,
    });
  }
  return c.redirect(back, 303);
}
