import { Hono } from 'hono';
import type { Platform } from '../../platform.js';
import { recordAudit } from '../../tenancy/audit.js';
import { MIN_CONTRAST_WITH_WHITE } from '../../tenancy/web-settings.js';
import { CheckboxGroup, CsrfField, FileField, fieldErrorsOf, FormProblem, SelectField, TextField, type FieldErrors } from '../form-fields.js';
import { SUPPORTED_LOCALES } from '../i18n/index.js';
import { renderPage } from '../render.js';
import { contrastWithWhite, readBranding, updateBranding, type BrandingSettings } from '../session/index.js';
import type { StaffWebEnv } from '../staff-sign-in.js';
import { useView, type WebView } from '../view.js';
import { adminPath, doneNote, installerActor, readForm, text, texts, webActor, type AdminContext, type DoneNote, type FormBody } from './admin-context.js';
import { AdminPage } from './admin-page.js';

/** Logos are read from the upload and stored as a data URL; bigger files are refused before reading. */
const MAX_LOGO_UPLOAD = 64 * 1024;
const LOGO_TYPES: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

type BrandingForm = Omit<BrandingSettings, 'logoDataUrl'> & { logoDataUrl: string | null };

function BrandingPage(props: { csrf: string; values: BrandingForm; errors: FieldErrors; problem?: string | null; done?: DoneNote }) {
  const { t, tenant } = useView();
  const v = props.values;
  const e = props.errors;
  const locales = SUPPORTED_LOCALES.map((l) => ({ value: l, label: t(`locales.${l}`) }));
  return (
    <AdminPage title={t('admin.branding.title')} section="branding" csrf={props.csrf} done={props.done}>
      <h1>{t('admin.branding.title')}</h1>
      <form method="post" action={`/t/${tenant!.tenant.slug}/admin/branding`} enctype="multipart/form-data" class="stacked-form card" novalidate>
        <CsrfField token={props.csrf} />
        <FormProblem message={props.problem} />
        <TextField name="displayName" label={t('admin.branding.displayName')} hint={t('admin.branding.displayNameHint')} value={v.displayName} error={e.displayName} maxlength={100} />
        {v.logoDataUrl && <p><img class="logo-preview" src={v.logoDataUrl} alt={t('admin.branding.currentLogo')} /></p>}
        <FileField name="logo" label={t('admin.branding.logo')} hint={t('admin.branding.logoHint')} accept="image/png,image/jpeg,image/gif,image/webp" error={e.logoDataUrl} />
        {v.logoDataUrl && (
          <div class="field field--check">
            <input id="f-removeLogo" type="checkbox" name="removeLogo" value="on" />
            <label for="f-removeLogo">{t('admin.branding.removeLogo')}</label>
          </div>
        )}
        <TextField name="primaryColor" label={t('admin.branding.primaryColor')} hint={t('admin.branding.colorHint')} value={v.primaryColor} error={e.primaryColor} maxlength={7} />
        <TextField name="accentColor" label={t('admin.branding.accentColor')} hint={t('admin.branding.colorHint')} value={v.accentColor} error={e.accentColor} maxlength={7} />
        <CheckboxGroup name="enabledLocales" label={t('admin.branding.enabledLocales')} options={locales} checked={v.enabledLocales} error={e.enabledLocales} />
        <SelectField name="defaultLocale" label={t('admin.branding.defaultLocale')} options={locales} value={v.defaultLocale} error={e.defaultLocale} />
        <TextField name="customDomain" label={t('admin.branding.customDomain')} hint={t('admin.branding.customDomainHint')} value={v.customDomain} error={e.customDomain} maxlength={253} />
        <button type="submit">{t('admin.branding.save')}</button>
      </form>
    </AdminPage>
  );
}

/** The logo field of the form: a new upload as a data URL, removal, or the stored one kept. */
async function logoFrom(body: FormBody, current: string | null): Promise<{ logo: string | null } | { error: 'tooBig' | 'type' }> {
  const file = body.logo;
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_LOGO_UPLOAD) return { error: 'tooBig' };
    const kind = LOGO_TYPES[file.type];
    if (!kind) return { error: 'type' };
    return { logo: `data:image/${kind};base64,${Buffer.from(await file.arrayBuffer()).toString('base64')}` };
  }
  return { logo: text(body, 'removeLogo') === 'on' ? null : current };
}

/**
 * The rule of each refused field in the page's language (the use-case's messages are for the
 * API); a colour's message names its contrast with white, from the same check the use-case made.
 */
function inWords(errors: FieldErrors, values: BrandingForm, view: WebView): FieldErrors {
  const { t, locale } = view;
  const twoPlaces = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const colour = (value: string) => /^#[0-9a-f]{6}$/i.test(value)
    ? t('admin.branding.contrastRule', { colour: value.toLowerCase(), ratio: twoPlaces.format(contrastWithWhite(value.toLowerCase())), min: view.format.number(MIN_CONTRAST_WITH_WHITE) })
    : t('admin.branding.colourRule');
  const words: Record<string, () => string> = {
    displayName: () => t('admin.branding.displayNameRule'),
    primaryColor: () => colour(values.primaryColor),
    accentColor: () => colour(values.accentColor),
    enabledLocales: () => t('admin.branding.enabledLocalesRule'),
    defaultLocale: () => t('admin.branding.defaultLocaleRule'),
    customDomain: () => t('admin.branding.customDomainRule'),
  };
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, words[field]?.() ?? message]));
}

/** Branding and languages: display name, logo, colours (with the contrast check), languages, custom domain. */
export function brandingRoutes(platform: Platform): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  const page = (c: AdminContext, values: BrandingForm, errors: FieldErrors = {}, problem?: string | null, status: 200 | 422 = 200) =>
    renderPage(c, c.get('view'), <BrandingPage csrf={c.var.csrfToken} values={values} errors={errors} problem={problem} done={doneNote(c)} />, status);

  routes.get('/', async (c) => page(c, await readBranding(c.var.webTenant.data)));
  routes.post('/', async (c) => {
    const data = c.var.webTenant.data;
    const { t } = c.get('view');
    const [body, current] = await Promise.all([readForm(c), readBranding(data)]);
    const logo = await logoFrom(body, current.logoDataUrl);
    const values: BrandingForm = {
      displayName: text(body, 'displayName').trim() || null,
      logoDataUrl: 'logo' in logo ? logo.logo : current.logoDataUrl,
      primaryColor: text(body, 'primaryColor').trim() as `#${string}`,
      accentColor: text(body, 'accentColor').trim() as `#${string}`,
      enabledLocales: texts(body, 'enabledLocales') as BrandingSettings['enabledLocales'],
      defaultLocale: text(body, 'defaultLocale') as BrandingSettings['defaultLocale'],
      customDomain: text(body, 'customDomain').trim() || null,
    };
    if ('error' in logo) return page(c, values, { logoDataUrl: t(`admin.branding.logo_${logo.error}`) }, null, 422);
    try {
      await updateBranding(data, webActor(c), values);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return page(c, values, inWords(errors, values, c.get('view')), errors._form, 422);
    }
    const who = installerActor(c);
    await recordAudit(platform.control.db, { tenantId: who.tenantId, actor: who.actor, action: 'branding.update', target: c.var.webTenant.slug });
    return c.redirect(`${adminPath(c, '/branding')}?done=brandingSaved`, 303);
  });
  return routes;
}
