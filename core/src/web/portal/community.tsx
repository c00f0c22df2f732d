import { Hono } from 'hono';
import type { CommunityPost, CommunityThread } from '../../domain/community.js';
import {
  forumThread, forumViewer, listForumThreads, moderateForumPost, moderateForumThread, replyInForum, startForumThread, voteInForum,
} from '../../domain/portal-community.js';
import { AppError } from '../../lib/errors.js';
import { CsrfField, FormProblem, TextAreaField, TextField, type FieldErrors } from '../form-fields.js';
import { requireWebUser } from '../session/index.js';
import { useView } from '../view.js';
import { customerOf, customerOrNull, formFields, portalBase, portalTenantOf, type PortalContext, type PortalEnv } from './context.js';
import { PortalPage, type PortalViewer } from './portal-page.js';
import { listWindow, orNotFound, sendPage, translatedFieldErrors, viewerOf } from './render-portal.js';

/** What only moderators see beside a hidden thread or post, and what anyone sees beside a locked thread. */
function ModerationFlags(props: { hidden: boolean; locked?: boolean }) {
  const { t } = useView();
  return (
    <>
      {props.hidden && <span class="moderated-flag">{t('chat.moderation.hidden')}</span>}
      {props.locked && <span class="moderated-flag">{t('chat.moderation.lockedFlag')}</span>}
    </>
  );
}

function ThreadsPage(props: { base: string; viewer: PortalViewer | null; threads: CommunityThread[]; next: string | null }) {
  const { t, format } = useView();
  return (
    <PortalPage title={t('portal.community.title')} section="community" viewer={props.viewer} assets={['chat.css']}>
      <h1>{t('portal.community.title')}</h1>
      <p>{t('portal.community.lead')}</p>
      {props.viewer
        ? <p><a class="button" href={`${props.base}/community/new`}>{t('portal.community.newThread')}</a></p>
        : <p><a href={`${props.base}/sign-in?next=${encodeURIComponent(`${props.base}/community`)}`}>{t('portal.community.signInToPost')}</a></p>}
      {props.threads.length === 0 ? <p>{t('portal.community.none')}</p> : (
        <ul class="portal-list">
          {props.threads.map((th) => (
            <li class="card">
              <h2 class="portal-list__title"><a href={`${props.base}/community/${th.id}`}>{th.title}</a></h2>
              <p class="muted">{t('portal.community.started', { date: format.date(th.createdAt) })} <ModerationFlags hidden={!!th.hiddenAt} locked={!!th.lockedAt} /></p>
            </li>
          ))}
        </ul>
      )}
      {props.next && <p><a href={`${props.base}/community?after=${encodeURIComponent(props.next)}`}>{t('portal.community.more')}</a></p>}
    </PortalPage>
  );
}

function NewThreadPage(props: { base: string; viewer: PortalViewer; values?: Record<string, string>; errors?: FieldErrors }) {
  const { t } = useView();
  return (
    <PortalPage title={t('portal.community.newThreadTitle')} section="community" viewer={props.viewer}>
      <h1>{t('portal.community.newThreadTitle')}</h1>
      <FormProblem message={props.errors ? t('portal.form.problem') : null} />
      <form method="post" action={`${props.base}/community/new`} class="stacked-form portal-form" novalidate>
        <CsrfField token={props.viewer.csrfToken} />
        <TextField name="title" label={t('portal.fields.title.label')} value={props.values?.title} required maxlength={300} error={props.errors?.title} />
        <TextAreaField name="body" label={t('portal.fields.body.label')} value={props.values?.body} rows={6} maxlength={20_000} error={props.errors?.body} />
        <button type="submit">{t('portal.community.create')}</button>
      </form>
    </PortalPage>
  );
}

/** A moderator's switch: one form, one button, posting `field=value` (works without script). */
function ModerationButton(props: { action: string; csrfToken: string; field: 'hidden' | 'locked'; value: boolean; label: string; ariaLabel?: string }) {
  return (
    <form method="post" action={props.action}>
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name={props.field} value={String(props.value)} />
      <button type="submit" class="button--quiet" aria-label={props.ariaLabel}>{props.label}</button>
    </form>
  );
}

