import type { Context } from 'hono';
import { z } from 'zod';
import { getCase, type Case } from '../../domain/cases.js';
import { getCustomer, type Customer } from '../../domain/customers.js';
import { addInteraction, listInteractions, type Interaction } from '../../domain/interactions.js';
import { replyChannelOf, replyOnChannel, type ChannelView } from '../../domain/intake/index.js';
import { AppError } from '../../lib/errors.js';
import { searchPublishedArticles, type ArticleHit } from '../../domain/portal-knowledge.js';
import { caseSlaTargetsOf, type CaseSlaTarget } from '../../domain/sla/index.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { Platform } from '../../platform.js';
import { renderPage } from '../render.js';
import { staffTenantContext } from '../session/index.js';
import { useView } from '../view.js';
import { besideWidgets, loadWidgetSlot, WidgetSlot, type WidgetPageEnv, type WidgetSlotData } from '../widget-slot.js';
import { takeWidgetFlash } from '../widget-flash.js';
import { CsrfField, FormProblem, TextAreaField } from '../form-fields.js';
import { ConsolePage, ListCard, TelLink, consoleBase, type ConsoleUser } from './frame.js';
import { HandOnCard, handOnTargetsOf, type HandOnProblem, type HandOnTargets } from './handoff.js';
import { CaseOfferCard, offerOfCase } from './offers.js';
import { consoleUserOf } from './presence.js';

/** Characters of one reply typed in the console. */
export const MAX_REPLY_CHARS = 10_000;
const CONVERSATION_SIZE = 50;
const SUGGESTIONS = 5;

interface CaseData {
  kase: Case;
  customer: Customer;
  messages: Interaction[];
  suggestions: ArticleHit[];
  /** The case's SLA clocks, the current round of each kind. */
  sla: CaseSlaTarget[];
  widgets: WidgetSlotData;
  /** The channel a reply goes out on (the one the conversation last came in on); null: recorded only. */
  replyChannel: ChannelView | null;
  /** Where the signed-in user may hand the case on to; null when it is not theirs to hand on. */
  handOn: HandOnTargets | null;
  /** Routing's open offer of this case to the signed-in agent, if any. */
  offer: Awaited<ReturnType<typeof offerOfCase>>;
  user: ConsoleUser;
}

