import type { Child } from 'hono/jsx';
import { decodeCursor, type PageArgs } from '../../domain/pagination.js';
import { AppError } from '../../lib/errors.js';
import { fieldErrorsOf, type FieldErrors } from '../form-fields.js';
import { renderPage } from '../render.js';
import type { PortalContext } from './context.js';
import type { PortalViewer } from './portal-page.js';

/** The header's account bar for this request: the signed-in customer, or null. */
export function viewerOf(c: PortalContext): PortalViewer | null {
  const user = c.var.webUser;
  return user?.role === 'customer' ? { name: user.name, csrfToken: c.var.csrfToken } : null;
}

/** Sends a portal page (a form with problems answers 422). */
export const sendPage = (c: PortalContext, page: Child, status: 200 | 422 | 429 = 200) => renderPage(c, c.var.view, page, status);

/**
 * The field messages of a BAD_USER_INPUT error in the page's language: each field's own
 * sentence from the portal strings (zod's English would not do), null for any other error.
 */
export function translatedFieldErrors(c: PortalContext, err: unknown): FieldErrors | null {
  const errors = fieldErrorsOf(err);
  if (!errors) return null;
  const { t } = c.var.view;
  const out: FieldErrors = {};
  for (const key of Object.keys(errors)) {
    const own = `portal.fields.${key}.invalid`;
    out[key] = t(own) === own ? t('portal.form.problem') : t(own);
  }
  return out;
}

/** True for a NOT_FOUND AppError: the page answers the HTML 404. */
export const isNotFound = (err: unknown) => err instanceof AppError && err.code === 'NOT_FOUND';

/** Runs a page's work; a missing (or someone else's) record becomes the HTML 404 page. */
export async function orNotFound(c: PortalContext, notFound: (c: PortalContext) => Response | Promise<Response>, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (err) {
    if (isNotFound(err)) return notFound(c);
    throw err;
  }
}

/**
 * A list page's window from its `?after=` link: `size` rows after a cursor this server issued.
 * A cursor that is not one (edited by hand) shows the first page rather than an error.
 */
export function listWindow(c: PortalContext, size: number): PageArgs {
  const after = c.req.query('after')?.slice(0, 200);
  if (!after) return { first: size };
  try {
    decodeCursor(after);
    return { first: size, after };
  } catch {
    return { first: size };
  }
}
