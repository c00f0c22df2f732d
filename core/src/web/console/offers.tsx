import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import type { Case } from '../../domain/cases.js';
import type { Customer } from '../../domain/customers.js';
import type { Queue } from '../../domain/agents.js';
import { acceptOffer, declineOffer, DECLINE_REASONS, getWorkItem, offerDecision, offersOf, type RoutingDecision, type WorkItem } from '../../domain/routing/index.js';
import { createLoaders } from '../../graphql/loaders.js';
import { AppError } from '../../lib/errors.js';
import type { TenantContext } from '../../tenancy/context.js';
import { CsrfField, FormProblem } from '../form-fields.js';
import { staffTenantContext } from '../session/index.js';
import { useView, ViewProvider } from '../view.js';
import type { WidgetPageEnv } from '../widget-slot.js';
import { consoleBase, type ConsoleUser } from './frame.js';

/** Characters of the note a decline may carry (routing's own limit). */
export const MAX_DECLINE_NOTE = 500;

/** A case routing offered to the signed-in agent, with what the offer card shows. */
export interface PendingOffer {
  item: WorkItem;
  kase: Case;
  customer: Customer | null;
  queue: Queue | null;
  /** The routing decision that made the offer: the rule and skills that picked this agent. */
  decision: RoutingDecision | null;
}

/** Why an offer form was refused, shown on the work list (a field message when `field` is set). */
export interface OfferProblem {
  message: string;
  caseId?: string;
  field?: 'reason' | 'note';
  reason?: string;
  note?: string;
}

const present = <T,>(x: T | Error | undefined): x is T => x !== undefined && !(x instanceof Error);

/** How often an open work list asks whether the agent's offers changed (an unchanged set answers nothing to swap). */
export const OFFERS_POLL_SECONDS = 10;

