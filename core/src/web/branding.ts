import { createHash } from 'node:crypto';
import type { Locale, LocaleSettings } from './i18n/index.js';

/** `#rrggbb` only: the values go into a stylesheet, so nothing else may reach it. */
export type HexColor = `#${string}`;

/** How a tenant's pages look and which languages they speak. */
export interface Branding extends LocaleSettings {
  /** Shown in the header and the page titles. */
  displayName: string;
  /** A same-origin path or a `data:image/...` URL (the CSP allows nothing else), or null. */
  logoUrl: string | null;
  /** Header background and the text on it; links and buttons use `accent`. */
  colors: { primary: HexColor; onPrimary: HexColor; accent: HexColor };
}

const HEX = /^#[0-9a-f]{6}$/i;

/**
 * Mosaic's own look, used until a tenant sets its own: dark blue header (white on #1f3a5f is
 * 11.4:1) and an accent that passes 4.5:1 on white.
 */
export function defaultBranding(tenantName: string, defaultLocale: Locale = 'en'): Branding {
  return {
    displayName: tenantName,
    logoUrl: null,
    colors: { primary: '#1f3a5f', onPrimary: '#ffffff', accent: '#1d5fb4' },
    defaultLocale,
    enabledLocales: ['en', 'es'],
  };
}

/**
 * The tenant's colours as CSS custom properties that app.css uses. Served from
 * /t/<tenant>/brand.css rather than inlined, so the CSP keeps `style-src 'self'` with no inline
 * style at all; its URL carries the content's digest, so browsers cache it for good and a page
 * still costs one round trip.
 */
export function brandCss(branding: Branding): string {
  const { primary, onPrimary, accent } = branding.colors;
  for (const color of [primary, onPrimary, accent]) {
    if (!HEX.test(color)) throw new Error(`brand colour is not #rrggbb: ${JSON.stringify(color)}`);
  }
  return `:root{--brand-primary:${primary};--brand-on-primary:${onPrimary};--brand-accent:${accent}}\n`;
}

/** A short digest of the brand stylesheet, for its cache-busting URL. */
export const brandCssVersion = (css: string) => createHash('sha256').update(css).digest('hex').slice(0, 12);
