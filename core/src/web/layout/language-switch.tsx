import { SUPPORTED_LOCALES } from '../i18n/index.js';
import { useView } from '../view.js';

/**
 * A plain form (no script needed) that posts the chosen language to /t/<tenant>/locale, which
 * remembers it in a cookie and sends the visitor back to this page. Outside a tenant the page
 * follows Accept-Language only, so there is nothing to switch.
 */
export function LanguageSwitch() {
  const { locale, t, tenant, path } = useView();
  if (!tenant) return null;
  const locales = SUPPORTED_LOCALES.filter((l) => tenant.branding.enabledLocales.includes(l));
  if (locales.length < 2) return null;
  return (
    <form class="language-switch" method="post" action={`/t/${tenant.tenant.slug}/locale`}>
      <label for="language-select">{t('common.language')}</label>
      <select id="language-select" name="locale">
        {locales.map((l) => <option value={l} lang={l} selected={l === locale}>{t(`locales.${l}`)}</option>)}
      </select>
      <input type="hidden" name="back" value={path} />
      <button type="submit">{t('common.changeLanguage')}</button>
    </form>
  );
}
