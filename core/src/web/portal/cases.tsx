import { Hono } from 'hono';
import type { Case } from '../../domain/cases.js';
import type { Interaction } from '../../domain/interactions.js';
import type { CaseSurvey } from '../../domain/metrics/index.js';
import { listMyCases, myCaseView, openMyCase, portalCaseInput, rateMyCase, replyToMyCase } from '../../domain/portal-cases.js';
import { searchPublishedArticles, type ArticleHit } from '../../domain/portal-knowledge.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { parseInput } from '../../lib/validate.js';
import { CsrfField, FormProblem, RadioGroup, TextAreaField, TextField, type FieldErrors } from '../form-fields.js';
import { useView, ViewProvider } from '../view.js';
import { customerOf, formFields, portalBase, portalTenantOf, type PortalContext, type PortalEnv } from './context.js';
import { ArticleList } from './knowledge.js';
import { PortalPage, type PortalViewer } from './portal-page.js';
import { listWindow, orNotFound, sendPage, translatedFieldErrors, viewerOf } from './render-portal.js';
import { recordSelfService } from './self-service-activity.js';

/** Suggested articles for a case subject: few, so the list stays readable. */
const SUGGESTIONS = 5;

const suggestionsFor = (c: PortalContext, subject: string): Promise<ArticleHit[]> =>
  subject.trim().length < 3 ? Promise.resolve([]) : searchPublishedArticles(portalTenantOf(c), { query: subject.slice(0, 200), locale: c.var.view.locale, first: SUGGESTIONS, match: 'any' });

/** The live suggestions region (htmx swaps its inside as the subject is typed). */
function Suggestions(props: { base: string; hits: ArticleHit[] }) {
  const { t } = useView();
  if (props.hits.length === 0) return <p class="muted">{t('portal.cases.noSuggestions')}</p>;
  return (
    <>
      <h2>{t('portal.cases.suggestionsHeading')}</h2>
      <ArticleList base={props.base} hits={props.hits} headingLevel="h3" />
    </>
  );
}

function NewCasePage(props: { base: string; viewer: PortalViewer; values?: Record<string, string>; errors?: FieldErrors; hits: ArticleHit[] }) {
  const { t } = useView();
  return (
    <PortalPage title={t('portal.cases.newTitle')} section="cases" viewer={props.viewer}>
      <h1>{t('portal.cases.newTitle')}</h1>
      <p>{t('portal.cases.newLead')}</p>
      <FormProblem message={props.errors ? t('portal.form.problem') : null} />
      <form method="post" action={`${props.base}/cases/new`} class="stacked-form portal-form" novalidate>
        <CsrfField token={props.viewer.csrfToken} />
        <div hx-get={`${props.base}/cases/suggestions`} hx-trigger="input changed delay:300ms from:#f-subject" hx-include="#f-subject" hx-target="#case-suggestions" hx-swap="innerHTML">
          <TextField name="subject" label={t('portal.fields.subject.label')} hint={t('portal.fields.subject.hint')} value={props.values?.subject} required maxlength={300} autocomplete="off" error={props.errors?.subject} />
        </div>
        <div id="case-suggestions" class="portal-suggestions" aria-live="polite">
          <Suggestions base={props.base} hits={props.hits} />
        </div>
        <TextAreaField name="description" label={t('portal.fields.description.label')} value={props.values?.description} rows={6} maxlength={20_000} error={props.errors?.description} />
        <button type="submit">{t('portal.cases.continue')}</button>
      </form>
    </PortalPage>
  );
}

