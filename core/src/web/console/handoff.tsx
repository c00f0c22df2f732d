import type { Context } from 'hono';
import { z } from 'zod';
import { getCase, type Case } from '../../domain/cases.js';
import { listAgents, listQueues, type Agent, type Queue } from '../../domain/agents.js';
import { presenceOf, releaseCase, transferCase } from '../../domain/routing/index.js';
import { AppError } from '../../lib/errors.js';
import type { TenantContext } from '../../tenancy/context.js';
import { CsrfField, FormProblem } from '../form-fields.js';
import { staffTenantContext } from '../session/index.js';
import { useView } from '../view.js';
import type { WidgetPageEnv } from '../widget-slot.js';
import { consoleBase, type ConsoleUser } from './frame.js';
import { OPEN_STATUSES } from './work-list.js';

/** Most queues and agents the transfer list offers (a tenant's whole team, at the console's scale). */
const TARGETS = 100;

/** Where the case can be handed on to: the tenant's queues and the other agents. */
export interface HandOnTargets { queues: Queue[]; agents: Agent[] }

/** Why a hand-on was refused, shown in the card (beside the list when `field` is set). */
export interface HandOnProblem { message: string; field?: 'to'; to?: string }

/** Draws the case page again with a hand-on problem (the case page's own renderer). */
export type CasePageRenderer = (c: Context<WidgetPageEnv>, problem: HandOnProblem, status: 404 | 409 | 422) => Promise<Response>;

/**
 * The queues and agents the signed-in user may hand the case on to, or null when they may not:
 * its assignee (or an admin) of an assigned, open case.
 */
export async function handOnTargetsOf(ctx: TenantContext, kase: Case): Promise<HandOnTargets | null> {
  const open = (OPEN_STATUSES as readonly string[]).includes(kase.status);
  const mayHandOn = !!kase.assigneeId && (kase.assigneeId === ctx.agentId || ctx.role === 'admin');
  if (!open || !mayHandOn) return null;
  const [queues, agents] = await Promise.all([listQueues(ctx, { first: TARGETS }), listAgents(ctx, { first: TARGETS })]);
  return { queues: queues.edges.map((e) => e.node), agents: agents.edges.map((e) => e.node).filter((a) => a.id !== kase.assigneeId) };
}

/**
 * Handing the case on: back to routing (release), or to a queue or another agent (transfer).
 * Without `targets` (the user may no longer hand it on) only the problem is shown.
 */
export function HandOnCard(props: { kase: Case; user: ConsoleUser; targets: HandOnTargets | null; problem?: HandOnProblem }) {
  const view = useView();
  const { t } = view;
  const base = `${consoleBase(view.tenant!.tenant.slug)}/cases/${props.kase.id}`;
  const { targets, problem } = props;
  const toError = problem?.field === 'to' ? problem.message : undefined;
  return (
    <section class="card handoff" aria-labelledby="handoff-h">
      <h2 id="handoff-h">{t('routing.handoff.title')}</h2>
      <FormProblem message={problem && !problem.field ? problem.message : undefined} />
      {targets && (
        <>
          <form method="post" action={`${base}/release`} class="stacked-form">
            <CsrfField token={props.user.csrfToken} />
            <p class="muted" id="release-hint">{t('routing.handoff.releaseHint')}</p>
            <button type="submit" class="button--secondary" aria-describedby="release-hint">{t('routing.handoff.release')}</button>
          </form>
          <form method="post" action={`${base}/transfer`} class="stacked-form" novalidate>
            <CsrfField token={props.user.csrfToken} />
            <div class={toError ? 'field field--invalid' : 'field'}>
              <label for="f-to">{t('routing.handoff.transferTo')}</label>
              <select id="f-to" name="to" required aria-invalid={toError ? 'true' : undefined}
                aria-describedby={toError ? 'f-to-hint f-to-error' : 'f-to-hint'}>
                <option value="">{t('routing.handoff.choose')}</option>
                {targets.queues.length > 0 && (
                  <optgroup label={t('routing.handoff.queues')}>
                    {targets.queues.map((q) => <option value={`queue:${q.id}`} selected={problem?.to === `queue:${q.id}`}>{q.name}</option>)}
                  </optgroup>
                )}
                {targets.agents.length > 0 && (
                  <optgroup label={t('routing.handoff.agents')}>
                    {targets.agents.map((a) => (
                      <option value={`agent:${a.id}`} selected={problem?.to === `agent:${a.id}`}>
                        {t('routing.handoff.agentOption', { name: a.name, presence: t(`routing.presence.states.${presenceOf(a)}`) })}
                      </option>
                    ))}
                  </optgroup>
                )}
              </select>
              <p class="field__hint" id="f-to-hint">{t('routing.handoff.transferHint')}</p>
              {toError && <p class="field__error" id="f-to-error">{toError}</p>}
            </div>
            <button type="submit" class="button--secondary">{t('routing.handoff.transfer')}</button>
          </form>
        </>
      )}
    </section>
  );
}

/** A refusal of the routing use-cases in words; anything else is not the form's business. */
function refusal(c: Context<WidgetPageEnv>, err: unknown, to?: string): { problem: HandOnProblem; status: 404 | 409 | 422 } {
  const { t } = c.var.view;
  if (!(err instanceof AppError)) throw err;
  switch (err.code) {
    case 'AGENT_AT_CAPACITY': return { problem: { message: t('routing.handoff.atCapacity'), field: 'to', to }, status: 409 };
    // A queue or agent id not in this tenant: the list's own message, as for a hand-made value.
    case 'NOT_FOUND': return { problem: { message: t('routing.handoff.toInvalid'), field: 'to', to }, status: 422 };
    // Closed, or no longer the caller's to hand on (or already with that agent).
    case 'CONFLICT': case 'FORBIDDEN': return { problem: { message: t('routing.handoff.failed') }, status: 409 };
    default: throw err;
  }
}

/** POST /console/cases/:id/release — the assignee gives the case back to routing; back to the work list. */
export async function submitRelease(c: Context<WidgetPageEnv>, render: CasePageRenderer) {
  const ctx = staffTenantContext(c);
  const kase = await getCase(ctx, c.req.param('id')!);
  try {
    await releaseCase(ctx, kase.id);
  } catch (err) {
    const { problem, status } = refusal(c, err);
    return render(c, problem, status);
  }
  return c.redirect(consoleBase(c.var.webTenant.slug), 303);
}

const transferForm = z.object({ to: z.string().regex(/^(queue|agent):[A-Za-z0-9_-]{1,100}$/) });

/** POST /console/cases/:id/transfer — to a queue (waits there for routing) or to an agent (assigned now); back to the work list. */
export async function submitTransfer(c: Context<WidgetPageEnv>, render: CasePageRenderer) {
  const ctx = staffTenantContext(c);
  const kase = await getCase(ctx, c.req.param('id')!);
  const body = await c.req.parseBody();
  const parsed = transferForm.safeParse(body);
  if (!parsed.success) return render(c, { message: c.var.view.t('routing.handoff.toInvalid'), field: 'to' }, 422);
  const [kind, id] = parsed.data.to.split(':') as ['queue' | 'agent', string];
  try {
    await transferCase(ctx, kase.id, kind === 'queue' ? { toQueueId: id } : { toAgentId: id });
  } catch (err) {
    const { problem, status } = refusal(c, err, parsed.data.to);
    return render(c, problem, status);
  }
  return c.redirect(consoleBase(c.var.webTenant.slug), 303);
}
