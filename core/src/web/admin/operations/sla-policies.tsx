import { Hono } from 'hono';
import { listAgents, listQueues, type Agent, type Queue } from '../../../domain/agents.js';
import {
  createSlaPolicy, deleteSlaPolicy, getSlaPolicy, listSlaCalendars, listSlaPolicies, updateSlaPolicy, type SlaCalendar, type SlaPolicy,
} from '../../../domain/sla/index.js';
import { CASE_PRIORITIES, CHANNELS, SLA_ESCALATION_ACTIONS, SLA_EVENTS, SLA_TARGET_KINDS } from '../../../db/tenant-schema.js';
import type { Platform } from '../../../platform.js';
import { CheckboxField, CheckboxGroup, CsrfField, FormProblem, SelectField, TextField, type FieldErrors } from '../../form-fields.js';
import { renderPage } from '../../render.js';
import { staffTenantContext } from '../../session/index.js';
import type { StaffWebEnv } from '../../staff-sign-in.js';
import { useView } from '../../view.js';
import { adminPath, readForm, text, texts, type AdminContext, type FormBody } from '../admin-context.js';
import { AdminPage, RowAction, TableScroll } from '../admin-page.js';
import { conflictOf, DoneNotice, doneOf, everyNode, idParam, inputErrors, numberOf, orNull, padRows, renameRows, rowsOf, ticked } from './forms.js';

const MAX_TARGET_ROWS = SLA_TARGET_KINDS.length * (CASE_PRIORITIES.length + 1);
const MAX_ESCALATION_ROWS = 20;
const NOTES = ['created', 'saved', 'deleted'] as const;
const RULES = {
  name: 'operations.policies.nameRule', position: 'operations.policies.positionRule', targets: 'operations.policies.targetsRule',
  'targets.*': 'operations.policies.targetTwiceRule', 'targets.*.kind': 'operations.policies.kindRule', 'targets.*.minutes': 'operations.policies.minutesRule',
  'targets.*.businessHours': 'operations.policies.needsCalendarRule', calendarId: 'operations.policies.needsCalendarRule',
  warnPercent: 'operations.policies.warnPercentRule', warnMinutes: 'operations.policies.warnMinutesRule', 'conditions.tiers': 'operations.policies.tiersRule', 'conditions.tiers.*': 'operations.policies.tiersRule',
  'escalations.*.queueId': 'operations.policies.reassignRule', 'escalations.*.agentId': 'operations.policies.notifyRule',
  'escalations.*.action': 'operations.policies.raiseRule', 'escalations.*.on': 'operations.policies.onRule',
};

interface TargetRow { kind: string; priority: string; minutes: string; businessHours: boolean }
interface EscalationRow { on: string; targetKind: string; action: string; queueId: string; agentId: string }
interface PolicyValues {
  name: string; position: string; enabled: boolean; calendarId: string; priorities: string[]; channels: string[]; queueIds: string[]; tiers: string;
  targets: TargetRow[]; warnPercent: string; warnMinutes: string; escalations: EscalationRow[];
}
interface PolicyState { values: PolicyValues; errors: FieldErrors; problem?: string | null }
/** What the forms offer to pick from. */
interface Choices { calendars: SlaCalendar[]; queues: Queue[]; agents: Agent[] }

const blankTarget = (): TargetRow => ({ kind: '', priority: '', minutes: '', businessHours: true });
const blankEscalation = (): EscalationRow => ({ on: '', targetKind: '', action: 'NOTIFY', queueId: '', agentId: '' });

/** A new policy's form: a row per kind of target, counted in business hours when there is a calendar to count them by. */
function blankPolicy(choices: Choices): PolicyValues {
  const calendarId = choices.calendars[0]?.id ?? '';
  return {
    name: '', position: '', enabled: true, calendarId, priorities: [], channels: [], queueIds: [], tiers: '', warnPercent: '15', warnMinutes: '',
    targets: SLA_TARGET_KINDS.map((kind) => ({ kind, priority: '', minutes: '', businessHours: calendarId !== '' })), escalations: [],
  };
}

