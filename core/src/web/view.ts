import type { TFunction } from 'i18next';
import { createContext, useContext } from 'hono/jsx';
import type { Branding } from './branding.js';
import type { Formatters, Locale } from './i18n/index.js';

/** A tenant as its pages know it. */
export interface WebTenant { id: string; slug: string; name: string }

/** Everything a page's components need about the request being answered. */
export interface WebView {
  locale: Locale;
  /** Translates a key into `locale`. */
  t: TFunction;
  format: Formatters;
  /** The CSP nonce of this response: every `<script>` carries it. */
  nonce: string;
  /** The path being shown (the language switch returns to it). */
  path: string;
  /** Absent on pages outside any tenant (the landing page, a 404 for an unknown tenant). */
  tenant?: { tenant: WebTenant; branding: Branding; brandCssUrl: string };
}

const ViewContext = createContext<WebView | null>(null);

/** Makes `view` available to every component rendered inside it. */
export const ViewProvider = ViewContext.Provider;

/** The view of the request being rendered; only inside a `ViewProvider`. */
export function useView(): WebView {
  const view = useContext(ViewContext);
  if (!view) throw new Error('useView() outside a ViewProvider');
  return view;
}
