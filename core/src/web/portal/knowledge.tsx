import { Hono } from 'hono';
import type { ArticleHit } from '../../domain/portal-knowledge.js';
import { getPublishedArticle, myArticleRating, rateArticleOnce, searchPublishedArticles } from '../../domain/portal-knowledge.js';
import type { KnowledgeArticle } from '../../domain/knowledge.js';
import { CsrfField } from '../form-fields.js';
import { requireWebUser } from '../session/index.js';
import { useView } from '../view.js';
import type { Logger } from '../../lib/logger.js';
import { customerOf, customerOrNull, portalBase, portalTenantOf, type PortalContext, type PortalEnv } from './context.js';
import { recordSelfService } from './self-service-activity.js';
import { PortalPage, type PortalViewer } from './portal-page.js';
import { orNotFound, sendPage, viewerOf } from './render-portal.js';

/** A search box for articles; GET, so results have an address and need no script. */
export function ArticleSearchForm(props: { base: string; query?: string }) {
  const { t } = useView();
  return (
    <form method="get" action={`${props.base}/knowledge`} role="search" class="portal-search">
      <label for="knowledge-q">{t('portal.fields.query.label')}</label>
      <div class="portal-search__row">
        <input id="knowledge-q" name="q" type="search" value={props.query ?? ''} maxlength={200} />
        <button type="submit">{t('portal.knowledge.search')}</button>
      </div>
    </form>
  );
}

/** A list of article hits, each with its opening lines. */
export function ArticleList(props: { base: string; hits: ArticleHit[]; headingLevel?: 'h2' | 'h3' }) {
  const { format, t, locale } = useView();
  const Heading = props.headingLevel ?? 'h2';
  return (
    <ul class="portal-list">
      {props.hits.map((hit) => (
        <li class="card">
          <Heading class="portal-list__title"><a href={`${props.base}/knowledge/${hit.id}`}>{hit.title}</a></Heading>
          <p class="portal-snippet">{hit.snippet}{hit.snippet.length >= 240 ? '…' : ''}</p>
          <p class="muted">
            {t('portal.knowledge.updated', { date: format.date(hit.updatedAt) })}
            {!hit.locale.startsWith(locale) && <> · <span lang={hit.locale}>{t('portal.knowledge.otherLanguage')}</span></>}
          </p>
        </li>
      ))}
    </ul>
  );
}

function SearchPage(props: { base: string; viewer: PortalViewer | null; query: string; hits: ArticleHit[] }) {
  const { t } = useView();
  return (
    <PortalPage title={t('portal.knowledge.title')} section="knowledge" viewer={props.viewer}>
      <h1>{t('portal.knowledge.title')}</h1>
      <ArticleSearchForm base={props.base} query={props.query} />
      <h2>{props.query ? t('portal.knowledge.resultsFor', { query: props.query }) : t('portal.knowledge.latest')}</h2>
      {props.hits.length === 0 ? <p>{t('portal.knowledge.noResults')}</p> : <ArticleList base={props.base} hits={props.hits} headingLevel="h3" />}
    </PortalPage>
  );
}

/** Paragraphs of an article's plain-text body (blank lines separate them). */
const paragraphs = (body: string) => body.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);

function ArticlePage(props: { base: string; viewer: PortalViewer | null; article: KnowledgeArticle; rating: boolean | null; thanked: boolean }) {
  const { t, format } = useView();
  const { article } = props;
  const action = `${props.base}/knowledge/${article.id}/rating`;
  return (
    <PortalPage title={article.title} section="knowledge" viewer={props.viewer}>
      <article class="portal-article" lang={article.locale}>
        <h1>{article.title}</h1>
        <p class="muted">{t('portal.knowledge.updated', { date: format.date(article.updatedAt) })}</p>
        {paragraphs(article.body).map((p) => <p>{p}</p>)}
      </article>
      <section class="card portal-rating" id="rating" aria-labelledby="rating-heading">
        <h2 id="rating-heading">{t('portal.knowledge.helpfulQuestion')}</h2>
        {props.thanked && <p role="status" class="notice">{t('portal.knowledge.thanks')}</p>}
        {props.rating !== null ? (
          <p>{t(props.rating ? 'portal.knowledge.yourAnswerYes' : 'portal.knowledge.yourAnswerNo')}</p>
        ) : props.viewer ? (
          // With htmx the answer replaces only this section (the same page, picked from the redirect's answer).
          <form method="post" action={action} class="portal-rating__form" hx-post={action} hx-target="#rating" hx-select="#rating" hx-swap="outerHTML">
            <CsrfField token={props.viewer.csrfToken} />
            <button type="submit" name="helpful" value="yes">{t('portal.knowledge.yes')}</button>
            <button type="submit" name="helpful" value="no" class="button--quiet">{t('portal.knowledge.no')}</button>
          </form>
        ) : (
          <p><a href={`${props.base}/sign-in?next=${encodeURIComponent(`${props.base}/knowledge/${article.id}`)}`}>{t('portal.knowledge.signInToRate')}</a></p>
        )}
        <p class="muted">{t('portal.knowledge.helpfulCount', { count: article.helpfulCount })}</p>
      </section>
      <p>{t('portal.knowledge.stillNeedHelp')} <a href={`${props.base}/cases/new`}>{t('portal.knowledge.contactUs')}</a></p>
    </PortalPage>
  );
}

/** Article search (anyone), articles, and "was this helpful?" (signed-in customers, once each). */
export function knowledgeRoutes(notFound: (c: PortalContext) => Response | Promise<Response>, logger: Logger): Hono<PortalEnv> {
  const routes = new Hono<PortalEnv>();
  routes.get('/knowledge', async (c) => {
    const query = (c.req.query('q') ?? '').slice(0, 200).trim();
    const hits = await searchPublishedArticles(portalTenantOf(c), { query, locale: c.var.view.locale });
    // A search for something (not the bare page) counts toward deflection.
    if (query) recordSelfService(c, logger, 'SEARCH');
    return sendPage(c, <SearchPage base={portalBase(c)} viewer={viewerOf(c)} query={query} hits={hits} />);
  });
  routes.get('/knowledge/:id', (c) => orNotFound(c, notFound, async () => {
    const customer = customerOrNull(c);
    const id = c.req.param('id');
    const [article, rating] = await Promise.all([
      getPublishedArticle(portalTenantOf(c), id),
      customer ? myArticleRating(customer, id) : null,
    ]);
    recordSelfService(c, logger, 'VIEW', article.id);
    return sendPage(c, <ArticlePage base={portalBase(c)} viewer={viewerOf(c)} article={article} rating={rating} thanked={c.req.query('rated') === '1'} />);
  }));
  routes.post('/knowledge/:id/rating', requireWebUser('customer'), (c) => orNotFound(c, notFound, async () => {
    const body = await c.req.parseBody();
    const id = c.req.param('id');
    if (body.helpful !== 'yes' && body.helpful !== 'no') return c.text('choose yes or no', 400);
    await rateArticleOnce(customerOf(c), id, body.helpful === 'yes');
    return c.redirect(`${portalBase(c)}/knowledge/${encodeURIComponent(id)}?rated=1#rating-heading`, 303);
  }));
  return routes;
}