function valuesOf(p: SlaPolicy): PolicyValues {
  return {
    name: p.name, position: String(p.position), enabled: p.enabled, calendarId: p.calendarId ?? '', priorities: p.conditions.priorities,
    channels: p.conditions.channels, queueIds: p.conditions.queueIds, tiers: p.conditions.tiers.join(', '),
    targets: p.targets.map((t) => ({ kind: t.kind, priority: t.priority ?? '', minutes: String(t.minutes), businessHours: t.businessHours })),
    warnPercent: String(p.warnPercent), warnMinutes: p.warnMinutes === null ? '' : String(p.warnMinutes),
    escalations: p.escalations.map((e) => ({ on: e.on, targetKind: e.targetKind ?? '', action: e.action, queueId: e.queueId ?? '', agentId: e.agentId ?? '' })),
  };
}

function PoliciesPage(props: { csrf: string; policies: SlaPolicy[]; choices: Choices; done?: string }) {
  const { t, tenant, format } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/sla-policies`;
  const calendarName = new Map(props.choices.calendars.map((c) => [c.id, c.name]));
  const queueName = new Map(props.choices.queues.map((q) => [q.id, q.name]));
  const appliesTo = (p: SlaPolicy) => {
    const c = p.conditions;
    const parts = [
      c.priorities.length && t('operations.policies.whenPriorities', { list: c.priorities.map((x) => t(`operations.priorities.${x}`)).join(', ') }),
      c.channels.length && t('operations.policies.whenChannels', { list: c.channels.map((x) => t(`operations.channelKinds.${x}`)).join(', ') }),
      c.queueIds.length && t('operations.policies.whenQueues', { list: c.queueIds.map((x) => queueName.get(x) ?? '—').join(', ') }),
      c.tiers.length && t('operations.policies.whenTiers', { list: c.tiers.join(', ') }),
    ].filter(Boolean);
    return parts.length ? parts.join('; ') : t('operations.policies.allCases');
  };
  return (
    <AdminPage title={t('operations.policies.title')} section="slaPolicies" csrf={props.csrf}>
      <h1>{t('operations.policies.title')}</h1>
      <DoneNotice done={props.done} notes={NOTES} prefix="operations.policies.done" />
      <p class="lead">{t('operations.policies.lead')}</p>
      <p><a class="button" href={`${base}/new`}>{t('operations.policies.create')}</a></p>
      {props.policies.length === 0 ? <p>{t('operations.policies.none')}</p> : (
        <TableScroll label={t('operations.policies.title')}>
          <table class="table--stack">
            <caption class="visually-hidden">{t('operations.policies.title')}</caption>
            <thead><tr>
              <th scope="col">{t('operations.policies.position')}</th><th scope="col">{t('operations.policies.name')}</th>
              <th scope="col">{t('operations.policies.appliesTo')}</th><th scope="col">{t('operations.policies.targets')}</th>
              <th scope="col">{t('operations.policies.calendar')}</th><th scope="col">{t('operations.actions')}</th>
            </tr></thead>
            <tbody>
              {props.policies.map((p) => (
                <tr>
                  <td data-label={t('operations.policies.position')}>{format.number(p.position)}</td>
                  <td class="cell--title">{p.name}{!p.enabled && <span class="tag">{t('operations.policies.off')}</span>}</td>
                  <td data-label={t('operations.policies.appliesTo')}>{appliesTo(p)}</td>
                  <td data-label={t('operations.policies.targets')}>
                    <ul class="plain-list">
                      {p.targets.map((x) => (
                        <li>{t('operations.policies.targetLine', {
                          kind: t(`operations.targetKinds.${x.kind}`), priority: x.priority ? t(`operations.priorities.${x.priority}`) : t('operations.policies.anyPriority'),
                          minutes: format.number(x.minutes), hours: t(x.businessHours ? 'operations.policies.businessHoursShort' : 'operations.policies.calendarTimeShort'),
                        })}</li>
                      ))}
                    </ul>
                  </td>
                  <td data-label={t('operations.policies.calendar')}>{p.calendarId ? calendarName.get(p.calendarId) ?? '—' : t('operations.none')}</td>
                  <td><a href={`${base}/${p.id}`}><RowAction text={t('operations.policies.edit')} of={p.name} /></a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </AdminPage>
  );
}

function PolicyPage(props: { csrf: string; policy: SlaPolicy | null; choices: Choices; form: PolicyState }) {
  const { t, tenant } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/sla-policies`;
  const { values: v, errors: e } = props.form;
  const { calendars, queues, agents } = props.choices;
  const heading = props.policy ? t('operations.policies.editTitle', { name: props.policy.name }) : t('operations.policies.create');
  const targets = padRows(v.targets, (r) => !r.minutes, blankTarget, 1, MAX_TARGET_ROWS);
  const escalations = padRows(v.escalations, (r) => !r.on, blankEscalation, 1, MAX_ESCALATION_ROWS);
  const none = { value: '', label: t('operations.none') };
  const kinds = SLA_TARGET_KINDS.map((k) => ({ value: k, label: t(`operations.targetKinds.${k}`) }));
  return (
    <AdminPage title={heading} section="slaPolicies" csrf={props.csrf}>
      <p class="breadcrumb"><a href={base}>{t('operations.nav.slaPolicies')}</a></p>
      <h1>{heading}</h1>
      <form method="post" action={props.policy ? `${base}/${props.policy.id}` : `${base}/new`} class="stacked-form card" novalidate>
        <CsrfField token={props.csrf} />
        <FormProblem message={props.form.problem} />
        <TextField name="name" label={t('operations.policies.name')} value={v.name} error={e.name} required maxlength={100} autocomplete="off" />
        <TextField name="position" type="number" min={1} max={100} label={t('operations.policies.position')} hint={t('operations.policies.positionHint')} value={v.position} error={e.position} />
        <CheckboxField name="enabled" label={t('operations.policies.enabled')} checked={v.enabled} />
        <SelectField name="calendarId" label={t('operations.policies.calendar')} hint={t('operations.policies.calendarHint')} value={v.calendarId} error={e.calendarId}
          options={[none, ...calendars.map((c) => ({ value: c.id, label: `${c.name} (${c.timeZone})` }))]} />
        <h2>{t('operations.policies.conditions')}</h2>
        <p class="field__hint">{t('operations.policies.conditionsHint')}</p>
        <CheckboxGroup name="priorities" label={t('operations.policies.priorities')} error={e.priorities} checked={v.priorities}
          options={CASE_PRIORITIES.map((p) => ({ value: p, label: t(`operations.priorities.${p}`) }))} />
        <CheckboxGroup name="channels" label={t('operations.policies.channels')} error={e.channels} checked={v.channels}
          options={CHANNELS.map((k) => ({ value: k, label: t(`operations.channelKinds.${k}`) }))} />
        {queues.length > 0 && (
          <CheckboxGroup name="queueIds" label={t('operations.policies.queues')} error={e.queueIds} checked={v.queueIds}
            options={queues.map((q) => ({ value: q.id, label: q.name }))} />
        )}
        <TextField name="tiers" label={t('operations.policies.tiers')} hint={t('operations.policies.tiersHint')} value={v.tiers} error={e.tiers} maxlength={1100} autocomplete="off" />
        <h2>{t('operations.policies.targets')}</h2>
        <p class="field__hint">{t('operations.policies.targetsHint')}</p>
        {e.targets && <p class="field__error" role="alert">{e.targets}</p>}
        {targets.map((r, i) => (
          <fieldset class="row-set" aria-describedby={e[`targets.${i}`] ? `f-targets-${i}-error` : undefined}>
            <legend>{t('operations.policies.targetN', { n: i + 1 })}</legend>
            {e[`targets.${i}`] && <p class="field__error" id={`f-targets-${i}-error`}>{e[`targets.${i}`]}</p>}
            <SelectField name={`targets.${i}.kind`} label={t('operations.policies.kind')} value={r.kind} error={e[`targets.${i}.kind`]} options={[none, ...kinds]} />
            <SelectField name={`targets.${i}.priority`} label={t('operations.policies.forPriority')} value={r.priority} error={e[`targets.${i}.priority`]}
              options={[{ value: '', label: t('operations.policies.anyPriority') }, ...CASE_PRIORITIES.map((p) => ({ value: p, label: t(`operations.priorities.${p}`) }))]} />
            <TextField name={`targets.${i}.minutes`} type="number" min={1} label={t('operations.policies.minutes')} value={r.minutes} error={e[`targets.${i}.minutes`]} />
            <CheckboxField name={`targets.${i}.businessHours`} label={t('operations.policies.businessHours')} checked={r.businessHours} error={e[`targets.${i}.businessHours`]} />
          </fieldset>
        ))}
        <TextField name="warnPercent" type="number" min={1} max={99} label={t('operations.policies.warnPercent')} hint={t('operations.policies.warnPercentHint')} value={v.warnPercent} error={e.warnPercent} />
        <TextField name="warnMinutes" type="number" min={1} label={t('operations.policies.warnMinutes')} hint={t('operations.policies.warnMinutesHint')} value={v.warnMinutes} error={e.warnMinutes} />
        <h2>{t('operations.policies.escalations')}</h2>
        <p class="field__hint">{t('operations.policies.escalationsHint')}</p>
        {escalations.map((r, i) => (
          <fieldset class="row-set">
            <legend>{t('operations.policies.escalationN', { n: i + 1 })}</legend>
            <SelectField name={`escalations.${i}.on`} label={t('operations.policies.on')} value={r.on} error={e[`escalations.${i}.on`]}
              options={[none, ...SLA_EVENTS.map((x) => ({ value: x, label: t(`operations.slaEvents.${x}`) }))]} />
            <SelectField name={`escalations.${i}.targetKind`} label={t('operations.policies.ofTarget')} value={r.targetKind} error={e[`escalations.${i}.targetKind`]}
              options={[{ value: '', label: t('operations.policies.anyTarget') }, ...kinds]} />
            <SelectField name={`escalations.${i}.action`} label={t('operations.policies.action')} value={r.action} error={e[`escalations.${i}.action`]}
              options={SLA_ESCALATION_ACTIONS.map((x) => ({ value: x, label: t(`operations.escalationActions.${x}`) }))} />
            <SelectField name={`escalations.${i}.queueId`} label={t('operations.policies.toQueue')} value={r.queueId} error={e[`escalations.${i}.queueId`]}
              options={[none, ...queues.map((q) => ({ value: q.id, label: q.name }))]} />
            <SelectField name={`escalations.${i}.agentId`} label={t('operations.policies.toAgent')} value={r.agentId} error={e[`escalations.${i}.agentId`]}
              options={[none, ...agents.map((a) => ({ value: a.id, label: a.name }))]} />
          </fieldset>
        ))}
        <button type="submit">{t(props.policy ? 'operations.policies.save' : 'operations.policies.createSubmit')}</button>
      </form>
      {props.policy && (
        <form method="post" action={`${base}/${props.policy.id}/delete`} class="actions">
          <CsrfField token={props.csrf} />
          <button type="submit" class="button--danger">{t('operations.policies.delete')}</button>
        </form>
      )}
    </AdminPage>
  );
}

