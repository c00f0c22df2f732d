import { Hono } from 'hono';
import type { PluginManifest } from '@mosaic/sdk/schema';
import { AppError } from '../../lib/errors.js';
import type { Platform } from '../../platform.js';
import { installPlugin, listInstallations, type Installation } from '../../plugins/installer/index.js';
import { listCatalog, loadVersion, type CatalogEntry } from '../../plugins/registry/index.js';
import { CheckboxField, CsrfField, fieldErrorsOf, FormProblem, TextField, type FieldErrors } from '../form-fields.js';
import { renderPage } from '../render.js';
import type { StaffWebEnv } from '../staff-sign-in.js';
import { useView } from '../view.js';
import { adminPath, installerActor, pluginIdParam, readForm, text, texts, versionField, type AdminContext } from './admin-context.js';
import { AdminPage } from './admin-page.js';
import { ConfigFields, configFromForm } from './config-form.js';
import { ConsentSummary } from './consent.js';
import { problemOf, secretsFromForm } from './plugin-form.js';

function MarketplaceList(props: { csrf: string; catalog: CatalogEntry[]; installed: Map<string, Installation> }) {
  const { t, tenant } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin`;
  return (
    <AdminPage title={t('admin.marketplace.title')} section="marketplace" csrf={props.csrf}>
      <h1>{t('admin.marketplace.title')}</h1>
      <p class="lead">{t('admin.marketplace.lead')}</p>
      {props.catalog.length === 0 ? <p class="muted">{t('admin.marketplace.empty')}</p> : (
        <ul class="plugin-cards">
          {props.catalog.map((e) => {
            const installed = props.installed.get(e.pluginId);
            return (
              <li class="card plugin-card">
                <h2><a href={`${base}/marketplace/${e.pluginId}`}>{e.latest.name}</a></h2>
                <p class="muted">{t('admin.marketplace.by', { publisher: e.latest.publisher, version: e.latest.version })}</p>
                <p>{e.latest.description}</p>
                {installed?.status === 'active' && <p><strong class="tag">{t('admin.marketplace.installedVersion', { version: installed.version })}</strong></p>}
              </li>
            );
          })}
        </ul>
      )}
    </AdminPage>
  );
}

interface InstallFormState { config: Record<string, unknown>; errors: FieldErrors; problem?: string | null; consented?: boolean }

/** A plugin's page: what it is, what it asks for (the consent screen) and the install form. */
function PluginDetail(props: { csrf: string; entry: CatalogEntry; manifest: PluginManifest; installed?: Installation; form: InstallFormState }) {
  const { t, tenant } = useView();
  const m = props.manifest;
  const base = `/t/${tenant!.tenant.slug}/admin`;
  const active = props.installed?.status === 'active';
  return (
    <AdminPage title={m.name} section="marketplace" csrf={props.csrf}>
      <p class="breadcrumb"><a href={`${base}/marketplace`}>{t('admin.marketplace.title')}</a></p>
      <h1>{m.name}</h1>
      <p class="muted">{t('admin.marketplace.by', { publisher: m.publisher, version: m.version })}</p>
      <p>{m.description}</p>
      <p class="muted">{t('admin.marketplace.versions', { versions: props.entry.versions.join(', ') })}</p>
      {active ? (
        <p class="notice">{t('admin.marketplace.alreadyInstalled', { version: props.installed!.version })}{' '}
          <a href={`${base}/plugins/${m.id}`}>{t('admin.marketplace.manage')}</a></p>
      ) : (
        <section class="card" aria-labelledby="consent-heading">
          <h2 id="consent-heading">{t('admin.consent.title')}</h2>
          <p>{t('admin.consent.lead', { name: m.name })}</p>
          <ConsentSummary manifest={m} />
          <form method="post" action={`${base}/marketplace/${m.id}/install`} class="stacked-form" novalidate>
            <CsrfField token={props.csrf} />
            <input type="hidden" name="version" value={m.version} />
            {m.scopes.map((s) => <input type="hidden" name="grantScopes" value={s} />)}
            {m.egress.map((h) => <input type="hidden" name="grantEgress" value={h} />)}
            <h2>{t('admin.install.settings')}</h2>
            <ConfigFields schema={m.configSchema} values={props.form.config} errors={props.form.errors} />
            {m.secrets.length > 0 && (
              <>
                <h2>{t('admin.install.secrets')}</h2>
                <p class="muted">{t('admin.install.secretsLead')}</p>
                {m.secrets.map((s) => (
                  <TextField name={`secrets.${s.name}`} type="password" label={s.name} hint={s.description} autocomplete="off" maxlength={4096}
                    error={props.form.errors[`secrets.${s.name}`]} />
                ))}
              </>
            )}
            <FormProblem message={props.form.problem} />
            <CheckboxField name="consent" label={t('admin.consent.agree', { name: m.name })} checked={props.form.consented} error={props.form.errors.consent} />
            <button type="submit">{t('admin.install.submit')}</button>
          </form>
        </section>
      )}
    </AdminPage>
  );
}

async function catalogEntry(platform: Platform, pluginId: string): Promise<CatalogEntry> {
  const entry = (await listCatalog(platform.control.db)).find((e) => e.pluginId === pluginId);
  if (!entry) throw new AppError('NOT_FOUND', 'plugin not found');
  return entry;
}

/** The marketplace: published plugins, each plugin's consent screen and its install form. */
export function marketplaceRoutes(platform: Platform): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  const control = platform.control.db;

  routes.get('/', async (c) => {
    const [catalog, installations] = await Promise.all([listCatalog(control), listInstallations(control, c.var.webTenant.id)]);
    return renderPage(c, c.get('view'), <MarketplaceList csrf={c.var.csrfToken} catalog={catalog} installed={new Map(installations.map((i) => [i.pluginId, i]))} />);
  });

  const detail = async (c: AdminContext, pluginId: string, form: InstallFormState, status: 200 | 422 = 200) => {
    const [entry, installations] = await Promise.all([catalogEntry(platform, pluginId), listInstallations(control, c.var.webTenant.id)]);
    return renderPage(c, c.get('view'), (
      <PluginDetail csrf={c.var.csrfToken} entry={entry} manifest={entry.latest} installed={installations.find((i) => i.pluginId === pluginId)} form={form} />
    ), status);
  };

  routes.get('/:pluginId', (c) => detail(c, pluginIdParam(c), { config: {}, errors: {} }));

  routes.post('/:pluginId/install', async (c) => {
    const pluginId = pluginIdParam(c);
    const body = await readForm(c);
    const version = versionField(body);
    // A version that is not published is NOT_FOUND: the 404 page.
    const { manifest } = await loadVersion(control, pluginId, version);
    const config = configFromForm(manifest.configSchema, body);
    const consented = text(body, 'consent') === 'on';
    const { t } = c.get('view');
    if (!consented) return detail(c, pluginId, { config, consented, errors: { consent: t('admin.consent.required') } }, 422);
    try {
      await installPlugin(platform.plugins.installer, installerActor(c), {
        pluginId, range: version, config, secrets: secretsFromForm(manifest, body),
        grantScopes: texts(body, 'grantScopes'), grantEgress: texts(body, 'grantEgress'),
      });
    } catch (err) {
      const errors = fieldErrorsOf(err, ['input']);
      const problem = problemOf(err, t);
      if (!errors && !problem) throw err;
      return detail(c, pluginId, { config, consented, errors: errors ?? {}, problem: problem ?? errors?._form }, 422);
    }
    return c.redirect(`${adminPath(c, `/plugins/${pluginId}`)}?done=installed`, 303);
  });
  return routes;
}