function Post(props: { base: string; viewer: PortalViewer | null; customerId: string | null; post: CommunityPost; moderator: boolean; locked: boolean }) {
  const { t, format } = useView();
  const { post } = props;
  const hidden = !!post.hiddenAt;
  const mine = !!props.customerId && post.authorCustomerId === props.customerId;
  const author = mine ? t('portal.community.byYou') : post.authorAgentId ? t('portal.community.bySupport') : t('portal.community.byCustomer');
  const when = format.dateTime(post.createdAt);
  return (
    <li class={hidden ? 'card portal-post portal-post--hidden' : 'card portal-post'} id={`post-${post.id}`}>
      <p class="portal-message__meta">
        <strong>{author}</strong> · <time datetime={post.createdAt.toISOString()}>{when}</time>
        {hidden && <> · <span class="moderated-flag">{t('chat.moderation.hiddenPost')}</span></>}
      </p>
      {post.body.split(/\n+/).map((p) => <p>{p}</p>)}
      <div class="portal-vote">
        <span>{t('portal.community.score', { score: format.number(post.score) })}</span>
        {props.viewer && !mine && !props.locked && !hidden && (
          <form method="post" action={`${props.base}/community/posts/${post.id}/vote`} class="portal-vote__form"
            hx-post={`${props.base}/community/posts/${post.id}/vote`} hx-target={`#post-${post.id}`} hx-select={`#post-${post.id}`} hx-swap="outerHTML">
            <CsrfField token={props.viewer.csrfToken} />
            <button type="submit" name="value" value="1" class="button--quiet" aria-label={`${t('portal.community.upvote')} ${t('portal.community.voteOn', { date: when })}`}>▲</button>
            <button type="submit" name="value" value="-1" class="button--quiet" aria-label={`${t('portal.community.downvote')} ${t('portal.community.voteOn', { date: when })}`}>▼</button>
          </form>
        )}
        {props.viewer && props.moderator && (
          <ModerationButton action={`${props.base}/community/posts/${post.id}/moderate`} csrfToken={props.viewer.csrfToken} field="hidden" value={!hidden}
            label={hidden ? t('chat.moderation.show') : t('chat.moderation.hide')}
            ariaLabel={t(hidden ? 'chat.moderation.showPost' : 'chat.moderation.hidePost', { date: when })} />
        )}
      </div>
    </li>
  );
}

/** The thread's hide and lock switches, for moderators only. */
function ThreadModeration(props: { base: string; viewer: PortalViewer; thread: CommunityThread }) {
  const { t } = useView();
  const { thread } = props;
  const action = `${props.base}/community/${thread.id}/moderate`;
  return (
    <div class="moderation" role="group" aria-labelledby="moderation-label">
      <span class="moderation__label" id="moderation-label">{t('chat.moderation.tools')}</span>
      <ModerationButton action={action} csrfToken={props.viewer.csrfToken} field="hidden" value={!thread.hiddenAt}
        label={thread.hiddenAt ? t('chat.moderation.showThread') : t('chat.moderation.hideThread')} />
      <ModerationButton action={action} csrfToken={props.viewer.csrfToken} field="locked" value={!thread.lockedAt}
        label={thread.lockedAt ? t('chat.moderation.unlockThread') : t('chat.moderation.lockThread')} />
    </div>
  );
}

function ThreadPage(props: { base: string; viewer: PortalViewer | null; customerId: string | null; moderator: boolean; thread: CommunityThread; posts: CommunityPost[]; next: string | null; values?: Record<string, string>; errors?: FieldErrors }) {
  const { t } = useView();
  const { thread } = props;
  const locked = !!thread.lockedAt;
  return (
    <PortalPage title={thread.title} section="community" viewer={props.viewer} assets={['chat.css']}>
      <h1>{thread.title}</h1>
      {thread.hiddenAt && <p class="notice">{t('chat.moderation.hiddenThread')}</p>}
      {locked && <p class="notice">{t('chat.moderation.locked')}</p>}
      {props.viewer && props.moderator && <ThreadModeration base={props.base} viewer={props.viewer} thread={thread} />}
      <h2 class="visually-hidden">{t('portal.community.posts')}</h2>
      <ol class="portal-list">
        {props.posts.map((post) => <Post base={props.base} viewer={props.viewer} customerId={props.customerId} post={post} moderator={props.moderator} locked={locked} />)}
      </ol>
      {props.next && <p><a href={`${props.base}/community/${thread.id}?after=${encodeURIComponent(props.next)}`}>{t('portal.community.morePosts')}</a></p>}
      {locked ? null : props.viewer ? (
        <form method="post" action={`${props.base}/community/${thread.id}/posts`} class="stacked-form portal-form" novalidate>
          <CsrfField token={props.viewer.csrfToken} />
          <TextAreaField name="body" label={t('portal.community.reply')} value={props.values?.body} rows={4} maxlength={20_000} error={props.errors?.body} />
          <button type="submit">{t('portal.community.postReply')}</button>
        </form>
      ) : <p><a href={`${props.base}/sign-in?next=${encodeURIComponent(`${props.base}/community/${thread.id}`)}`}>{t('portal.community.signInToPost')}</a></p>}
    </PortalPage>
  );
}

/** The moderation form's `hidden` / `locked` switches ("true" or "false"); anything else is left out. */
function moderationSwitches(form: Record<string, string>): { hidden?: boolean; locked?: boolean } {
  const flag = (value: string | undefined) => (value === 'true' ? true : value === 'false' ? false : undefined);
  return { hidden: flag(form.hidden), locked: flag(form.locked) };
}

/**
 * A moderation post the page never offers to this viewer: 403 FORBIDDEN for a customer who is not
 * a moderator, 400 for a form without a switch; each a plain answer naming its code.
 */
function moderationRefusal(c: PortalContext, err: unknown): Response {
  if (err instanceof AppError && err.code === 'FORBIDDEN') return c.text(`FORBIDDEN: ${c.var.view.t('chat.moderation.forbidden')}`, 403);
  if (err instanceof AppError && err.code === 'BAD_USER_INPUT') return c.text(`BAD_USER_INPUT: ${err.message}`, 400);
  throw err;
}

