import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../lib/errors.js';
import { CsrfField, FormProblem, TextField } from './form-fields.js';
import { areaNav } from './layout/area-nav.js';
import { Page } from './layout/page.js';
import { returnPath } from './locale-switch.js';
import { renderPage } from './render.js';
import { AREA_PATHS, beginWebSession, clientAddress, endWebSessionOf, signIn, signInPath, type WebSessionVariables } from './session/index.js';
import { useView } from './view.js';
import type { WebEnv } from './web-env.js';

/** The environment of signed-in pages: the page's view plus the web session's variables. */
export type StaffWebEnv = { Variables: WebEnv['Variables'] & WebSessionVariables; Bindings: WebEnv['Bindings'] };

/** The staff areas with a sign-in of their own: the console (agents and admins) and the admin (admins). */
export type StaffArea = 'staff' | 'admin';
const AREA_ROLES: Record<StaffArea, readonly string[]> = { staff: ['agent', 'admin'], admin: ['admin'] };

const signInForm = z.object({
  email: z.string().max(320).default(''),
  password: z.string().max(200).default(''),
  next: z.string().max(2048).optional(),
});

/** Where to go after signing in: a page of this area of this tenant only, else the area's home. */
function nextPage(slug: string, area: StaffArea, next: string | undefined): string {
  const home = `/t/${slug}/${AREA_PATHS[area]}`;
  const [path, query] = (next ?? '').split('?', 2) as [string, string | undefined];
  const safe = returnPath(slug, path);
  if (safe !== home && !safe.startsWith(`${home}/`)) return home;
  if (safe.endsWith('/sign-in')) return home;
  return query && /^[A-Za-z0-9\-._~=&%+]*$/.test(query) ? `${safe}?${query}` : safe;
}

function SignInPage(props: { area: StaffArea; csrf: string; email?: string; next?: string; problem?: string | null }) {
  const view = useView();
  const { t } = view;
  const areaPath = AREA_PATHS[props.area] as 'console' | 'admin';
  return (
    <Page title={t('staffSignIn.title')} nav={areaNav(view, areaPath)} assets={props.area === 'admin' ? ['admin.css'] : []}>
      <h1>{t(`areas.${areaPath}`)}</h1>
      <section class="card sign-in" aria-labelledby="sign-in-heading">
        <h2 id="sign-in-heading">{t('staffSignIn.title')}</h2>
        <p class="muted">{t(props.area === 'admin' ? 'staffSignIn.leadAdmin' : 'staffSignIn.leadStaff')}</p>
        <FormProblem message={props.problem} />
        <form method="post" action={`/t/${view.tenant!.tenant.slug}/${areaPath}/sign-in`}>
          <CsrfField token={props.csrf} />
          {props.next && <input type="hidden" name="next" value={props.next} />}
          <TextField name="email" type="email" label={t('staffSignIn.email')} value={props.email} autocomplete="username" required maxlength={320} />
          <TextField name="password" type="password" label={t('staffSignIn.password')} autocomplete="current-password" required maxlength={200} />
          <button type="submit">{t('staffSignIn.submit')}</button>
        </form>
      </section>
    </Page>
  );
}

/** The sign-out button of a signed-in staff page. */
export function SignOutForm(props: { area: StaffArea; csrf: string }) {
  const { t, tenant } = useView();
  return (
    <form class="sign-out" method="post" action={`/t/${tenant!.tenant.slug}/${AREA_PATHS[props.area]}/sign-out`}>
      <CsrfField token={props.csrf} />
      <button type="submit" class="button--quiet">{t('staffSignIn.signOut')}</button>
    </form>
  );
}

/**
 * Sign-in and sign-out of a staff area (`staff` → the console, `admin` → the admin pages),
 * mounted under the area's path after `webSession()` and `verifyCsrf()`: GET/POST `/sign-in`,
 * POST `/sign-out`. Only users of the area's roles get a session here; a right password of
 * another role is told it has no access rather than signed in.
 *
 * @example
 * ```ts
 * routes.use('*', webSession(platform), verifyCsrf());
 * routes.route('/', staffSignInRoutes('admin'));
 * ```
 */
export function staffSignInRoutes(area: StaffArea): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  const show = (c: Context<StaffWebEnv>, props: Omit<Parameters<typeof SignInPage>[0], 'area' | 'csrf'>, status: 200 | 422 | 429 = 200) =>
    renderPage(c, c.get('view'), <SignInPage area={area} csrf={c.var.csrfToken} {...props} />, status);

  routes.get('/sign-in', (c) => {
    const next = c.req.query('next');
    const user = c.var.webUser;
    if (user && AREA_ROLES[area].includes(user.role)) return c.redirect(nextPage(c.var.webTenant.slug, area, next), 303);
    return show(c, { next });
  });

  routes.post('/sign-in', async (c) => {
    const parsed = signInForm.safeParse(await c.req.parseBody());
    const { t } = c.get('view');
    // Over-long fields cannot match an account: the same answer as a wrong password, nothing kept.
    if (!parsed.success) return show(c, { problem: t('staffSignIn.invalid') }, 422);
    const form = parsed.data;
    try {
      const user = await signIn(c.var.webTenant.data, { email: form.email, password: form.password }, { ip: clientAddress(c) });
      if (!AREA_ROLES[area].includes(user.role)) return show(c, { email: form.email, next: form.next, problem: t('staffSignIn.noAccess') }, 422);
      await beginWebSession(c, user);
      return c.redirect(nextPage(c.var.webTenant.slug, area, form.next), 303);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'RATE_LIMITED') return show(c, { email: form.email, next: form.next, problem: t('staffSignIn.rateLimited') }, 429);
      if (err.code === 'INVALID_CREDENTIALS' || err.code === 'BAD_USER_INPUT') return show(c, { email: form.email, next: form.next, problem: t('staffSignIn.invalid') }, 422);
      throw err;
    }
  });

  routes.post('/sign-out', async (c) => {
    await endWebSessionOf(c);
    return c.redirect(signInPath(c.var.webTenant.slug, area), 303);
  });
  return routes;
}