/** A short fingerprint of a set of offers (which cases, offered when, until when), to tell a page's set from the current one. */
export function offersToken(items: readonly WorkItem[]): string {
  const text = items.map((i) => `${i.caseId}@${i.offeredAt?.getTime() ?? ''}-${i.offerExpiresAt?.getTime() ?? ''}`).join(',');
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/**
 * The offers open to the caller's agent, oldest first, with their case, customer, queue and
 * decision: the offers, then one batched read per kind and the decisions side by side.
 */
export async function pendingOffersOf(ctx: TenantContext, known?: WorkItem[]): Promise<PendingOffer[]> {
  if (!ctx.agentId) return [];
  const items = known ?? await offersOf(ctx, ctx.agentId);
  if (items.length === 0) return [];
  const loaders = createLoaders(ctx);
  const kases = (await loaders.case.loadMany(items.map((i) => i.caseId))).filter(present);
  const byCase = new Map(kases.map((k) => [k.id, k]));
  const [customers, queues, decisions] = await Promise.all([
    loaders.customer.loadMany([...new Set(kases.map((k) => k.customerId))]),
    loaders.queue.loadMany([...new Set(items.map((i) => i.queueId).filter((q): q is string => !!q))]),
    Promise.all(items.map((i) => offerDecision(ctx, i.caseId, ctx.agentId!))),
  ]);
  const customerById = new Map(customers.filter(present).map((x) => [x.id, x]));
  const queueById = new Map(queues.filter(present).map((x) => [x.id, x]));
  return items.flatMap((item, i) => {
    const kase = byCase.get(item.caseId);
    if (!kase) return [];
    return [{
      item, kase, customer: customerById.get(kase.customerId) ?? null,
      queue: item.queueId ? queueById.get(item.queueId) ?? null : null, decision: decisions[i] ?? null,
    }];
  });
}

/** The caller's open offer of the case with the decision behind it, or null when routing offers it them not. */
export async function offerOfCase(ctx: TenantContext, caseId: string): Promise<{ item: WorkItem; decision: RoutingDecision | null } | null> {
  if (!ctx.agentId) return null;
  const item = await getWorkItem(ctx.data.db, caseId);
  if (!item || item.state !== 'OFFERED' || item.agentId !== ctx.agentId) return null;
  return { item, decision: await offerDecision(ctx, caseId, ctx.agentId) };
}

/** On the offered case's own page: when the offer ends, why it was made, and its Accept and Decline forms. */
export function CaseOfferCard(props: { kase: Case; item: WorkItem; decision: RoutingDecision | null; user: ConsoleUser }) {
  const { t, format } = useView();
  const expires = props.item.offerExpiresAt;
  return (
    <section class="card offers" aria-labelledby="case-offer-h">
      <h2 id="case-offer-h">{t('routing.offers.title')}</h2>
      <dl class="facts">
        {expires && <div><dt>{t('routing.offers.expires')}</dt><dd><time datetime={expires.toISOString()}>{format.dateTime(expires)}</time></dd></div>}
        <div><dt>{t('routing.offers.why')}</dt><dd><WhyOffered decision={props.decision} /></dd></div>
      </dl>
      <OfferActions kase={props.kase} user={props.user} />
    </section>
  );
}

/** Why routing picked this agent, in words: the deciding rule, the skills asked and relaxed, how many qualified. */
function WhyOffered(props: { decision: RoutingDecision | null }) {
  const { t } = useView();
  const d = props.decision;
  if (!d) return <p>{t('routing.offers.unknownReason')}</p>;
  const skills = d.requiredSkills.map((s) => t('routing.offers.skillLevel', { skill: s.skill, level: s.level })).join(', ');
  return (
    <ul class="offer__why">
      <li>{t(`routing.offers.rules.${d.rule}`)}</li>
      <li>{skills ? t('routing.offers.skills', { list: skills }) : t('routing.offers.noSkills')}</li>
      {d.droppedSkills.length > 0 && <li>{t('routing.offers.dropped', { list: d.droppedSkills.join(', ') })}</li>}
      <li>{t('routing.offers.candidates', { count: d.candidateCount })}</li>
    </ul>
  );
}

function OfferCard(props: { offer: PendingOffer; user: ConsoleUser; now: Date; problem?: OfferProblem }) {
  const view = useView();
  const { t, format } = view;
  const base = consoleBase(view.tenant!.tenant.slug);
  const { item, kase, customer, queue, decision } = props.offer;
  const problem = props.problem?.caseId === kase.id ? props.problem : undefined;
  const expires = item.offerExpiresAt;
  const lapsed = !!expires && expires.getTime() <= props.now.getTime();
  return (
    <li class="offer" aria-labelledby={`offer-${kase.id}-h`}>
      <h3 id={`offer-${kase.id}-h`}><a href={`${base}/cases/${kase.id}`}>#{kase.number} {kase.subject}</a></h3>
      <dl class="facts">
        <div><dt>{t('routing.offers.customer')}</dt><dd>{customer ? <a href={`${base}/customers/${customer.id}`}>{customer.name}</a> : '—'}</dd></div>
        <div><dt>{t('routing.offers.channel')}</dt><dd>{t(`console.channels.${kase.channel ?? 'EMAIL'}`)}</dd></div>
        <div><dt>{t('routing.offers.queue')}</dt><dd>{queue ? queue.name : t('routing.offers.noQueue')}</dd></div>
        {expires && (
          <div>
            <dt>{lapsed ? t('routing.offers.expired') : t('routing.offers.expires')}</dt>
            <dd><time datetime={expires.toISOString()}>{format.dateTime(expires)}</time></dd>
          </div>
        )}
        <div><dt>{t('routing.offers.why')}</dt><dd><WhyOffered decision={decision} /></dd></div>
      </dl>
      {problem && !problem.field && <FormProblem message={problem.message} />}
      <OfferActions kase={kase} user={props.user} problem={problem} />
    </li>
  );
}

/**
 * Accept, and Decline with a reason and a note, for the offer of `kase` (on the work list and on
 * the offered case's own page); `problem` is a refused decline of this offer, shown at its field.
 */
export function OfferActions(props: { kase: Case; user: ConsoleUser; problem?: OfferProblem }) {
  const view = useView();
  const { t } = view;
  const base = consoleBase(view.tenant!.tenant.slug);
  const { kase, problem } = props;
  const id = `offer-${kase.id}`;
  const fieldError = (field: 'reason' | 'note') => (problem?.field === field ? problem.message : undefined);
  return (
    <div class="offer__actions">
      <form method="post" action={`${base}/offers/${kase.id}/accept`}>
        <CsrfField token={props.user.csrfToken} />
        <button type="submit" aria-label={t('routing.offers.acceptCase', { number: kase.number })}>{t('routing.offers.accept')}</button>
      </form>
      <form method="post" action={`${base}/offers/${kase.id}/decline`} class="offer__decline" novalidate>
        <CsrfField token={props.user.csrfToken} />
        <OfferField id={`${id}-reason`} label={t('routing.offers.reason')} error={fieldError('reason')}>
          <select id={`${id}-reason`} name="reason" required aria-invalid={fieldError('reason') ? 'true' : undefined}
            aria-describedby={fieldError('reason') ? `${id}-reason-error` : undefined}>
            <option value="">{t('routing.offers.choose')}</option>
            {DECLINE_REASONS.map((r) => <option value={r} selected={problem?.reason === r}>{t(`routing.offers.reasons.${r}`)}</option>)}
          </select>
        </OfferField>
        <OfferField id={`${id}-note`} label={t('routing.offers.note')} error={fieldError('note')}>
          <input id={`${id}-note`} name="note" type="text" maxlength={MAX_DECLINE_NOTE} value={problem?.note ?? ''}
            aria-invalid={fieldError('note') ? 'true' : undefined} aria-describedby={fieldError('note') ? `${id}-note-error` : undefined} />
        </OfferField>
        <button type="submit" class="button--secondary" aria-label={t('routing.offers.declineCase', { number: kase.number })}>{t('routing.offers.decline')}</button>
      </form>
    </div>
  );
}

/** A labelled control of an offer's form (ids carry the case, as several offers share a page). */
function OfferField(props: { id: string; label: string; error?: string; children: Child }) {
  return (
    <div class={props.error ? 'field field--invalid' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.error && <p class="field__error" id={`${props.id}-error`}>{props.error}</p>}
    </div>
  );
}

/**
 * The agent's pending offers on the work list: each case with its customer, channel, queue,
 * when the offer ends and why routing picked them, with Accept and Decline (a reason) forms.
 */
export function OffersCard(props: { offers: PendingOffer[]; user: ConsoleUser; now: Date; problem?: OfferProblem }) {
  const view = useView();
  const { t } = view;
  const general = props.problem && !props.offers.some((o) => o.kase.id === props.problem!.caseId) ? props.problem.message : undefined;
  // With JavaScript, the card asks now and then whether the offers changed and is replaced only when they did
  // (by the answer's card alone: a signed-out poll, led to the sign-in page, brings none and the card goes).
  const poll = `${consoleBase(view.tenant!.tenant.slug)}/offers?seen=${offersToken(props.offers.map((o) => o.item))}`;
  return (
    <section class="card offers" id="offers" aria-labelledby="offers-h" hx-get={poll} hx-trigger={`every ${OFFERS_POLL_SECONDS}s`} hx-swap="outerHTML" hx-select="#offers">
      <h2 id="offers-h">{t('routing.offers.title')}</h2>
      <FormProblem message={general} />
      {props.offers.length === 0 ? <p class="muted">{t('routing.offers.empty')}</p> : (
        <>
          <p class="muted">{t('routing.offers.lead')}</p>
          <ul class="offer-list">
            {props.offers.map((offer) => <OfferCard offer={offer} user={props.user} now={props.now} problem={props.problem} />)}
          </ul>
        </>
      )}
    </section>
  );
}

const caseIdParam = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/);
const declineForm = z.object({
  reason: z.enum(DECLINE_REASONS),
  note: z.string().max(MAX_DECLINE_NOTE).optional(),
});

