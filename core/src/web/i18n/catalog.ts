import { createInstance, type TFunction } from 'i18next';
import { en } from './locales/en.js';
import { es } from './locales/es.js';

/** Every locale the web pages are translated into; a tenant enables a non-empty subset. */
export const SUPPORTED_LOCALES = ['en', 'es'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

export const isLocale = (value: unknown): value is Locale => (SUPPORTED_LOCALES as readonly unknown[]).includes(value);

/**
 * One i18next instance for the process, its resources bundled with the code (no backend to load
 * them). Requests never change its language: each takes a fixed `t` for its own locale.
 */
const i18n = createInstance();
void i18n.init({
  resources: { en: { translation: en }, es: { translation: es } },
  supportedLngs: [...SUPPORTED_LOCALES],
  fallbackLng: 'en',
  lng: 'en',
  initAsync: false,
  // hono/jsx escapes every string it renders; escaping here too would show "&amp;".
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The translate function of one locale. */
export function translator(locale: Locale): TFunction {
  return i18n.getFixedT(locale);
}
