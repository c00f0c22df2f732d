import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../lib/errors.js';
import type { Platform } from '../../platform.js';
import { recordAudit } from '../../tenancy/audit.js';
import { CsrfField, fieldErrorsOf, FormProblem, SelectField, TextField, type FieldErrors } from '../form-fields.js';
import { renderPage } from '../render.js';
import { changeWebUserRole, createStaffUser, disableWebUser, listWebUsers, type WebUser } from '../session/index.js';
import type { StaffWebEnv } from '../staff-sign-in.js';
import { useView } from '../view.js';
import { adminPath, doneNote, installerActor, readForm, text, webActor, type AdminContext, type DoneNote } from './admin-context.js';
import { AdminPage, RowAction, TableScroll } from './admin-page.js';

interface NewUserState { values: { name?: string; email?: string; role?: string }; errors: FieldErrors; problem?: string | null }

function UsersPage(props: { csrf: string; me: string; users: WebUser[]; form: NewUserState; done?: DoneNote }) {
  const { t, tenant, format } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/users`;
  const roles = [{ value: 'agent', label: t('admin.users.roles.agent') }, { value: 'admin', label: t('admin.users.roles.admin') }];
  return (
    <AdminPage title={t('admin.users.title')} section="users" csrf={props.csrf} done={props.done}>
      <h1>{t('admin.users.title')}</h1>
      <TableScroll label={t('admin.users.title')}>
        <table class="table--stack">
          <caption class="visually-hidden">{t('admin.users.title')}</caption>
          <thead><tr>
            <th scope="col">{t('admin.users.name')}</th><th scope="col">{t('admin.users.email')}</th><th scope="col">{t('admin.users.role')}</th>
            <th scope="col">{t('admin.users.status')}</th><th scope="col">{t('admin.users.actions')}</th>
          </tr></thead>
          <tbody>
            {props.users.map((u) => (
              <tr>
                <td class="cell--title">{u.name}</td>
                <td data-label={t('admin.users.email')}>{u.email}</td>
                <td data-label={t('admin.users.role')}>{t(`admin.users.roles.${u.role}`)}</td>
                <td data-label={t('admin.users.status')}>{u.disabledAt ? t('admin.users.disabledSince', { date: format.date(u.disabledAt) }) : t('admin.users.active')}</td>
                <td>
                  {u.id !== props.me && !u.disabledAt && (
                    <div class="row-actions">
                      <form method="post" action={`${base}/${u.id}/role`}>
                        <CsrfField token={props.csrf} />
                        <input type="hidden" name="role" value={u.role === 'admin' ? 'agent' : 'admin'} />
                        <button type="submit" class="button--secondary"><RowAction text={t(u.role === 'admin' ? 'admin.users.makeAgent' : 'admin.users.makeAdmin')} of={u.name} /></button>
                      </form>
                      <form method="post" action={`${base}/${u.id}/disable`}>
                        <CsrfField token={props.csrf} />
                        <button type="submit" class="button--danger"><RowAction text={t('admin.users.disable')} of={u.name} /></button>
                      </form>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <section class="card" aria-labelledby="new-user-heading">
        <h2 id="new-user-heading">{t('admin.users.create')}</h2>
        <form method="post" action={base} class="stacked-form" novalidate>
          <CsrfField token={props.csrf} />
          <FormProblem message={props.form.problem} />
          <TextField name="name" label={t('admin.users.name')} value={props.form.values.name} error={props.form.errors.name} required maxlength={200} autocomplete="off" />
          <TextField name="email" type="email" label={t('admin.users.email')} value={props.form.values.email} error={props.form.errors.email} required maxlength={320} autocomplete="off" />
          <SelectField name="role" label={t('admin.users.role')} value={props.form.values.role ?? 'agent'} options={roles} error={props.form.errors.role} />
          <TextField name="password" type="password" label={t('admin.users.password')} hint={t('admin.users.passwordHint')} error={props.form.errors.password} required autocomplete="new-password" maxlength={200} />
          <button type="submit">{t('admin.users.createSubmit')}</button>
        </form>
      </section>
    </AdminPage>
  );
}

const userId = z.uuid();

/** The rule of each field in the page's language (the use-case's messages are for the API). */
function inWords(errors: FieldErrors, t: (key: string) => string): FieldErrors {
  const rules: Record<string, string> = { name: 'admin.users.nameRule', email: 'admin.users.emailRule', password: 'admin.users.passwordRule', role: 'admin.users.roleRule' };
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, rules[field] ? t(rules[field]) : message]));
}

/** Staff users: create an agent or admin, disable one, switch a role; each change audited. */
export function userRoutes(platform: Platform): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  // One list per staff role: customers, far more numerous, never crowd staff out of the 500 cap.
  const staff = async (c: AdminContext) => {
    const [admins, agents] = await Promise.all([listWebUsers(c.var.webTenant.data, webActor(c), 'admin'), listWebUsers(c.var.webTenant.data, webActor(c), 'agent')]);
    return [...admins, ...agents].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  };
  const page = async (c: AdminContext, form: NewUserState, status: 200 | 422 = 200) =>
    renderPage(c, c.get('view'), <UsersPage csrf={c.var.csrfToken} me={c.var.webUser!.id} users={await staff(c)} form={form} done={doneNote(c)} />, status);
  const audit = (c: AdminContext, action: string, target: string, detail?: Record<string, unknown>) => {
    const who = installerActor(c);
    return recordAudit(platform.control.db, { tenantId: who.tenantId, actor: who.actor, action, target, detail });
  };
  /** A user id from the path; a malformed one is as missing as another tenant's. */
  const target = (c: AdminContext) => {
    const id = userId.safeParse(c.req.param('userId'));
    if (!id.success) throw new AppError('NOT_FOUND', 'user not found');
    return id.data;
  };

  routes.get('/', (c) => page(c, { values: {}, errors: {} }));
  routes.post('/', async (c) => {
    const body = await readForm(c);
    const values = { name: text(body, 'name'), email: text(body, 'email'), role: text(body, 'role') };
    try {
      const user = await createStaffUser(c.var.webTenant.data, webActor(c), { ...values, password: text(body, 'password') });
      await audit(c, 'web_user.create', user.id, { role: user.role });
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (errors) return page(c, { values, errors: inWords(errors, c.get('view').t), problem: errors._form }, 422);
      if (err instanceof AppError && err.code === 'CONFLICT') return page(c, { values, errors: { email: c.get('view').t('admin.users.emailTaken') } }, 422);
      throw err;
    }
    return c.redirect(`${adminPath(c, '/users')}?done=userCreated`, 303);
  });
  routes.post('/:userId/disable', async (c) => {
    const id = target(c);
    try {
      await disableWebUser(c.var.webTenant.data, webActor(c), id);
    } catch (err) {
      if (err instanceof AppError && err.code === 'BAD_USER_INPUT') return page(c, { values: {}, errors: {}, problem: c.get('view').t('admin.users.notYourself') }, 422);
      throw err;
    }
    await audit(c, 'web_user.disable', id);
    return c.redirect(`${adminPath(c, '/users')}?done=userDisabled`, 303);
  });
  routes.post('/:userId/role', async (c) => {
    const id = target(c);
    const role = text(await readForm(c), 'role');
    try {
      await changeWebUserRole(c.var.webTenant.data, webActor(c), id, role);
    } catch (err) {
      if (err instanceof AppError && err.code === 'BAD_USER_INPUT') return page(c, { values: {}, errors: {}, problem: c.get('view').t('admin.users.roleRefused') }, 422);
      throw err;
    }
    await audit(c, 'web_user.role', id, { role });
    return c.redirect(`${adminPath(c, '/users')}?done=roleChanged`, 303);
  });
  return routes;
}
