import type { Child } from 'hono/jsx';
import type { Context } from 'hono';
import { ViewProvider, type WebView } from './view.js';

/**
 * Sends a page: the doctype and the rendered element with `view` in context. Never stored by a
 * cache: it carries a single-use nonce and may carry a visitor's data.
 */
export async function renderPage(c: Context, view: WebView, page: Child, status: 200 | 404 | 409 | 422 | 429 | 500 = 200) {
  const body = await (<ViewProvider value={view}>{page}</ViewProvider>).toString();
  return c.html(`<!doctype html>${body}`, status, { 'cache-control': 'no-store' });
}
