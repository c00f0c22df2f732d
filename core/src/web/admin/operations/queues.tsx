import { Hono } from 'hono';
import { createQueue, getQueue, listQueues, type Queue } from '../../../domain/agents.js';
import {
  configureQueueRouting, getQueueRouting, listQueueRoutings, loadChannelWeights, setChannelWeights, type ChannelWeights, type QueueRouting,
} from '../../../domain/routing/index.js';
import { CHANNELS, RETURN_ACTIONS } from '../../../db/tenant-schema.js';
import type { Platform } from '../../../platform.js';
import { CheckboxField, CsrfField, FormProblem, SelectField, TextAreaField, TextField, type FieldErrors } from '../../form-fields.js';
import { renderPage } from '../../render.js';
import { staffTenantContext } from '../../session/index.js';
import type { StaffWebEnv } from '../../staff-sign-in.js';
import { useView } from '../../view.js';
import { adminPath, readForm, text, type AdminContext, type FormBody } from '../admin-context.js';
import { AdminPage, RowAction, TableScroll } from '../admin-page.js';
import { conflictOf, DoneNotice, doneOf, everyNode, idParam, inputErrors, numberOf, orNull, padRows, renameRows, rowsOf, ticked } from './forms.js';

/** Blank skill rows the routing form offers after the queue's own (a queue requires at most 20). */
const BLANK_SKILL_ROWS = 3;
const MAX_SKILL_ROWS = 20;
const NOTES = ['created', 'saved', 'weightsSaved'] as const;
const QUEUE_RULES = { name: 'operations.queues.nameRule', description: 'operations.queues.descriptionRule' };
const ROUTING_RULES = {
  priority: 'operations.queues.priorityRule', skills: 'operations.queues.skillsRule', 'skills.*.skill': 'operations.skillRule',
  'skills.*.level': 'operations.levelRule', skillDropSeconds: 'operations.queues.skillDropRule', offerTimeoutSeconds: 'operations.queues.offerTimeoutRule',
  returnAfterMinutes: 'operations.queues.returnAfterRule', returnAction: 'operations.queues.returnActionRule', fallbackQueueId: 'operations.queues.fallbackRule',
};

interface NewQueueState { values: { name?: string; description?: string }; errors: FieldErrors; problem?: string | null }
/** The capacity units of each channel as typed (or as stored), and the issues of the weights form. */
interface WeightsState { values: Record<string, string>; errors: FieldErrors }

/** The routing form's fields as typed (numbers as text), one row per skill. */
interface RoutingValues {
  priority: string; skillDropSeconds: string; offerTimeoutSeconds: string; returnAfterMinutes: string; returnAction: string; fallbackQueueId: string;
  skills: { skill: string; level: string; additional: boolean }[];
}
interface RoutingState { values: RoutingValues; errors: FieldErrors; problem?: string | null }

const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

const weightValues = (weights: ChannelWeights): Record<string, string> => Object.fromEntries(CHANNELS.map((ch) => [ch, String(weights[ch])]));

/** What the form shows for a queue: its configuration, else the defaults routing would use. */
function routingValues(queue: Queue, routing: QueueRouting | null): RoutingValues {
  const skills = routing?.skills.map((s) => ({ skill: s.skill, level: String(s.level), additional: s.additional }))
    ?? (queue.requiredSkill ? [{ skill: queue.requiredSkill, level: '1', additional: false }] : []);
  return {
    priority: str(routing?.priority ?? 5), skillDropSeconds: str(routing?.skillDropSeconds), offerTimeoutSeconds: str(routing?.offerTimeoutSeconds ?? 30),
    returnAfterMinutes: str(routing?.returnAfterMinutes), returnAction: routing?.returnAction ?? 'REROUTE', fallbackQueueId: routing?.fallbackQueueId ?? '', skills,
  };
}