/** The deflection step: the articles that may answer, before the case is really sent. */
function ConfirmCasePage(props: { base: string; viewer: PortalViewer; subject: string; description: string; hits: ArticleHit[] }) {
  const { t } = useView();
  return (
    <PortalPage title={t('portal.cases.confirmTitle')} section="cases" viewer={props.viewer}>
      <h1>{t('portal.cases.confirmTitle')}</h1>
      <p>{t('portal.cases.confirmLead')}</p>
      <ArticleList base={props.base} hits={props.hits} />
      <div class="portal-actions">
        <a class="button button--quiet" href={`${props.base}/knowledge`}>{t('portal.cases.answered')}</a>
        <form method="post" action={`${props.base}/cases/new`}>
          <CsrfField token={props.viewer.csrfToken} />
          <input type="hidden" name="subject" value={props.subject} />
          <input type="hidden" name="description" value={props.description} />
          <input type="hidden" name="confirmed" value="1" />
          <button type="submit">{t('portal.cases.send')}</button>
        </form>
      </div>
      <p><a href={`${props.base}/cases/new?subject=${encodeURIComponent(props.subject)}`}>{t('portal.cases.edit')}</a></p>
    </PortalPage>
  );
}

function StatusBadge(props: { status: Case['status'] }) {
  const { t } = useView();
  return <span class={`portal-status portal-status--${props.status.toLowerCase()}`}>{t(`portal.cases.statuses.${props.status}`)}</span>;
}

function CasesPage(props: { base: string; viewer: PortalViewer; cases: Case[]; next: string | null }) {
  const { t, format } = useView();
  return (
    <PortalPage title={t('portal.cases.title')} section="cases" viewer={props.viewer}>
      <h1>{t('portal.cases.title')}</h1>
      <p><a class="button" href={`${props.base}/cases/new`}>{t('portal.cases.new')}</a></p>
      {props.cases.length === 0 ? <p>{t('portal.cases.none')}</p> : (
        <ul class="portal-list">
          {props.cases.map((k) => (
            <li class="card">
              <h2 class="portal-list__title"><a href={`${props.base}/cases/${k.id}`}>{k.subject}</a></h2>
              <p class="muted">{t('portal.cases.number', { number: k.number })} · <StatusBadge status={k.status} /> · {t('portal.cases.opened')} {format.date(k.createdAt)}</p>
            </li>
          ))}
        </ul>
      )}
      {props.next && <p><a href={`${props.base}/cases?after=${encodeURIComponent(props.next)}`}>{t('portal.cases.more')}</a></p>}
    </PortalPage>
  );
}

const RATINGS = ['5', '4', '3', '2', '1'] as const;

/** After a case is solved: how did we do? (once), or the rating given. */
function RatingSection(props: { base: string; viewer: PortalViewer; kase: Case; survey: CaseSurvey | null; values?: Record<string, string>; errors?: FieldErrors; rated: boolean }) {
  const { t } = useView();
  const { kase, survey } = props;
  if (kase.status !== 'SOLVED' && kase.status !== 'CLOSED') return null;
  return (
    <section class="card portal-rating" aria-labelledby="rating-heading">
      <h2 id="rating-heading">{t('portal.cases.rating.heading')}</h2>
      {survey ? (
        <p role={props.rated ? 'status' : undefined}>{t('portal.cases.rating.given', { rating: survey.rating })}</p>
      ) : (
        <form method="post" action={`${props.base}/cases/${kase.id}/rating`} class="stacked-form portal-form" novalidate>
          <CsrfField token={props.viewer.csrfToken} />
          <RadioGroup name="rating" label={t('portal.cases.rating.question')} value={props.values?.rating} required error={props.errors?.rating}
            options={RATINGS.map((r) => ({ value: r, label: t(`portal.cases.rating.options.${r}`) }))} />
          <TextAreaField name="comment" label={t('portal.cases.rating.comment')} value={props.values?.comment} rows={3} maxlength={2_000} error={props.errors?.comment} />
          <button type="submit">{t('portal.cases.rating.send')}</button>
        </form>
      )}
    </section>
  );
}