/** Renders the work list again with a problem (the caller's page renderer) at `status`. */
export type WorkListRenderer = (c: Context<WidgetPageEnv>, problem: OfferProblem, status: 404 | 409 | 422) => Promise<Response>;

/** An offer the caller cannot act on: someone else's, withdrawn, lapsed or assigned meanwhile, said plainly. */
function refusal(c: Context<WidgetPageEnv>, err: unknown, caseId: string): { problem: OfferProblem; status: 404 | 409 } {
  const { t } = c.var.view;
  if (!(err instanceof AppError)) throw err;
  if (err.code === 'NOT_FOUND') return { problem: { message: t('routing.offers.gone'), caseId }, status: 404 };
  if (err.code === 'OFFER_EXPIRED') return { problem: { message: t('routing.offers.expiredNow'), caseId }, status: 409 };
  if (err.code === 'CONFLICT') return { problem: { message: t('routing.offers.conflict'), caseId }, status: 409 };
  throw err;
}

/**
 * GET /console/offers?seen=<token> — the offers card alone, for the work list's htmx poll:
 * nothing to swap while the agent's offers are the set the page shows, the card drawn again
 * once they changed. A browser without htmx is sent to the work list.
 */
export async function showOffers(c: Context<WidgetPageEnv>) {
  const base = consoleBase(c.var.webTenant.slug);
  if (c.req.header('hx-request') !== 'true') return c.redirect(base, 303);
  const ctx = staffTenantContext(c);
  if (!ctx.agentId) throw new AppError('NOT_FOUND', 'this user has no agent profile');
  const items = await offersOf(ctx, ctx.agentId);
  // Unchanged: an empty answer htmx is told not to swap, so a half-filled decline form stays as it is.
  if (c.req.query('seen') === offersToken(items)) return c.body(null, 200, { 'cache-control': 'no-store', 'hx-reswap': 'none' });
  const offers = await pendingOffersOf(ctx, items);
  const user: ConsoleUser = { name: c.var.webUser!.name, csrfToken: c.var.csrfToken };
  const html = await (<ViewProvider value={c.var.view}><OffersCard offers={offers} user={user} now={new Date()} /></ViewProvider>).toString();
  return c.html(html, 200, { 'cache-control': 'no-store' });
}