function QueuesPage(props: { csrf: string; queues: Queue[]; routings: Map<string, QueueRouting>; form: NewQueueState; weights: WeightsState; done?: string }) {
  const { t, tenant, format } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/queues`;
  const minutes = (n: number | null) => (n === null ? t('operations.queues.off') : t('operations.queues.minutes', { count: n, value: format.number(n) }));
  return (
    <AdminPage title={t('operations.queues.title')} section="queues" csrf={props.csrf}>
      <h1>{t('operations.queues.title')}</h1>
      <DoneNotice done={props.done} notes={NOTES} prefix="operations.queues.done" />
      <p class="lead">{t('operations.queues.lead')}</p>
      {props.queues.length === 0 ? <p>{t('operations.queues.none')}</p> : (
        <TableScroll label={t('operations.queues.title')}>
          <table class="table--stack">
            <caption class="visually-hidden">{t('operations.queues.title')}</caption>
            <thead><tr>
              <th scope="col">{t('operations.queues.name')}</th><th scope="col">{t('operations.queues.priority')}</th>
              <th scope="col">{t('operations.queues.skills')}</th><th scope="col">{t('operations.queues.offerTimeout')}</th>
              <th scope="col">{t('operations.queues.returnTimer')}</th><th scope="col">{t('operations.actions')}</th>
            </tr></thead>
            <tbody>
              {props.queues.map((q) => {
                const r = props.routings.get(q.id);
                return (
                  <tr>
                    <td class="cell--title">{q.name}</td>
                    <td data-label={t('operations.queues.priority')}>{r ? format.number(r.priority) : t('operations.queues.notRouted')}</td>
                    <td data-label={t('operations.queues.skills')}>{r?.skills.length
                      ? r.skills.map((s) => t(s.additional ? 'operations.queues.skillAdditional' : 'operations.queues.skillLevel', { skill: s.skill, level: s.level })).join(', ')
                      : q.requiredSkill ?? '—'}</td>
                    <td data-label={t('operations.queues.offerTimeout')}>{r ? t('operations.queues.seconds', { count: r.offerTimeoutSeconds, value: format.number(r.offerTimeoutSeconds) }) : '—'}</td>
                    <td data-label={t('operations.queues.returnTimer')}>{r ? `${minutes(r.returnAfterMinutes)}${r.returnAfterMinutes === null ? '' : ` · ${t(`operations.returnActions.${r.returnAction}`)}`}` : '—'}</td>
                    <td><a href={`${base}/${q.id}`}><RowAction text={t('operations.queues.edit')} of={q.name} /></a></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
      <section class="card" aria-labelledby="new-queue-heading">
        <h2 id="new-queue-heading">{t('operations.queues.create')}</h2>
        <form method="post" action={base} class="stacked-form" novalidate>
          <CsrfField token={props.csrf} />
          <FormProblem message={props.form.problem} />
          <TextField name="name" label={t('operations.queues.name')} value={props.form.values.name} error={props.form.errors.name} required maxlength={100} autocomplete="off" />
          <TextAreaField name="description" label={t('operations.queues.description')} value={props.form.values.description} error={props.form.errors.description} rows={2} maxlength={1000} />
          <button type="submit">{t('operations.queues.createSubmit')}</button>
        </form>
      </section>
      <section class="card" aria-labelledby="weights-heading">
        <h2 id="weights-heading">{t('operations.queues.weights')}</h2>
        <p>{t('operations.queues.weightsLead')}</p>
        <form method="post" action={`${base}/weights`} class="stacked-form" novalidate>
          <CsrfField token={props.csrf} />
          <div class="row-set row-set--plain">
            {CHANNELS.map((ch) => (
              <TextField name={`weights.${ch}`} type="number" min={1} max={100} label={t(`operations.channelKinds.${ch}`)}
                value={props.weights.values[ch]} error={props.weights.errors[`weights.${ch}`]} />
            ))}
          </div>
          <button type="submit">{t('operations.queues.saveWeights')}</button>
        </form>
      </section>
    </AdminPage>
  );
}

function QueuePage(props: { csrf: string; queue: Queue; queues: Queue[]; form: RoutingState; done?: string }) {
  const { t, tenant } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/queues`;
  const { values: v, errors: e } = props.form;
  const rows = padRows(v.skills, (s) => !s.skill && !s.level, () => ({ skill: '', level: '', additional: false }), BLANK_SKILL_ROWS, MAX_SKILL_ROWS);
  const heading = t('operations.queues.editTitle', { name: props.queue.name });
  return (
    <AdminPage title={heading} section="queues" csrf={props.csrf}>
      <p class="breadcrumb"><a href={base}>{t('operations.nav.queues')}</a></p>
      <h1>{heading}</h1>
      <DoneNotice done={props.done} notes={NOTES} prefix="operations.queues.done" />
      {props.queue.description && <p class="lead">{props.queue.description}</p>}
      <form method="post" action={`${base}/${props.queue.id}`} class="stacked-form card" novalidate>
        <CsrfField token={props.csrf} />
        <FormProblem message={props.form.problem} />
        <TextField name="priority" type="number" min={1} max={100} label={t('operations.queues.priority')} hint={t('operations.queues.priorityHint')} value={v.priority} error={e.priority} required />
        <fieldset class={e.skills ? 'field field--invalid' : 'field'} aria-describedby={e.skills ? 'f-skills-error' : 'f-skills-hint'}>
          <legend>{t('operations.queues.skills')}</legend>
          <p class="field__hint" id="f-skills-hint">{t('operations.queues.skillsHint')}</p>
          {e.skills && <p class="field__error" id="f-skills-error">{e.skills}</p>}
          <div class="skill-rows">
            {rows.map((s, i) => (
              <div class="skill-row">
                <TextField name={`skills.${i}.skill`} label={t('operations.skillN', { n: i + 1 })} value={s.skill} error={e[`skills.${i}.skill`]} maxlength={40} autocomplete="off" />
                <TextField name={`skills.${i}.level`} type="number" min={1} max={10} label={t('operations.levelN', { n: i + 1 })} value={s.level} error={e[`skills.${i}.level`]} />
                <CheckboxField name={`skills.${i}.additional`} label={t('operations.queues.additionalN', { n: i + 1 })} checked={s.additional} />
              </div>
            ))}
          </div>
        </fieldset>
        <TextField name="skillDropSeconds" type="number" min={0} label={t('operations.queues.skillDrop')} hint={t('operations.queues.skillDropHint')} value={v.skillDropSeconds} error={e.skillDropSeconds} />
        <TextField name="offerTimeoutSeconds" type="number" min={5} max={3600} label={t('operations.queues.offerTimeoutField')} hint={t('operations.queues.offerTimeoutHint')} value={v.offerTimeoutSeconds} error={e.offerTimeoutSeconds} />
        <TextField name="returnAfterMinutes" type="number" min={1} label={t('operations.queues.returnAfter')} hint={t('operations.queues.returnAfterHint')} value={v.returnAfterMinutes} error={e.returnAfterMinutes} />
        <SelectField name="returnAction" label={t('operations.queues.returnAction')} value={v.returnAction} error={e.returnAction}
          options={RETURN_ACTIONS.map((a) => ({ value: a, label: t(`operations.returnActions.${a}`) }))} />
        <SelectField name="fallbackQueueId" label={t('operations.queues.fallback')} hint={t('operations.queues.fallbackHint')} value={v.fallbackQueueId} error={e.fallbackQueueId}
          options={[{ value: '', label: t('operations.none') }, ...props.queues.filter((q) => q.id !== props.queue.id).map((q) => ({ value: q.id, label: q.name }))]} />
        <button type="submit">{t('operations.queues.save')}</button>
      </form>
    </AdminPage>
  );
}