function CasePage(props: { base: string; viewer: PortalViewer; kase: Case; messages: Interaction[]; survey: CaseSurvey | null; values?: Record<string, string>; errors?: FieldErrors; created: boolean; rated?: boolean; ratingValues?: Record<string, string>; ratingErrors?: FieldErrors }) {
  const { t, format } = useView();
  const { kase } = props;
  return (
    <PortalPage title={kase.subject} section="cases" viewer={props.viewer}>
      {props.created && <p class="notice" role="status">{t('portal.cases.created')}</p>}
      <h1>{kase.subject}</h1>
      <dl class="portal-facts">
        <div><dt>{t('portal.cases.numberLabel')}</dt><dd>#{kase.number}</dd></div>
        <div><dt>{t('portal.cases.status')}</dt><dd><StatusBadge status={kase.status} /></dd></div>
        <div><dt>{t('portal.cases.opened')}</dt><dd>{format.dateTime(kase.createdAt)}</dd></div>
        <div><dt>{t('portal.cases.updated')}</dt><dd>{format.dateTime(kase.updatedAt)}</dd></div>
      </dl>
      {kase.description && <div class="card portal-description">{kase.description.split(/\n+/).map((p) => <p>{p}</p>)}</div>}
      <h2 id="conversation">{t('portal.cases.conversation')}</h2>
      {props.messages.length === 0 ? <p class="muted">{t('portal.cases.noMessages')}</p> : (
        <ol class="portal-conversation">
          {props.messages.map((m) => (
            <li class={m.direction === 'INBOUND' ? 'portal-message portal-message--mine' : 'portal-message'}>
              <p class="portal-message__meta"><strong>{m.direction === 'INBOUND' ? t('portal.cases.you') : t('portal.cases.support')}</strong> · <time datetime={m.occurredAt.toISOString()}>{format.dateTime(m.occurredAt)}</time></p>
              {m.body.split(/\n+/).map((p) => <p>{p}</p>)}
            </li>
          ))}
        </ol>
      )}
      <RatingSection base={props.base} viewer={props.viewer} kase={kase} survey={props.survey} values={props.ratingValues} errors={props.ratingErrors} rated={props.rated ?? false} />
      {kase.status === 'CLOSED' ? <p>{t('portal.cases.closed')}</p> : (
        <form method="post" action={`${props.base}/cases/${kase.id}/replies`} class="stacked-form portal-form" novalidate>
          <CsrfField token={props.viewer.csrfToken} />
          <TextAreaField name="body" label={t('portal.cases.reply')} value={props.values?.body} rows={4} maxlength={20_000} error={props.errors?.body} />
          <button type="submit">{t('portal.cases.send_reply')}</button>
        </form>
      )}
    </PortalPage>
  );
}

/**
 * The customer's cases (sign-in required, mounted behind the guard): the list, a new case with
 * suggested articles (live through htmx while typing, and always on a confirm step before the
 * case is sent), a case with its conversation, and replies.
 */
