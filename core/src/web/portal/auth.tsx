import { Hono } from 'hono';
import { AppError } from '../../lib/errors.js';
import type { Platform } from '../../platform.js';
import { deliverMailSoon } from '../mail-delivery.js';
import { publicOrigin } from '../public-origin.js';
import { CsrfField, FormProblem, TextField, type FieldErrors } from '../form-fields.js';
import { beginWebSession, clientAddress, endWebSessionOf, requestPasswordReset, resetPassword, signIn, signUpCustomer } from '../session/index.js';
import { useView } from '../view.js';
import { formFields, portalBase, safeNext, type PortalEnv } from './context.js';
import { PortalPage } from './portal-page.js';
import { sendPage, translatedFieldErrors } from './render-portal.js';

interface AuthFormProps { base: string; csrf: string; values?: Record<string, string>; errors?: FieldErrors; problem?: string }

function SignInForm(props: AuthFormProps & { next?: string }) {
  const { t } = useView();
  return (
    <PortalPage title={t('portal.auth.signInTitle')} section="account" viewer={null}>
      <h1>{t('portal.auth.signInTitle')}</h1>
      <FormProblem message={props.problem} />
      <form method="post" action={`${props.base}/sign-in`} class="stacked-form portal-form" novalidate>
        <CsrfField token={props.csrf} />
        {props.next && <input type="hidden" name="next" value={props.next} />}
        <TextField name="email" type="email" label={t('portal.fields.email.label')} value={props.values?.email} autocomplete="email" required error={props.errors?.email} />
        <TextField name="password" type="password" label={t('portal.fields.password.label')} autocomplete="current-password" required error={props.errors?.password} />
        <button type="submit">{t('portal.auth.signInButton')}</button>
      </form>
      <p>{t('portal.auth.noAccount')} <a href={`${props.base}/sign-up`}>{t('portal.auth.createOne')}</a></p>
      <p><a href={`${props.base}/forgot`}>{t('portal.auth.forgot')}</a></p>
    </PortalPage>
  );
}

function SignUpForm(props: AuthFormProps) {
  const { t } = useView();
  return (
    <PortalPage title={t('portal.auth.signUpTitle')} section="account" viewer={null}>
      <h1>{t('portal.auth.signUpTitle')}</h1>
      <FormProblem message={props.problem} />
      <form method="post" action={`${props.base}/sign-up`} class="stacked-form portal-form" novalidate>
        <CsrfField token={props.csrf} />
        <TextField name="name" label={t('portal.fields.name.label')} value={props.values?.name} autocomplete="name" required maxlength={200} error={props.errors?.name} />
        <TextField name="email" type="email" label={t('portal.fields.email.label')} value={props.values?.email} autocomplete="email" required error={props.errors?.email} />
        <TextField name="password" type="password" label={t('portal.fields.password.label')} hint={t('portal.fields.password.hint')} autocomplete="new-password" required error={props.errors?.password} />
        <button type="submit">{t('portal.auth.signUpButton')}</button>
      </form>
      <p>{t('portal.auth.haveAccount')} <a href={`${props.base}/sign-in`}>{t('portal.auth.signInTitle')}</a></p>
    </PortalPage>
  );
}

function ForgotForm(props: AuthFormProps & { sent: boolean }) {
  const { t } = useView();
  return (
    <PortalPage title={t('portal.auth.forgotTitle')} section="account" viewer={null}>
      <h1>{t('portal.auth.forgotTitle')}</h1>
      {props.sent && <p class="notice" role="status">{t('portal.auth.forgotSent')}</p>}
      <p>{t('portal.auth.forgotText')}</p>
      <form method="post" action={`${props.base}/forgot`} class="stacked-form portal-form" novalidate>
        <CsrfField token={props.csrf} />
        <TextField name="email" type="email" label={t('portal.fields.email.label')} value={props.values?.email} autocomplete="email" required error={props.errors?.email} />
        <button type="submit">{t('portal.auth.forgotButton')}</button>
      </form>
    </PortalPage>
  );
}

function ResetForm(props: AuthFormProps & { token: string }) {
  const { t } = useView();
  return (
    <PortalPage title={t('portal.auth.resetTitle')} section="account" viewer={null}>
      <h1>{t('portal.auth.resetTitle')}</h1>
      <FormProblem message={props.problem} />
      {props.problem && <p><a href={`${props.base}/forgot`}>{t('portal.auth.askAgain')}</a></p>}
      <form method="post" action={`${props.base}/reset`} class="stacked-form portal-form" novalidate>
        <CsrfField token={props.csrf} />
        <input type="hidden" name="token" value={props.token} />
        <TextField name="password" type="password" label={t('portal.fields.newPassword.label')} hint={t('portal.fields.password.hint')} autocomplete="new-password" required error={props.errors?.password} />
        <button type="submit">{t('portal.auth.resetButton')}</button>
      </form>
    </PortalPage>
  );
}

const codeOf = (err: unknown) => (err instanceof AppError ? err.code : null);