/** Which form field an issue of `conditions.<list>` belongs to. */
const renameConditions = (path: string) => path.replace(/^conditions\.(priorities|channels|queueIds|tiers)(\..*)?$/, '$1');

/** The form as typed, and the use-case input made of it (target rows without minutes and escalations without an event left out). */
function readPolicy(body: FormBody) {
  const targetRows = rowsOf(body, 'targets', ['kind', 'priority', 'minutes', 'businessHours'] as const, MAX_TARGET_ROWS);
  const escalationRows = rowsOf(body, 'escalations', ['on', 'targetKind', 'action', 'queueId', 'agentId'] as const, MAX_ESCALATION_ROWS);
  const targets = targetRows.filter((r) => r.minutes.trim());
  const escalations = escalationRows.filter((r) => r.on);
  const values: PolicyValues = {
    name: text(body, 'name'), position: text(body, 'position'), enabled: ticked(body, 'enabled'), calendarId: text(body, 'calendarId'),
    priorities: texts(body, 'priorities'), channels: texts(body, 'channels'), queueIds: texts(body, 'queueIds'), tiers: text(body, 'tiers'),
    warnPercent: text(body, 'warnPercent'), warnMinutes: text(body, 'warnMinutes'),
    targets: targetRows.map((r) => ({ kind: r.kind, priority: r.priority, minutes: r.minutes, businessHours: r.businessHours === 'on' })),
    escalations: escalationRows.map(({ on, targetKind, action, queueId, agentId }) => ({ on, targetKind, action, queueId, agentId })),
  };
  const input = {
    name: values.name, position: orNull(numberOf(values.position)), enabled: values.enabled, calendarId: values.calendarId || null,
    conditions: {
      priorities: values.priorities, channels: values.channels, queueIds: values.queueIds,
      tiers: values.tiers.split(',').map((x) => x.trim()).filter(Boolean),
    },
    targets: targets.map((r) => ({ kind: r.kind, priority: r.priority || null, minutes: numberOf(r.minutes), businessHours: r.businessHours === 'on' })),
    warnPercent: numberOf(values.warnPercent), warnMinutes: orNull(numberOf(values.warnMinutes)),
    escalations: escalations.map((r) => ({ on: r.on, targetKind: r.targetKind || null, action: r.action, queueId: r.queueId || null, agentId: r.agentId || null })),
  };
  const renameTargets = renameRows('targets', targets.map((r) => r.row));
  const renameEscalations = renameRows('escalations', escalations.map((r) => r.row));
  return { values, input, rename: (path: string) => renameConditions(renameEscalations(renameTargets(path))) };
}

