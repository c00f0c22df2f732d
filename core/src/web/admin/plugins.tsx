import { Hono } from 'hono';
import semver from 'semver';
import type { PluginManifest } from '@mosaic/sdk/schema';
import { AppError } from '../../lib/errors.js';
import type { Platform } from '../../platform.js';
import {
  configurePlugin, listInstallations, purgePluginData, requireInstallation, rollbackPlugin, secretNames, uninstallPlugin, upgradePlugin, type Installation,
} from '../../plugins/installer/index.js';
import { readPluginHealth, recentPluginLogs, type PluginHealth } from '../../plugins/plugin-health.js';
import type { DeadLetter } from '../../plugins/events/dead-letters.js';
import { listCatalog, loadVersion } from '../../plugins/registry/index.js';
import { recordAudit } from '../../tenancy/audit.js';
import { CheckboxField, CsrfField, fieldErrorsOf, FormProblem, TextField, type FieldErrors } from '../form-fields.js';
import { renderPage } from '../render.js';
import type { StaffWebEnv } from '../staff-sign-in.js';
import { useView } from '../view.js';
import { adminPath, doneNote, installerActor, pluginIdParam, readForm, text, texts, versionField, type AdminContext, type DoneNote } from './admin-context.js';
import { AdminPage, RowAction, TableScroll } from './admin-page.js';
import { ConfigFields, configFromForm, hasConfigFields } from './config-form.js';
import { ConsentSummary, HostList, ScopeList } from './consent.js';
import { problemOf, secretsFromForm } from './plugin-form.js';

