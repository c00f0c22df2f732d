import type { PluginManifest } from '@mosaic/sdk/schema';
import { useView } from '../view.js';

/** The i18n key of a scope's plain-language explanation (i18next reads ':' as a namespace mark). */
export const scopeKey = (scope: string) => `admin.scopes.${scope.replace(':', '_')}`;

/** Scopes as a list with what each lets the plugin do; `added` marks what an upgrade newly asks for. */
export function ScopeList(props: { scopes: readonly string[]; added?: readonly string[] }) {
  const { t } = useView();
  if (props.scopes.length === 0) return <p class="muted">{t('admin.consent.noScopes')}</p>;
  return (
    <ul class="consent-list">
      {props.scopes.map((s) => (
        <li>
          <code>{s}</code>{props.added?.includes(s) && <strong class="tag tag--new">{t('admin.consent.new')}</strong>}
          <span class="consent-list__what">{t(scopeKey(s), { defaultValue: t('admin.consent.unknownScope') })}</span>
        </li>
      ))}
    </ul>
  );
}

/** Outside hosts the plugin may call. */
export function HostList(props: { hosts: readonly string[]; added?: readonly string[] }) {
  const { t } = useView();
  if (props.hosts.length === 0) return <p class="muted">{t('admin.consent.noHosts')}</p>;
  return (
    <ul class="consent-list">
      {props.hosts.map((h) => (
        <li>
          <code>{h}</code>{props.added?.includes(h) && <strong class="tag tag--new">{t('admin.consent.new')}</strong>}
          <span class="consent-list__what">{h.startsWith('*.') ? t('admin.consent.wildcardHost', { host: h.slice(2) }) : t('admin.consent.host')}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Everything a version asks for, as the admin reviews it before consenting: the scopes with
 * what each allows, the outside hosts, the secrets it will need, the events it listens to.
 */
export function ConsentSummary(props: { manifest: PluginManifest; added?: { scopes: string[]; egress: string[] } }) {
  const { t } = useView();
  const m = props.manifest;
  return (
    <div class="consent">
      <h3>{t('admin.consent.scopes')}</h3>
      <ScopeList scopes={m.scopes} added={props.added?.scopes} />
      <h3>{t('admin.consent.hosts')}</h3>
      <HostList hosts={m.egress} added={props.added?.egress} />
      <h3>{t('admin.consent.secrets')}</h3>
      {m.secrets.length === 0 ? <p class="muted">{t('admin.consent.noSecrets')}</p> : (
        <ul class="consent-list">
          {m.secrets.map((s) => <li><code>{s.name}</code><span class="consent-list__what">{s.description}</span></li>)}
        </ul>
      )}
      {m.events.length > 0 && (
        <>
          <h3>{t('admin.consent.events')}</h3>
          <p>{m.events.map((e, i) => <>{i > 0 && ', '}<code>{e}</code></>)}</p>
        </>
      )}
      {m.widgets.length > 0 && (
        <>
          <h3>{t('admin.consent.widgets')}</h3>
          <ul class="consent-list">{m.widgets.map((w) => <li>{w.title} <span class="muted">({w.extensionPoint})</span></li>)}</ul>
        </>
      )}
    </div>
  );
}