/**
 * Sign-in, sign-up, sign-out and the password reset of portal customers. Every form works
 * without JavaScript (POST, then 303); a refused one comes back with 422, what was typed kept
 * (never a password), and the reason beside the field or above the form.
 */
export function authRoutes(platform: Platform): Hono<PortalEnv> {
  const routes = new Hono<PortalEnv>();

  routes.get('/sign-in', (c) => sendPage(c, <SignInForm base={portalBase(c)} csrf={c.var.csrfToken} next={c.req.query('next')?.slice(0, 2048)} />));
  routes.post('/sign-in', async (c) => {
    const form = await formFields(c);
    try {
      const user = await signIn(c.var.webTenant.data, { email: form.email ?? '', password: form.password ?? '' }, { ip: clientAddress(c) });
      if (user.role !== 'customer') {
        return sendPage(c, <SignInForm base={portalBase(c)} csrf={c.var.csrfToken} values={{ email: form.email ?? '' }} problem={c.var.view.t('portal.auth.staffAccount')} />, 422);
      }
      await beginWebSession(c, user);
      return c.redirect(safeNext(c, form.next), 303);
    } catch (err) {
      const code = codeOf(err);
      if (code !== 'INVALID_CREDENTIALS' && code !== 'RATE_LIMITED' && code !== 'BAD_USER_INPUT') throw err;
      const problem = c.var.view.t(code === 'RATE_LIMITED' ? 'portal.auth.rateLimited' : 'portal.auth.badCredentials');
      return sendPage(c, <SignInForm base={portalBase(c)} csrf={c.var.csrfToken} values={{ email: form.email ?? '' }} next={form.next} problem={problem} />, code === 'RATE_LIMITED' ? 429 : 422);
    }
  });

  routes.get('/sign-up', (c) => sendPage(c, <SignUpForm base={portalBase(c)} csrf={c.var.csrfToken} />));
  routes.post('/sign-up', async (c) => {
    const form = await formFields(c);
    const values = { name: form.name ?? '', email: form.email ?? '' };
    try {
      const user = await signUpCustomer(c.var.webTenant.data, { ...values, password: form.password ?? '' });
      await beginWebSession(c, user);
      return c.redirect(portalBase(c), 303);
    } catch (err) {
      const errors = translatedFieldErrors(c, err);
      if (!errors && codeOf(err) !== 'SIGN_UP_FAILED') throw err;
      const problem = errors ? c.var.view.t('portal.form.problem') : c.var.view.t('portal.auth.signUpRefused');
      return sendPage(c, <SignUpForm base={portalBase(c)} csrf={c.var.csrfToken} values={values} errors={errors ?? undefined} problem={problem} />, 422);
    }
  });

  routes.post('/sign-out', async (c) => {
    await endWebSessionOf(c);
    return c.redirect(portalBase(c), 303);
  });

  routes.get('/forgot', (c) => sendPage(c, <ForgotForm base={portalBase(c)} csrf={c.var.csrfToken} sent={c.req.query('sent') === '1'} />));
  routes.post('/forgot', async (c) => {
    const form = await formFields(c);
    const email = (form.email ?? '').trim();
    if (!email || email.length > 320 || !email.includes('@')) {
      const errors = { email: c.var.view.t('portal.fields.email.invalid') };
      return sendPage(c, <ForgotForm base={portalBase(c)} csrf={c.var.csrfToken} sent={false} values={{ email: form.email ?? '' }} errors={errors} />, 422);
    }
    const origin = publicOrigin(c, platform.config);
    const base = portalBase(c);
    await requestPasswordReset(c.var.webTenant.data, email, {
      link: (token) => `${origin}${base}/reset?token=${encodeURIComponent(token)}`,
      siteName: c.var.view.tenant!.branding.displayName,
    });
    deliverMailSoon(platform, c.var.webTenant.data);
    // The same answer whether or not the address has an account.
    return c.redirect(`${base}/forgot?sent=1`, 303);
  });

  routes.get('/reset', (c) => sendPage(c, <ResetForm base={portalBase(c)} csrf={c.var.csrfToken} token={(c.req.query('token') ?? '').slice(0, 100)} />));
  routes.post('/reset', async (c) => {
    const form = await formFields(c);
    const token = (form.token ?? '').slice(0, 100);
    try {
      const user = await resetPassword(c.var.webTenant.data, token, form.password ?? '');
      if (user.role === 'customer') await beginWebSession(c, user);
      return c.redirect(portalBase(c), 303);
    } catch (err) {
      const errors = translatedFieldErrors(c, err);
      if (!errors && codeOf(err) !== 'RESET_LINK_INVALID') throw err;
      const problem = errors ? undefined : c.var.view.t('portal.auth.resetInvalid');
      return sendPage(c, <ResetForm base={portalBase(c)} csrf={c.var.csrfToken} token={token} errors={errors ?? undefined} problem={problem} />, 422);
    }
  });
  return routes;
}