export function caseRoutes(notFound: (c: PortalContext) => Response | Promise<Response>, logger: Logger): Hono<PortalEnv> {
  const routes = new Hono<PortalEnv>();
  routes.get('/cases', async (c) => {
    const page = await listMyCases(customerOf(c), listWindow(c, 20));
    return sendPage(c, <CasesPage base={portalBase(c)} viewer={viewerOf(c)!} cases={page.edges.map((e) => e.node)} next={page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null} />);
  });
  routes.get('/cases/suggestions', async (c) => {
    const hits = await suggestionsFor(c, c.req.query('subject') ?? '');
    const html = await (<ViewProvider value={c.var.view}><Suggestions base={portalBase(c)} hits={hits} /></ViewProvider>).toString();
    return c.html(html, 200, { 'cache-control': 'no-store' });
  });
  routes.get('/cases/new', async (c) => {
    const subject = (c.req.query('subject') ?? '').slice(0, 300);
    const hits = await suggestionsFor(c, subject);
    return sendPage(c, <NewCasePage base={portalBase(c)} viewer={viewerOf(c)!} values={{ subject }} hits={hits} />);
  });
  routes.post('/cases/new', async (c) => {
    const form = await formFields(c);
    const values = { subject: form.subject ?? '', description: form.description ?? '' };
    const base = portalBase(c);
    const viewer = viewerOf(c)!;
    try {
      const input = parseInput(portalCaseInput, values);
      if (form.confirmed !== '1') {
        const hits = await suggestionsFor(c, input.subject);
        // Deflection: nothing is sent until the customer has seen what may already answer them.
        if (hits.length > 0) return sendPage(c, <ConfirmCasePage base={base} viewer={viewer} subject={input.subject} description={input.description} hits={hits} />);
      }
      const kase = await openMyCase(customerOf(c), input);
      // The searches and views before it did not answer this customer: deflection counts them as failed.
      recordSelfService(c, logger, 'CASE');
      return c.redirect(`${base}/cases/${kase.id}?created=1`, 303);
    } catch (err) {
      const errors = translatedFieldErrors(c, err);
      if (!errors) throw err;
      const hits = await suggestionsFor(c, values.subject);
      return sendPage(c, <NewCasePage base={base} viewer={viewer} values={values} errors={errors} hits={hits} />, 422);
    }
  });
  routes.get('/cases/:id', (c) => orNotFound(c, notFound, async () => {
    const customer = customerOf(c);
    const id = c.req.param('id');
    const { kase, messages, survey } = await myCaseView(customer, id);
    return sendPage(c, <CasePage base={portalBase(c)} viewer={viewerOf(c)!} kase={kase} messages={messages} survey={survey} created={c.req.query('created') === '1'} rated={c.req.query('rated') === '1'} />);
  }));
  routes.post('/cases/:id/rating', (c) => orNotFound(c, notFound, async () => {
    const customer = customerOf(c);
    const id = c.req.param('id');
    const form = await formFields(c);
    const caseUrl = `${portalBase(c)}/cases/${encodeURIComponent(id)}`;
    try {
      await rateMyCase(customer, id, { rating: form.rating, comment: form.comment || undefined });
      return c.redirect(`${caseUrl}?rated=1#rating-heading`, 303);
    } catch (err) {
      // Rated in another tab, or reopened since the page was drawn: the case page now says which.
      if (err instanceof AppError && (err.code === 'ALREADY_RATED' || err.code === 'CONFLICT')) return c.redirect(caseUrl, 303);
      const errors = translatedFieldErrors(c, err);
      if (!errors) throw err;
      const { kase, messages, survey } = await myCaseView(customer, id);
      return sendPage(c, <CasePage base={portalBase(c)} viewer={viewerOf(c)!} kase={kase} messages={messages} survey={survey} created={false}
        ratingValues={{ rating: form.rating ?? '', comment: form.comment ?? '' }} ratingErrors={errors} />, 422);
    }
  }));
  routes.post('/cases/:id/replies', (c) => orNotFound(c, notFound, async () => {
    const customer = customerOf(c);
    const id = c.req.param('id');
    const form = await formFields(c);
    try {
      await replyToMyCase(customer, id, { body: form.body ?? '' });
      return c.redirect(`${portalBase(c)}/cases/${encodeURIComponent(id)}#conversation`, 303);
    } catch (err) {
      // Closed since the page was drawn: the case page now says so.
      if (err instanceof AppError && err.code === 'CONFLICT') return c.redirect(`${portalBase(c)}/cases/${encodeURIComponent(id)}`, 303);
      const errors = translatedFieldErrors(c, err);
      if (!errors) throw err;
      const { kase, messages, survey } = await myCaseView(customer, id);
      return sendPage(c, <CasePage base={portalBase(c)} viewer={viewerOf(c)!} kase={kase} messages={messages} survey={survey} values={{ body: form.body ?? '' }} errors={errors} created={false} />, 422);
    }
  }));
  return routes;
}