/** POST /console/offers/:caseId/accept — the agent takes the offered case and goes to it. */
export async function submitAccept(c: Context<WidgetPageEnv>, render: WorkListRenderer) {
  const ctx = staffTenantContext(c);
  const caseId = caseIdParam.safeParse(c.req.param('caseId'));
  if (!caseId.success) throw new AppError('NOT_FOUND', 'no such offer');
  try {
    await acceptOffer(ctx, caseId.data);
  } catch (err) {
    const { problem, status } = refusal(c, err, caseId.data);
    return render(c, problem, status);
  }
  return c.redirect(`${consoleBase(c.var.webTenant.slug)}/cases/${caseId.data}`, 303);
}

/** POST /console/offers/:caseId/decline — the agent says no, with a reason (and a note); back to the work list. */
export async function submitDecline(c: Context<WidgetPageEnv>, render: WorkListRenderer) {
  const { t, format } = c.var.view;
  const ctx = staffTenantContext(c);
  const caseId = caseIdParam.safeParse(c.req.param('caseId'));
  if (!caseId.success) throw new AppError('NOT_FOUND', 'no such offer');
  const body = await c.req.parseBody();
  const typed = { reason: typeof body.reason === 'string' ? body.reason.slice(0, 100) : '', note: typeof body.note === 'string' ? body.note.slice(0, MAX_DECLINE_NOTE * 2) : '' };
  const parsed = declineForm.safeParse(body);
  if (!parsed.success) {
    const field = parsed.error.issues.some((i) => i.path[0] === 'reason') ? 'reason' : 'note';
    const message = field === 'reason' ? t('routing.offers.reasonInvalid') : t('routing.offers.noteTooLong', { max: format.number(MAX_DECLINE_NOTE) });
    return render(c, { message, caseId: caseId.data, field, ...typed }, 422);
  }
  try {
    await declineOffer(ctx, caseId.data, { reason: parsed.data.reason, note: parsed.data.note?.trim() || null });
  } catch (err) {
    const { problem, status } = refusal(c, err, caseId.data);
    return render(c, problem, status);
  }
  return c.redirect(consoleBase(c.var.webTenant.slug), 303);
}