/** The routing form as typed, and the input of configureQueueRouting made of it (blank skill rows left out). */
function readRouting(body: FormBody, queueId: string) {
  const rows = rowsOf(body, 'skills', ['skill', 'level', 'additional'] as const, MAX_SKILL_ROWS);
  const values: RoutingValues = {
    priority: text(body, 'priority'), skillDropSeconds: text(body, 'skillDropSeconds'), offerTimeoutSeconds: text(body, 'offerTimeoutSeconds'),
    returnAfterMinutes: text(body, 'returnAfterMinutes'), returnAction: text(body, 'returnAction'), fallbackQueueId: text(body, 'fallbackQueueId'),
    skills: rows.map((r) => ({ skill: r.skill, level: r.level, additional: r.additional === 'on' })),
  };
  const kept = rows.filter((r) => r.skill.trim() || r.level.trim());
  const input = {
    queueId, priority: numberOf(values.priority), skillDropSeconds: orNull(numberOf(values.skillDropSeconds)),
    offerTimeoutSeconds: numberOf(values.offerTimeoutSeconds), returnAfterMinutes: orNull(numberOf(values.returnAfterMinutes)),
    returnAction: values.returnAction || undefined, fallbackQueueId: values.fallbackQueueId || null,
    skills: kept.map((r) => ({ skill: r.skill, level: numberOf(r.level), additional: ticked(body, `skills.${r.row}.additional`) })),
  };
  return { values, input, rename: renameRows('skills', kept.map((r) => r.row)) };
}