/**
 * SLA policies: the ordered list (the first whose conditions select a case applies), create,
 * edit and delete a policy with its conditions, targets, warning and escalation rules.
 */
export function slaPolicyRoutes(_platform: Platform): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  const choicesOf = async (c: AdminContext): Promise<Choices> => {
    const ctx = staffTenantContext(c);
    const [calendars, queues, agents] = await Promise.all([listSlaCalendars(ctx), everyNode((a) => listQueues(ctx, a)), everyNode((a) => listAgents(ctx, a))]);
    return { calendars, queues, agents };
  };
  const page = async (c: AdminContext, policy: SlaPolicy | null, form: PolicyState | null, status: 200 | 422 = 200) => {
    const choices = await choicesOf(c);
    const state = form ?? { values: policy ? valuesOf(policy) : blankPolicy(choices), errors: {} };
    return renderPage(c, c.get('view'), <PolicyPage csrf={c.var.csrfToken} policy={policy} choices={choices} form={state} />, status);
  };
  /** Saves through `save`; bad input or a taken name shows the form again with what was typed, 422. */
  const submit = async (c: AdminContext, policy: SlaPolicy | null, save: (input: unknown) => Promise<unknown>) => {
    const { values, input, rename } = readPolicy(await readForm(c));
    const { t } = c.get('view');
    try {
      await save(input);
      return c.redirect(`${adminPath(c, '/sla-policies')}?done=${policy ? 'saved' : 'created'}`, 303);
    } catch (err) {
      if (conflictOf(err)) return page(c, policy, { values, errors: { name: t('operations.policies.nameTaken') } }, 422);
      const errors = inputErrors(err, t, RULES, rename);
      if (!errors) throw err;
      return page(c, policy, { values, errors, problem: errors._form }, 422);
    }
  };

  routes.get('/', async (c) => {
    const [policies, choices] = await Promise.all([listSlaPolicies(staffTenantContext(c)), choicesOf(c)]);
    return renderPage(c, c.get('view'), <PoliciesPage csrf={c.var.csrfToken} policies={policies} choices={choices} done={doneOf(c)} />);
  });
  routes.get('/new', (c) => page(c, null, null));
  routes.post('/new', (c) => submit(c, null, (input) => createSlaPolicy(staffTenantContext(c), input)));
  routes.get('/:policyId', async (c) => page(c, await getSlaPolicy(staffTenantContext(c), idParam(c, 'policyId')), null));
  routes.post('/:policyId', async (c) => {
    const ctx = staffTenantContext(c);
    const policy = await getSlaPolicy(ctx, idParam(c, 'policyId'));
    return submit(c, policy, (input) => updateSlaPolicy(ctx, policy.id, input));
  });
  routes.post('/:policyId/delete', async (c) => {
    const ctx = staffTenantContext(c);
    await deleteSlaPolicy(ctx, (await getSlaPolicy(ctx, idParam(c, 'policyId'))).id);
    return c.redirect(`${adminPath(c, '/sla-policies')}?done=deleted`, 303);
  });
  return routes;
}