/**
 * The forums: anyone reads, signed-in customers start threads, reply and vote; customers an
 * admin made moderators also see hidden threads and posts (marked hidden), and hide, show, lock
 * and unlock them. A locked thread takes no more replies or votes.
 */
export function communityRoutes(notFound: (c: PortalContext) => Response | Promise<Response>): Hono<PortalEnv> {
  const routes = new Hono<PortalEnv>();
  const customerOnly = requireWebUser('customer');
  const showThread = async (c: PortalContext, status: 200 | 422, extra: { values?: Record<string, string>; errors?: FieldErrors } = {}) => {
    const customer = customerOrNull(c);
    const [{ thread, posts }, reader] = await Promise.all([
      forumThread(portalTenantOf(c), c.req.param('id')!, listWindow(c, 50), customer), forumViewer(customer),
    ]);
    const page = (
      <ThreadPage base={portalBase(c)} viewer={viewerOf(c)} customerId={customer?.customerId ?? null} moderator={reader.moderator} thread={thread}
        posts={posts.edges.map((e) => e.node)} next={posts.pageInfo.hasNextPage ? posts.pageInfo.endCursor : null} {...extra} />
    );
    return sendPage(c, page, status);
  };

  routes.get('/community', async (c) => {
    const page = await listForumThreads(portalTenantOf(c), listWindow(c, 20), customerOrNull(c));
    return sendPage(c, <ThreadsPage base={portalBase(c)} viewer={viewerOf(c)} threads={page.edges.map((e) => e.node)} next={page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null} />);
  });
  routes.get('/community/new', customerOnly, (c) => sendPage(c, <NewThreadPage base={portalBase(c)} viewer={viewerOf(c)!} />));
  routes.post('/community/new', customerOnly, async (c) => {
    const form = await formFields(c);
    const values = { title: form.title ?? '', body: form.body ?? '' };
    try {
      const thread = await startForumThread(customerOf(c), values);
      return c.redirect(`${portalBase(c)}/community/${thread.id}`, 303);
    } catch (err) {
      const errors = translatedFieldErrors(c, err);
      if (!errors) throw err;
      return sendPage(c, <NewThreadPage base={portalBase(c)} viewer={viewerOf(c)!} values={values} errors={errors} />, 422);
    }
  });
  routes.get('/community/:id', (c) => orNotFound(c, notFound, () => showThread(c, 200)));
  routes.post('/community/:id/posts', customerOnly, (c) => orNotFound(c, notFound, async () => {
    const form = await formFields(c);
    try {
      const post = await replyInForum(customerOf(c), c.req.param('id'), { body: form.body ?? '' });
      return c.redirect(`${portalBase(c)}/community/${post.threadId}#post-${post.id}`, 303);
    } catch (err) {
      // Locked since the page was drawn: the thread page now says so.
      if (err instanceof AppError && err.code === 'THREAD_LOCKED') return c.redirect(`${portalBase(c)}/community/${encodeURIComponent(c.req.param('id'))}`, 303);
      const errors = translatedFieldErrors(c, err);
      if (!errors) throw err;
      return showThread(c, 422, { values: { body: form.body ?? '' }, errors });
    }
  }));
  routes.post('/community/posts/:postId/vote', customerOnly, (c) => orNotFound(c, notFound, async () => {
    const form = await formFields(c);
    try {
      const post = await voteInForum(customerOf(c), c.req.param('postId'), { value: Number(form.value) });
      return c.redirect(`${portalBase(c)}/community/${post.threadId}#post-${post.id}`, 303);
    } catch (err) {
      // A forged value or a vote on one's own post: nothing the page offers, so a plain refusal.
      if (err instanceof AppError && err.code === 'BAD_USER_INPUT') return c.text(c.var.view.t('portal.community.cannotVoteOwn'), 400);
      if (err instanceof AppError && err.code === 'THREAD_LOCKED') return c.text(`THREAD_LOCKED: ${c.var.view.t('chat.moderation.locked')}`, 409);
      throw err;
    }
  }));
  routes.post('/community/:id/moderate', customerOnly, (c) => orNotFound(c, notFound, async () => {
    const switches = moderationSwitches(await formFields(c));
    try {
      const thread = await moderateForumThread(customerOf(c), c.req.param('id'), switches);
      return c.redirect(`${portalBase(c)}/community/${thread.id}`, 303);
    } catch (err) {
      return moderationRefusal(c, err);
    }
  }));
  routes.post('/community/posts/:postId/moderate', customerOnly, (c) => orNotFound(c, notFound, async () => {
    const switches = moderationSwitches(await formFields(c));
    try {
      const post = await moderateForumPost(customerOf(c), c.req.param('postId'), switches);
      return c.redirect(`${portalBase(c)}/community/${post.threadId}#post-${post.id}`, 303);
    } catch (err) {
      return moderationRefusal(c, err);
    }
  }));
  return routes;
}