function InstalledList(props: { csrf: string; installations: Installation[]; names: Map<string, string>; done?: DoneNote }) {
  const { t, tenant, format } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin`;
  const active = props.installations.filter((i) => i.status === 'active');
  const kept = props.installations.filter((i) => i.status === 'uninstalled' && i.retainDataUntil);
  return (
    <AdminPage title={t('admin.plugins.title')} section="plugins" csrf={props.csrf} done={props.done}>
      <h1>{t('admin.plugins.title')}</h1>
      {active.length === 0 ? <p class="muted">{t('admin.plugins.none')} <a href={`${base}/marketplace`}>{t('admin.plugins.browse')}</a></p> : (
        <TableScroll label={t('admin.plugins.title')}>
          <table>
            <caption class="visually-hidden">{t('admin.plugins.title')}</caption>
            <thead><tr><th scope="col">{t('admin.plugins.name')}</th><th scope="col">{t('admin.plugins.version')}</th><th scope="col">{t('admin.plugins.updated')}</th></tr></thead>
            <tbody>
              {active.map((i) => (
                <tr>
                  <td><a href={`${base}/plugins/${i.pluginId}`}>{props.names.get(i.pluginId) ?? i.pluginId}</a></td>
                  <td>{i.version}</td>
                  <td>{format.dateTime(i.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {kept.length > 0 && (
        <section aria-labelledby="kept-heading">
          <h2 id="kept-heading">{t('admin.purge.keptTitle')}</h2>
          <ul class="log-list">
            {kept.map((i) => (
              <li>
                {props.names.get(i.pluginId) ?? i.pluginId} · {t('admin.purge.keptUntil', { date: format.date(i.retainDataUntil!) })}{' '}
                <a href={`${base}/plugins/${i.pluginId}/purge`}><RowAction text={t('admin.purge.link')} of={props.names.get(i.pluginId) ?? i.pluginId} /></a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </AdminPage>
  );
}

interface SettingsState { config: Record<string, unknown>; errors: FieldErrors; problem?: string | null }

function InstalledDetail(props: {
  csrf: string; installation: Installation; manifest: PluginManifest; setSecrets: string[]; newer: string | null; form: SettingsState; done?: DoneNote;
}) {
  const { t, tenant } = useView();
  const i = props.installation;
  const m = props.manifest;
  const base = `/t/${tenant!.tenant.slug}/admin/plugins/${i.pluginId}`;
  return (
    <AdminPage title={m.name} section="plugins" csrf={props.csrf} done={props.done}>
      <p class="breadcrumb"><a href={`/t/${tenant!.tenant.slug}/admin/plugins`}>{t('admin.plugins.title')}</a></p>
      <h1>{m.name}</h1>
      <p class="muted">{t('admin.plugins.installedAt', { version: i.version })}</p>
      <p class="actions">
        <a class="button button--secondary" href={`${base}/health`}>{t('admin.health.title')}</a>
        {props.newer && <a class="button button--secondary" href={`${base}/upgrade`}>{t('admin.upgrade.to', { version: props.newer })}</a>}
        <a class="button button--danger" href={`${base}/uninstall`}>{t('admin.uninstall.title')}</a>
      </p>
      <section class="card" aria-labelledby="grants-heading">
        <h2 id="grants-heading">{t('admin.plugins.granted')}</h2>
        <h3>{t('admin.consent.scopes')}</h3>
        <ScopeList scopes={i.grantedScopes} />
        <h3>{t('admin.consent.hosts')}</h3>
        <HostList hosts={i.grantedEgress} />
      </section>
      <section class="card" aria-labelledby="settings-heading">
        <h2 id="settings-heading">{t('admin.install.settings')}</h2>
        {!hasConfigFields(m.configSchema) && m.secrets.length === 0 ? <p class="muted">{t('admin.config.none')}</p> : (
        <form method="post" action={`${base}/settings`} class="stacked-form" novalidate>
          <CsrfField token={props.csrf} />
          <ConfigFields schema={m.configSchema} values={props.form.config} errors={props.form.errors} />
          {m.secrets.length > 0 && (
            <>
              <h3>{t('admin.install.secrets')}</h3>
              <p class="muted">{t('admin.install.secretsWriteOnly')}</p>
              {m.secrets.map((s) => (
                <TextField name={`secrets.${s.name}`} type="password" label={s.name} autocomplete="off" maxlength={4096}
                  hint={`${s.description} — ${props.setSecrets.includes(s.name) ? t('admin.install.secretSet') : t('admin.install.secretNotSet')}`}
                  error={props.form.errors[`secrets.${s.name}`]} />
              ))}
            </>
          )}
          <FormProblem message={props.form.problem} />
          <button type="submit">{t('admin.plugins.save')}</button>
        </form>
        )}
      </section>
      {i.previousVersion && (
        <section class="card" aria-labelledby="rollback-heading">
          <h2 id="rollback-heading">{t('admin.rollback.title')}</h2>
          <p>{t('admin.rollback.lead', { version: i.previousVersion })}</p>
          <form method="post" action={`${base}/rollback`}>
            <CsrfField token={props.csrf} />
            <button type="submit" class="button--secondary">{t('admin.rollback.submit', { version: i.previousVersion })}</button>
          </form>
        </section>
      )}
    </AdminPage>
  );
}

/** What a newer version asks for beyond the current grants: the consent an upgrade needs. */
export function grantDifference(installation: Installation, manifest: PluginManifest) {
  return {
    scopes: manifest.scopes.filter((s) => !installation.grantedScopes.includes(s)),
    egress: manifest.egress.filter((h) => !installation.grantedEgress.includes(h)),
    droppedScopes: installation.grantedScopes.filter((s) => !(manifest.scopes as string[]).includes(s)),
    droppedEgress: installation.grantedEgress.filter((h) => !manifest.egress.includes(h)),
  };
}

function UpgradePage(props: { csrf: string; installation: Installation; manifest: PluginManifest | null; error?: string; problem?: string | null }) {
  const { t, tenant } = useView();
  const i = props.installation;
  const base = `/t/${tenant!.tenant.slug}/admin/plugins/${i.pluginId}`;
  const m = props.manifest;
  const diff = m && grantDifference(i, m);
  const grows = diff && (diff.scopes.length > 0 || diff.egress.length > 0);
  return (
    <AdminPage title={t('admin.upgrade.title')} section="plugins" csrf={props.csrf}>
      <p class="breadcrumb"><a href={base}>{i.pluginId}</a></p>
      <h1>{t('admin.upgrade.title')}</h1>
      {!m ? <p>{t('admin.upgrade.upToDate', { version: i.version })}</p> : (
        <section class="card" aria-labelledby="reconsent-heading">
          <h2 id="reconsent-heading">{t('admin.upgrade.from', { from: i.version, to: m.version })}</h2>
          {grows ? <p>{t('admin.upgrade.asksMore')}</p> : <p>{t('admin.upgrade.asksNothingNew')}</p>}
          <ConsentSummary manifest={m} added={{ scopes: diff!.scopes, egress: diff!.egress }} />
          {(diff!.droppedScopes.length > 0 || diff!.droppedEgress.length > 0) && (
            <p class="muted">{t('admin.upgrade.dropped', { items: [...diff!.droppedScopes, ...diff!.droppedEgress].join(', ') })}</p>
          )}
          <form method="post" action={`${base}/upgrade`} class="stacked-form">
            <CsrfField token={props.csrf} />
            <input type="hidden" name="version" value={m.version} />
            {diff!.scopes.map((s) => <input type="hidden" name="grantScopes" value={s} />)}
            {diff!.egress.map((h) => <input type="hidden" name="grantEgress" value={h} />)}
            <FormProblem message={props.problem} />
            {grows && <CheckboxField name="consent" label={t('admin.upgrade.agree')} error={props.error} />}
            <button type="submit">{t('admin.upgrade.submit', { version: m.version })}</button>
          </form>
        </section>
      )}
    </AdminPage>
  );
}

function UninstallPage(props: { csrf: string; installation: Installation; name: string; retentionDays: number }) {
  const { t, tenant } = useView();
  const i = props.installation;
  const base = `/t/${tenant!.tenant.slug}/admin/plugins/${i.pluginId}`;
  return (
    <AdminPage title={t('admin.uninstall.title')} section="plugins" csrf={props.csrf}>
      <p class="breadcrumb"><a href={base}>{props.name}</a></p>
      <h1>{t('admin.uninstall.confirmTitle', { name: props.name })}</h1>
      <p>{t('admin.uninstall.lead', { days: props.retentionDays })}</p>
      <form method="post" action={`${base}/uninstall`} class="actions">
        <CsrfField token={props.csrf} />
        <button type="submit" class="button--danger">{t('admin.uninstall.submit', { name: props.name })}</button>
        <a class="button button--secondary" href={base}>{t('admin.uninstall.cancel')}</a>
      </form>
    </AdminPage>
  );
}

function PurgePage(props: { csrf: string; installation: Installation; name: string }) {
  const { t, tenant, format } = useView();
  const i = props.installation;
  const base = `/t/${tenant!.tenant.slug}/admin/plugins`;
  return (
    <AdminPage title={t('admin.purge.title')} section="plugins" csrf={props.csrf}>
      <p class="breadcrumb"><a href={base}>{t('admin.plugins.title')}</a></p>
      <h1>{t('admin.purge.confirmTitle', { name: props.name })}</h1>
      <p>{t('admin.purge.lead', { date: format.date(i.retainDataUntil!) })}</p>
      <form method="post" action={`${base}/${i.pluginId}/purge`} class="actions">
        <CsrfField token={props.csrf} />
        <button type="submit" class="button--danger">{t('admin.purge.submit', { name: props.name })}</button>
        <a class="button button--secondary" href={base}>{t('admin.purge.cancel')}</a>
      </form>
    </AdminPage>
  );
}

function HealthPage(props: {
  csrf: string; installation: Installation; name: string; health: PluginHealth; logs: Awaited<ReturnType<typeof recentPluginLogs>>; letters: DeadLetter[]; done?: DoneNote;
}) {
  const { t, tenant, format } = useView();
  const h = props.health;
  const base = `/t/${tenant!.tenant.slug}/admin/plugins/${props.installation.pluginId}`;
  const ms = (v: number | null) => (v === null ? '—' : t('admin.health.ms', { value: format.number(Math.round(v * 10) / 10) }));
  const stats: [string, string][] = [
    [t('admin.health.calls'), format.number(h.calls)],
    [t('admin.health.errors'), format.number(h.failures)],
    [t('admin.health.timeouts'), format.number(h.timeouts)],
    [t('admin.health.cpu'), ms(h.cpuMs)],
    [t('admin.health.wall'), ms(h.wallMs)],
    [t('admin.health.wallP50'), ms(h.wallPerCallP50)],
    [t('admin.health.wallP95'), ms(h.wallPerCallP95)],
  ];
  return (
    <AdminPage title={t('admin.health.title')} section="plugins" csrf={props.csrf} done={props.done}>
      <p class="breadcrumb"><a href={base}>{props.name}</a></p>
      <h1>{t('admin.health.heading', { name: props.name })}</h1>
      <section class="card" aria-labelledby="usage-heading">
        <h2 id="usage-heading">{t('admin.health.usage', { hours: h.hours })}</h2>
        <dl class="stats">{stats.map(([k, v]) => <div><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
        <p class="muted">{t('admin.health.percentileNote')}</p>
      </section>
      <section class="card" aria-labelledby="logs-heading">
        <h2 id="logs-heading">{t('admin.health.logs')}</h2>
        {props.logs.length === 0 ? <p class="muted">{t('admin.health.noLogs')}</p> : (
          <ul class="log-list">
            {props.logs.map((l) => <li><span class={`tag tag--${l.level === 'error' ? 'bad' : 'plain'}`}>{l.level}</span> <time datetime={l.at.toISOString()}>{format.dateTime(l.at)}</time> <span class="log-list__message">{l.message}</span></li>)}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="letters-heading">
        <h2 id="letters-heading">{t('admin.health.deadLetters')}</h2>
        {props.letters.length === 0 ? <p class="muted">{t('admin.health.noDeadLetters')}</p> : (
          <ul class="letter-list">
            {props.letters.map((l) => (
              <li>
                <p><code>{l.event.type}</code> · {t('admin.health.attempts', { count: l.attempts })} · <time datetime={l.failedAt.toISOString()}>{format.dateTime(l.failedAt)}</time></p>
                {l.lastError && <p class="log-list__message">{l.lastError}</p>}
                <form method="post" action={`${base}/dead-letters/${l.eventId}/replay`}>
                  <CsrfField token={props.csrf} />
                  <button type="submit" class="button--secondary"><RowAction text={t('admin.health.replay')} of={`${l.event.type} ${l.eventId}`} /></button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>
    </AdminPage>
  );
}

/** The newest published version above the installed one, or null. */
async function newerVersion(platform: Platform, installation: Installation): Promise<string | null> {
  const entry = (await listCatalog(platform.control.db)).find((e) => e.pluginId === installation.pluginId);
  const newest = entry?.versions[0];
  return newest && semver.gt(newest, installation.version) ? newest : null;
}

/** The tenant's installed plugins: settings, upgrade with re-consent, rollback, uninstall, health. */
export function installedPluginRoutes(platform: Platform): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  const control = platform.control.db;
  const deps = platform.plugins.installer;
  const installation = (c: AdminContext) => requireInstallation(control, c.var.webTenant.id, pluginIdParam(c));
  const nameOf = async (i: Installation) => (await loadVersion(control, i.pluginId, i.version)).manifest.name;

  routes.get('/', async (c) => {
    const [installations, catalog] = await Promise.all([listInstallations(control, c.var.webTenant.id), listCatalog(control)]);
    const names = new Map(catalog.map((e) => [e.pluginId, e.latest.name]));
    return renderPage(c, c.get('view'), <InstalledList csrf={c.var.csrfToken} installations={installations} names={names} done={doneNote(c)} />);
  });

  const detail = async (c: AdminContext, form: SettingsState | null, status: 200 | 422 = 200) => {
    const i = await installation(c);
    const [{ manifest }, setSecrets, newer] = await Promise.all([loadVersion(control, i.pluginId, i.version), secretNames(control, i.id), newerVersion(platform, i)]);
    return renderPage(c, c.get('view'), (
      <InstalledDetail csrf={c.var.csrfToken} installation={i} manifest={manifest} setSecrets={setSecrets} newer={newer}
        form={form ?? { config: i.config, errors: {} }} done={doneNote(c)} />
    ), status);
  };
  routes.get('/:pluginId', (c) => detail(c, null));

  routes.post('/:pluginId/settings', async (c) => {
    const i = await installation(c);
    const { manifest } = await loadVersion(control, i.pluginId, i.version);
    const body = await readForm(c);
    const config = configFromForm(manifest.configSchema, body);
    const secrets = secretsFromForm(manifest, body);
    try {
      await configurePlugin(deps, installerActor(c), { pluginId: i.pluginId, config, ...(Object.keys(secrets).length && { secrets }) });
    } catch (err) {
      const errors = fieldErrorsOf(err, ['input']);
      const problem = problemOf(err, c.get('view').t);
      if (!errors && !problem) throw err;
      return detail(c, { config, errors: errors ?? {}, problem: problem ?? errors?._form }, 422);
    }
    return c.redirect(`${adminPath(c, `/plugins/${i.pluginId}`)}?done=configured`, 303);
  });

  const upgradePage = async (c: AdminContext, state: { error?: string; problem?: string | null } = {}, status: 200 | 422 = 200) => {
    const i = await installation(c);
    const newer = await newerVersion(platform, i);
    const manifest = newer ? (await loadVersion(control, i.pluginId, newer)).manifest : null;
    return renderPage(c, c.get('view'), <UpgradePage csrf={c.var.csrfToken} installation={i} manifest={manifest} {...state} />, status);
  };
  routes.get('/:pluginId/upgrade', (c) => upgradePage(c));
  routes.post('/:pluginId/upgrade', async (c) => {
    const i = await installation(c);
    const body = await readForm(c);
    const version = versionField(body);
    const { t } = c.get('view');
    const grantScopes = texts(body, 'grantScopes');
    const grantEgress = texts(body, 'grantEgress');
    if ((grantScopes.length || grantEgress.length) && text(body, 'consent') !== 'on') return upgradePage(c, { error: t('admin.consent.required') }, 422);
    try {
      await upgradePlugin(deps, installerActor(c), { pluginId: i.pluginId, range: version, grantScopes, grantEgress });
    } catch (err) {
      const problem = problemOf(err, t) ?? fieldErrorsOf(err)?._form ?? (err instanceof AppError && err.code === 'BAD_USER_INPUT' ? err.message : null);
      if (!problem) throw err;
      return upgradePage(c, { problem }, 422);
    }
    return c.redirect(`${adminPath(c, `/plugins/${i.pluginId}`)}?done=upgraded`, 303);
  });

  routes.post('/:pluginId/rollback', async (c) => {
    const i = await installation(c);
    try {
      await rollbackPlugin(deps, installerActor(c), i.pluginId);
    } catch (err) {
      const problem = problemOf(err, c.get('view').t);
      if (!problem) throw err;
      return detail(c, { config: i.config, errors: {}, problem }, 422);
    }
    return c.redirect(`${adminPath(c, `/plugins/${i.pluginId}`)}?done=rolledBack`, 303);
  });

  routes.get('/:pluginId/uninstall', async (c) => {
    const i = await installation(c);
    return renderPage(c, c.get('view'), <UninstallPage csrf={c.var.csrfToken} installation={i} name={await nameOf(i)} retentionDays={deps.retentionDays} />);
  });
  routes.post('/:pluginId/uninstall', async (c) => {
    const i = await installation(c);
    await uninstallPlugin(deps, installerActor(c), i.pluginId);
    return c.redirect(`${adminPath(c, '/plugins')}?done=uninstalled`, 303);
  });

  // An uninstalled plugin's kept data (storage, undelivered events) deleted now rather than at the end of retention.
  const uninstalled = async (c: AdminContext) => {
    const i = await requireInstallation(control, c.var.webTenant.id, pluginIdParam(c), { includeUninstalled: true });
    if (i.status === 'active') throw new AppError('NOT_FOUND', 'no uninstalled plugin here');
    return i;
  };
  routes.get('/:pluginId/purge', async (c) => {
    const i = await uninstalled(c);
    return renderPage(c, c.get('view'), <PurgePage csrf={c.var.csrfToken} installation={i} name={await nameOf(i)} />);
  });
  routes.post('/:pluginId/purge', async (c) => {
    const i = await uninstalled(c);
    await purgePluginData(deps, installerActor(c), i.pluginId);
    return c.redirect(`${adminPath(c, '/plugins')}?done=purged`, 303);
  });

  routes.get('/:pluginId/health', async (c) => {
    const i = await installation(c);
    await platform.plugins.runtime.metering.flush();
    const tenantId = c.var.webTenant.id;
    const [name, health, logs, letters] = await Promise.all([
      nameOf(i), readPluginHealth(control, tenantId, i.pluginId), recentPluginLogs(control, tenantId, i.pluginId, 50),
      platform.plugins.events.listDeadLetters(tenantId, { pluginId: i.pluginId, first: 50 }),
    ]);
    return renderPage(c, c.get('view'), <HealthPage csrf={c.var.csrfToken} installation={i} name={name} health={health} logs={logs} letters={letters} done={doneNote(c)} />);
  });
  routes.post('/:pluginId/dead-letters/:eventId/replay', async (c) => {
    const i = await installation(c);
    if (!/^[A-Za-z0-9-]{1,64}$/.test(c.req.param('eventId'))) throw new AppError('NOT_FOUND', 'dead letter not found');
    await platform.plugins.events.replay(c.var.webTenant.id, c.req.param('eventId'), i.pluginId);
    // The API's replay leaves no audit line of its own; a replay from the pages is recorded.
    await recordReplay(platform, c, i.pluginId);
    return c.redirect(`${adminPath(c, `/plugins/${i.pluginId}/health`)}?done=replayed`, 303);
  });
  return routes;
}

async function recordReplay(platform: Platform, c: AdminContext, pluginId: string) {
  const who = installerActor(c);
  await recordAudit(platform.control.db, { tenantId: who.tenantId, actor: who.actor, action: 'plugin.replay', target: pluginId, detail: { eventId: c.req.param('eventId') } });
}