/**
 * Queues and their routing configuration (Omni-Channel style): the list with each queue's
 * priority, skills and timers; create a queue; edit how a queue is routed.
 */
export function queueRoutes(_platform: Platform): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  const allQueues = (c: AdminContext) => everyNode((a) => listQueues(staffTenantContext(c), a));
  const list = async (c: AdminContext, form: NewQueueState, status: 200 | 422 = 200, weightsForm?: WeightsState) => {
    const ctx = staffTenantContext(c);
    const [queues, routings, weights] = await Promise.all([allQueues(c), listQueueRoutings(ctx), weightsForm ? null : loadChannelWeights(ctx.data.db)]);
    const page = (
      <QueuesPage csrf={c.var.csrfToken} queues={queues} routings={new Map(routings.map((r) => [r.queueId, r]))} form={form} done={doneOf(c)}
        weights={weightsForm ?? { values: weightValues(weights!), errors: {} }} />
    );
    return renderPage(c, c.get('view'), page, status);
  };
  const edit = async (c: AdminContext, queue: Queue, form: RoutingState | null, status: 200 | 422 = 200) => {
    const [queues, routing] = await Promise.all([allQueues(c), form ? null : getQueueRouting(staffTenantContext(c).data.db, queue.id)]);
    const state = form ?? { values: routingValues(queue, routing), errors: {} };
    return renderPage(c, c.get('view'), <QueuePage csrf={c.var.csrfToken} queue={queue} queues={queues} form={state} done={doneOf(c)} />, status);
  };

  routes.get('/', (c) => list(c, { values: {}, errors: {} }));
  routes.post('/', async (c) => {
    const body = await readForm(c);
    const values = { name: text(body, 'name'), description: text(body, 'description') };
    const { t } = c.get('view');
    try {
      const queue = await createQueue(staffTenantContext(c), { name: values.name, description: values.description.trim() || null });
      return c.redirect(`${adminPath(c, `/queues/${queue.id}`)}?done=created`, 303);
    } catch (err) {
      if (conflictOf(err)) return list(c, { values, errors: { name: t('operations.queues.nameTaken') } }, 422);
      const errors = inputErrors(err, t, QUEUE_RULES);
      if (!errors) throw err;
      return list(c, { values, errors, problem: errors._form }, 422);
    }
  });
  routes.post('/weights', async (c) => {
    const body = await readForm(c);
    const values = Object.fromEntries(CHANNELS.map((ch) => [ch, text(body, `weights.${ch}`)]));
    try {
      await setChannelWeights(staffTenantContext(c), { weights: CHANNELS.map((channel) => ({ channel, units: numberOf(values[channel]!) })) });
      return c.redirect(`${adminPath(c, '/queues')}?done=weightsSaved`, 303);
    } catch (err) {
      // The input lists the channels in CHANNELS order: issue n is about the n-th channel.
      const errors = inputErrors(err, c.get('view').t, { 'weights.*.units': 'operations.queues.unitsRule' }, (path) => {
        const n = /^weights\.(\d+)/.exec(path)?.[1];
        return n === undefined ? path : `weights.${CHANNELS[Number(n)]}`;
      });
      if (!errors) throw err;
      return list(c, { values: {}, errors: {} }, 422, { values, errors });
    }
  });
  routes.get('/:queueId', async (c) => edit(c, await getQueue(staffTenantContext(c), idParam(c, 'queueId')), null));
  routes.post('/:queueId', async (c) => {
    const ctx = staffTenantContext(c);
    const queue = await getQueue(ctx, idParam(c, 'queueId'));
    const { values, input, rename } = readRouting(await readForm(c), queue.id);
    try {
      await configureQueueRouting(ctx, input);
      return c.redirect(`${adminPath(c, '/queues')}?done=saved`, 303);
    } catch (err) {
      const errors = inputErrors(err, c.get('view').t, ROUTING_RULES, rename);
      if (!errors) throw err;
      return edit(c, queue, { values, errors, problem: errors._form }, 422);
    }
  });
  return routes;
}
