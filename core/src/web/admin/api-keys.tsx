import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../../db/control-schema.js';
import { AppError } from '../../lib/errors.js';
import type { Platform } from '../../platform.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyListing } from '../../tenancy/api-keys.js';
import { recordAudit } from '../../tenancy/audit.js';
import { CsrfField, fieldErrorsOf, FormProblem, SelectField, TextField, type FieldErrors } from '../form-fields.js';
import { renderPage } from '../render.js';
import type { StaffWebEnv } from '../staff-sign-in.js';
import { useView } from '../view.js';
import { listWebUsers } from '../session/index.js';
import { adminPath, doneNote, installerActor, readForm, text, webActor, type AdminContext, type DoneNote } from './admin-context.js';
import { AdminPage, RowAction, TableScroll } from './admin-page.js';

interface NewKeyState { values: { label?: string; role?: string; agentId?: string }; errors: FieldErrors; problem?: string | null }

/** An agent a key may be tied to: the agents row of an agent web user. */
interface AgentChoice { agentId: string; label: string }

function ApiKeysPage(props: { csrf: string; keys: ApiKeyListing[]; agents: AgentChoice[]; form: NewKeyState; created?: { apiKey: string; label: string }; done?: DoneNote }) {
  const { t, tenant, format } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/api-keys`;
  return (
    <AdminPage title={t('admin.apiKeys.title')} section="apiKeys" csrf={props.csrf} done={props.done}>
      <h1>{t('admin.apiKeys.title')}</h1>
      {props.created && (
        <section class="card card--highlight" aria-labelledby="created-heading">
          <h2 id="created-heading">{t('admin.apiKeys.createdTitle', { label: props.created.label })}</h2>
          <p>{t('admin.apiKeys.shownOnce')}</p>
          <p><label for="created-key">{t('admin.apiKeys.key')}</label></p>
          <input id="created-key" class="secret-once" type="text" readonly value={props.created.apiKey} />
        </section>
      )}
      <TableScroll label={t('admin.apiKeys.title')}>
        <table class="table--stack">
          <caption class="visually-hidden">{t('admin.apiKeys.title')}</caption>
          <thead><tr>
            <th scope="col">{t('admin.apiKeys.label')}</th><th scope="col">{t('admin.apiKeys.role')}</th>
            <th scope="col">{t('admin.apiKeys.created')}</th><th scope="col">{t('admin.apiKeys.status')}</th><th scope="col">{t('admin.users.actions')}</th>
          </tr></thead>
          <tbody>
            {props.keys.map((k) => (
              <tr>
                <td class="cell--title">{k.label ?? t('admin.apiKeys.noLabel')}</td>
                <td data-label={t('admin.apiKeys.role')}>{t(`admin.apiKeys.roles.${k.role}`)}</td>
                <td data-label={t('admin.apiKeys.created')}>{format.dateTime(k.createdAt)}</td>
                <td data-label={t('admin.apiKeys.status')}>{k.revokedAt ? t('admin.apiKeys.revokedOn', { date: format.date(k.revokedAt) }) : t('admin.apiKeys.active')}</td>
                <td>{!k.revokedAt && (
                  <form method="post" action={`${base}/${k.id}/revoke`}>
                    <CsrfField token={props.csrf} />
                    <button type="submit" class="button--danger"><RowAction text={t('admin.apiKeys.revoke')} of={k.label ?? k.id} /></button>
                  </form>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <section class="card" aria-labelledby="new-key-heading">
        <h2 id="new-key-heading">{t('admin.apiKeys.create')}</h2>
        <form method="post" action={base} class="stacked-form" novalidate>
          <CsrfField token={props.csrf} />
          <FormProblem message={props.form.problem} />
          <TextField name="label" label={t('admin.apiKeys.label')} value={props.form.values.label} error={props.form.errors.label} required maxlength={100} autocomplete="off" />
          <SelectField name="role" label={t('admin.apiKeys.role')} value={props.form.values.role ?? 'integrator'} error={props.form.errors.role}
            options={ROLES.map((r) => ({ value: r, label: t(`admin.apiKeys.roles.${r}`) }))} />
          <SelectField name="agentId" label={t('admin.apiKeys.agent')} hint={t('admin.apiKeys.agentHint')} value={props.form.values.agentId ?? ''} error={props.form.errors.agentId}
            options={[{ value: '', label: t('admin.apiKeys.noAgent') }, ...props.agents.map((a) => ({ value: a.agentId, label: a.label }))]} />
          <button type="submit">{t('admin.apiKeys.createSubmit')}</button>
        </form>
      </section>
    </AdminPage>
  );
}

const keyId = z.uuid();
const newKey = z.object({ role: z.enum(ROLES) });

/** API keys of the tenant: create (the key shown this once), revoke; each change audited. */
export function apiKeyRoutes(platform: Platform): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  const db = platform.control.db;
  const agentsOf = async (c: AdminContext): Promise<AgentChoice[]> => (await listWebUsers(c.var.webTenant.data, webActor(c), 'agent'))
    .flatMap((u) => (u.agentId && !u.disabledAt ? [{ agentId: u.agentId, label: `${u.name} (${u.email})` }] : []));
  const page = async (c: AdminContext, form: NewKeyState, extra: { created?: { apiKey: string; label: string } } = {}, status: 200 | 422 = 200) => {
    const [keys, agents] = await Promise.all([listApiKeys(db, c.var.webTenant.id), agentsOf(c)]);
    return renderPage(c, c.get('view'), <ApiKeysPage csrf={c.var.csrfToken} keys={keys} agents={agents} form={form} done={doneNote(c)} {...extra} />, status);
  };

  routes.get('/', (c) => page(c, { values: {}, errors: {} }));
  routes.post('/', async (c) => {
    const body = await readForm(c);
    const values = { label: text(body, 'label'), role: text(body, 'role'), agentId: text(body, 'agentId') };
    const who = installerActor(c);
    const role = newKey.safeParse(values);
    const { t } = c.get('view');
    if (!role.success) return page(c, { values, errors: { role: t('admin.apiKeys.pickRole') } }, {}, 422);
    // Only one of this tenant's agents, and only on an agent key.
    if (values.agentId && role.data.role !== 'agent') return page(c, { values, errors: { agentId: t('admin.apiKeys.agentOnlyForAgents') } }, {}, 422);
    if (values.agentId && !(await agentsOf(c)).some((a) => a.agentId === values.agentId)) return page(c, { values, errors: { agentId: t('admin.apiKeys.pickAgent') } }, {}, 422);
    try {
      const created = await createApiKey(db, { tenantId: who.tenantId, role: role.data.role, label: values.label || undefined, agentId: values.agentId || undefined });
      await recordAudit(db, { tenantId: who.tenantId, actor: who.actor, action: 'api_key.create', target: created.id, detail: { role: role.data.role, agentId: values.agentId || null } });
      // The key is in this answer only (it is stored hashed): no redirect, and the page is never cached.
      return page(c, { values: {}, errors: {} }, { created: { apiKey: created.apiKey, label: values.label } });
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return page(c, { values, errors, problem: errors._form }, {}, 422);
    }
  });
  routes.post('/:keyId/revoke', async (c) => {
    const id = keyId.safeParse(c.req.param('keyId'));
    const who = installerActor(c);
    if (!id.success || !(await revokeApiKey(db, who.tenantId, id.data))) throw new AppError('NOT_FOUND', 'key not found');
    await recordAudit(db, { tenantId: who.tenantId, actor: who.actor, action: 'api_key.revoke', target: id.data });
    return c.redirect(`${adminPath(c, '/api-keys')}?done=keyRevoked`, 303);
  });
  return routes;
}
