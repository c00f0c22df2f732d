export { SUPPORTED_LOCALES, isLocale, translator, type Locale } from './catalog.js';
export { formatters, type Formatters } from './format.js';
export { negotiateLocale, parseAcceptLanguage, type LanguageRange, type LocaleSettings } from './negotiate.js';