/** Where each SLA clock of the case stands: running until a due time, paused, met or missed. */
function SlaCard(props: { targets: CaseSlaTarget[] }) {
  const { t, format } = useView();
  const when = (at: Date | null) => (at ? <time datetime={at.toISOString()}>{format.dateTime(at)}</time> : null);
  return (
    <section class="card" aria-labelledby="sla-h">
      <h2 id="sla-h">{t('console.case.sla.title')}</h2>
      {props.targets.length === 0 ? <p class="muted">{t('console.case.sla.none')}</p> : (
        <dl class="facts">
          {props.targets.map((target) => (
            <div>
              <dt>{t(`console.case.sla.kinds.${target.kind}`)}</dt>
              <dd class={`sla sla--${target.status.toLowerCase()}`}>
                {t(`console.case.sla.statuses.${target.status}`)}{' '}
                {target.status === 'HIT' ? when(target.hitAt) : target.status === 'MISSED' ? when(target.breachedAt) : target.status === 'ACTIVE' ? <>{t('console.case.sla.due')} {when(target.dueAt)}</> : null}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

/** The newest round of each kind of clock (rows come newest round first within a kind). */
const currentRounds = (targets: CaseSlaTarget[]): CaseSlaTarget[] => targets.filter((x, i) => targets.findIndex((y) => y.kind === x.kind) === i);

/**
 * Published articles sharing words with the case subject, the best first (the knowledge search's
 * full-text index, any word matching), in the agent's language first.
 */
function suggestionsFor(ctx: TenantContext, subject: string, locale: string): Promise<ArticleHit[]> {
  return searchPublishedArticles(ctx, { query: subject.slice(0, 200), locale, first: SUGGESTIONS, match: 'any' });
}

/** Where the reply goes: the case's channel by name (or that it is disabled), or recorded only when the case came in on none. */
function replyHint(t: ReturnType<typeof useView>['t'], kase: Case, channel: ChannelView | null): string {
  if (channel?.disabledAt) return t('routing.reply.disabled', { name: channel.name });
  if (channel) return t('routing.reply.via', { channel: t(`console.channels.${channel.kind}`), name: channel.name });
  return t('routing.reply.recordedOnly', { channel: t(`console.channels.${kase.channel ?? 'EMAIL'}`) });
}

function CasePage(props: { data: CaseData; reply: { text: string; error?: string }; handOn?: HandOnProblem }) {
  const view = useView();
  const { t, format } = view;
  const base = consoleBase(view.tenant!.tenant.slug);
  const { kase, customer, messages, user } = props.data;
  return (
    <ConsolePage title={t('console.case.title', { number: kase.number, subject: kase.subject })} user={user} assets={['widgets.css']}>
      <h1>{t('console.case.title', { number: kase.number, subject: kase.subject })}</h1>
      {kase.channel === 'CHAT' && <p><a class="button" href={`${base}/chats/${kase.id}`}>{t('chat.console.openChat')}</a></p>}
      <div class="c360">
        <div class="c360__main">
          {props.data.offer && <CaseOfferCard kase={kase} item={props.data.offer.item} decision={props.data.offer.decision} user={user} />}
          <section class="card" aria-labelledby="conversation-h">
            <h2 id="conversation-h">{t('console.case.conversation')}</h2>
            {kase.description && <p class="case-description">{kase.description}</p>}
            {messages.length === 0 ? <p class="muted">{t('console.case.noMessages')}</p> : (
              <ol class="conversation">
                {messages.map((m) => (
                  <li class={`message message--${m.direction.toLowerCase()}`}>
                    <p class="message__meta">
                      <strong>{m.direction === 'OUTBOUND' ? t('console.case.you') : customer.name}</strong>
                      {' · '}{t(`console.channels.${m.channel}`)}{' · '}
                      <time datetime={m.occurredAt.toISOString()}>{format.dateTime(m.occurredAt)}</time>
                    </p>
                    <p class="message__body">{m.body}</p>
                  </li>
                ))}
              </ol>
            )}
          </section>
          <section class="card" aria-labelledby="reply-h">
            <h2 id="reply-h">{t('console.case.reply')}</h2>
            <form method="post" action={`${base}/cases/${kase.id}/reply`} class="stacked-form" novalidate>
              <FormProblem message={props.reply.error && t('console.formErrors')} />
              <CsrfField token={user.csrfToken} />
              <TextAreaField
                name="body" label={t('console.case.replyLabel')} hint={replyHint(t, kase, props.data.replyChannel)} error={props.reply.error}
                value={props.reply.text} rows={5} maxlength={MAX_REPLY_CHARS}
              />
              <button type="submit">{t('console.case.send')}</button>
            </form>
          </section>
        </div>
        <aside class="c360__side" aria-label={t('console.case.details')}>
          <section class="card" aria-labelledby="details-h">
            <h2 id="details-h">{t('console.case.details')}</h2>
            <dl class="facts">
              <div><dt>{t('console.work.status')}</dt><dd>{t(`console.caseStatus.${kase.status}`)}</dd></div>
              <div><dt>{t('console.work.priority')}</dt><dd>{t(`console.priorities.${kase.priority}`)}</dd></div>
              <div><dt>{t('console.work.created')}</dt><dd><time datetime={kase.createdAt.toISOString()}>{format.dateTime(kase.createdAt)}</time></dd></div>
              <div><dt>{t('console.case.customer')}</dt><dd><a href={`${base}/customers/${customer.id}`}>{customer.name}</a></dd></div>
              {customer.phone && <div><dt>{t('console.customer.phone')}</dt><dd><TelLink phone={customer.phone} /></dd></div>}
            </dl>
          </section>
          <SlaCard targets={props.data.sla} />
          {(props.data.handOn || props.handOn) && <HandOnCard kase={kase} user={user} targets={props.data.handOn} problem={props.handOn} />}
          <ListCard id="suggestions-h" title={t('console.case.suggestions')} empty={t('console.case.noSuggestions')} items={props.data.suggestions}
            item={(a) => <><strong>{a.title}</strong><p class="muted">{a.snippet.length > 160 ? `${a.snippet.slice(0, 160)}…` : a.snippet}</p></>} />
          <WidgetSlot slot={props.data.widgets} base={base} csrfToken={user.csrfToken} />
        </aside>
      </div>
    </ConsolePage>
  );
}

async function loadCase(c: Context<WidgetPageEnv>, platform: Pick<Platform, 'plugins'>): Promise<CaseData> {
  const ctx = staffTenantContext(c);
  const kase = await getCase(ctx, c.req.param('id')!);
  const slot = loadWidgetSlot(platform, { tenant: ctx, viewer: { actor: ctx.actor, role: ctx.role } }, 'console.case.sidebar', { case: kase }, { flash: takeWidgetFlash(c) });
  const [widgets, [customer, conversation, suggestions, sla, replyChannel, user, handOn, offer]] = await besideWidgets(slot, () => Promise.all([
    getCustomer(ctx, kase.customerId),
    listInteractions(ctx, { first: CONVERSATION_SIZE, filter: { caseId: kase.id } }),
    suggestionsFor(ctx, kase.subject, c.var.view.locale),
    caseSlaTargetsOf(ctx, [kase.id]).then((byCase) => currentRounds(byCase.get(kase.id) ?? [])),
    replyChannelOf(ctx, kase.id),
    consoleUserOf(c),
    handOnTargetsOf(ctx, kase),
    offerOfCase(ctx, kase.id),
  ]));
  // The newest messages, read oldest first like a conversation.
  const messages = conversation.edges.map((e) => e.node).reverse();
  return { kase, customer, messages, suggestions, sla, widgets, replyChannel, handOn, offer, user };
}

/** GET /console/cases/:id — the conversation, a reply form, suggestions and the case's widgets. */
export async function showCase(c: Context<WidgetPageEnv>, platform: Pick<Platform, 'plugins'>) {
  const data = await loadCase(c, platform);
  return renderPage(c, c.var.view, <CasePage data={data} reply={{ text: '' }} />);
}

const replySchema = z.object({ body: z.string().max(MAX_REPLY_CHARS * 2).default('') });

/**
 * POST /console/cases/:id/reply — the agent's reply goes out on the case's channel (intake's
 * replyOnChannel: an outbound interaction and an `interaction.outbound` event for the delivery
 * plugin); a case that came in on no channel gets the reply recorded on it (addInteraction).
 */
export async function submitReply(c: Context<WidgetPageEnv>, platform: Pick<Platform, 'plugins'>) {
  const { t } = c.var.view;
  const ctx = staffTenantContext(c);
  const kase = await getCase(ctx, c.req.param('id')!);
  const parsed = replySchema.safeParse(await c.req.parseBody());
  const text = parsed.success ? parsed.data.body : '';
  const body = text.replace(/\r\n/g, '\n').trim();
  const refuse = async (error: string) => {
    const data = await loadCase(c, platform);
    return renderPage(c, c.var.view, <CasePage data={data} reply={{ text: text.slice(0, MAX_REPLY_CHARS * 2), error }} />, 422);
  };
  const error = !parsed.success || body.length > MAX_REPLY_CHARS
    ? t('console.case.replyTooLong', { max: c.var.view.format.number(MAX_REPLY_CHARS) })
    : body === '' ? t('console.case.replyRequired') : undefined;
  if (error !== undefined) return refuse(error);
  const channel = await replyChannelOf(ctx, kase.id);
  if (channel?.disabledAt) return refuse(t('routing.reply.disabled', { name: channel.name }));
  if (channel) {
    try {
      await replyOnChannel(ctx, { caseId: kase.id, channelId: channel.id, body });
    } catch (err) {
      // Disabled between the check and the write.
      if (err instanceof AppError && err.code === 'CONFLICT') return refuse(t('routing.reply.disabled', { name: channel.name }));
      throw err;
    }
  } else {
    await addInteraction(ctx, {
      customerId: kase.customerId, caseId: kase.id, channel: kase.channel ?? 'EMAIL', direction: 'OUTBOUND', body, agentId: ctx.agentId ?? null,
    });
  }
  return c.redirect(`${consoleBase(c.var.webTenant.slug)}/cases/${kase.id}#conversation-h`, 303);
}

/** The case page again with why a hand-on was refused (release or transfer). */
export async function showCaseWithProblem(c: Context<WidgetPageEnv>, platform: Pick<Platform, 'plugins'>, problem: HandOnProblem, status: 404 | 409 | 422) {
  const data = await loadCase(c, platform);
  return renderPage(c, c.var.view, <CasePage data={data} reply={{ text: '' }} handOn={problem} />, status);
}
