import { Hono } from 'hono';
import { getAgent, listAgents, skillsOfAgents, updateAgent, type Agent, type AgentSkill } from '../../../domain/agents.js';
import { listQueueRoutings } from '../../../domain/routing/index.js';
import type { Platform } from '../../../platform.js';
import { CsrfField, FormProblem, TextField, type FieldErrors } from '../../form-fields.js';
import { renderPage } from '../../render.js';
import { staffTenantContext } from '../../session/index.js';
import type { StaffWebEnv } from '../../staff-sign-in.js';
import { useView } from '../../view.js';
import { adminPath, readForm, text, type AdminContext } from '../admin-context.js';
import { AdminPage, RowAction, TableScroll } from '../admin-page.js';
import { DoneNotice, doneOf, everyNode, idParam, inputErrors, numberOf, padRows, renameRows, rowsOf } from './forms.js';

const BLANK_ROWS = 3;
/** An agent holds at most 50 skills (the use-case's rule). */
const MAX_ROWS = 50;
const NOTES = ['saved'] as const;
const RULES = { skills: 'operations.skills.eachOnce', 'skills.*.skill': 'operations.skillRule', 'skills.*.level': 'operations.levelRule', capacity: 'operations.skills.capacityRule' };

/** One skill of the tenant: who holds it and which queues require it. */
interface SkillUse { skill: string; agents: number; queues: number }

interface SkillRowValue { skill: string; level: string }
interface AgentSkillsState { values: SkillRowValue[]; capacity: string; errors: FieldErrors; problem?: string | null }

function SkillsPage(props: { csrf: string; skills: SkillUse[]; agents: Agent[]; skillsOf: Map<string, AgentSkill[]>; done?: string }) {
  const { t, tenant, format } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/skills`;
  return (
    <AdminPage title={t('operations.skills.title')} section="skills" csrf={props.csrf}>
      <h1>{t('operations.skills.title')}</h1>
      <DoneNotice done={props.done} notes={NOTES} prefix="operations.skills.done" />
      <p class="lead">{t('operations.skills.lead')}</p>
      <h2>{t('operations.skills.inUse')}</h2>
      {props.skills.length === 0 ? <p>{t('operations.skills.noSkills')}</p> : (
        <TableScroll label={t('operations.skills.inUse')}>
          <table class="table--stack">
            <caption class="visually-hidden">{t('operations.skills.inUse')}</caption>
            <thead><tr><th scope="col">{t('operations.skills.skill')}</th><th scope="col">{t('operations.skills.agents')}</th><th scope="col">{t('operations.skills.queues')}</th></tr></thead>
            <tbody>
              {props.skills.map((s) => (
                <tr>
                  <td class="cell--title">{s.skill}</td>
                  <td data-label={t('operations.skills.agents')}>{format.number(s.agents)}</td>
                  <td data-label={t('operations.skills.queues')}>{format.number(s.queues)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <h2>{t('operations.skills.agentsHeading')}</h2>
      {props.agents.length === 0 ? <p>{t('operations.skills.noAgents')}</p> : (
        <TableScroll label={t('operations.skills.agentsHeading')}>
          <table class="table--stack">
            <caption class="visually-hidden">{t('operations.skills.agentsHeading')}</caption>
            <thead><tr>
              <th scope="col">{t('operations.skills.agent')}</th><th scope="col">{t('operations.skills.theirSkills')}</th>
              <th scope="col">{t('operations.skills.capacity')}</th><th scope="col">{t('operations.actions')}</th>
            </tr></thead>
            <tbody>
              {props.agents.map((a) => {
                const held = props.skillsOf.get(a.id) ?? [];
                return (
                  <tr>
                    <td class="cell--title">{a.name}</td>
                    <td data-label={t('operations.skills.theirSkills')}>{held.length ? held.map((s) => t('operations.queues.skillLevel', { skill: s.skill, level: s.level })).join(', ') : '—'}</td>
                    <td data-label={t('operations.skills.capacity')}>{format.number(a.capacity)}</td>
                    <td><a href={`${base}/agents/${a.id}`}><RowAction text={t('operations.skills.edit')} of={a.name} /></a></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
    </AdminPage>
  );
}

function AgentSkillsPage(props: { csrf: string; agent: Agent; form: AgentSkillsState }) {
  const { t, tenant } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/skills`;
  const e = props.form.errors;
  const rows = padRows(props.form.values, (s) => !s.skill && !s.level, () => ({ skill: '', level: '' }), BLANK_ROWS, MAX_ROWS);
  const heading = t('operations.skills.agentTitle', { name: props.agent.name });
  return (
    <AdminPage title={heading} section="skills" csrf={props.csrf}>
      <p class="breadcrumb"><a href={base}>{t('operations.nav.skills')}</a></p>
      <h1>{heading}</h1>
      <p class="lead">{t('operations.skills.agentLead')}</p>
      <form method="post" action={`${base}/agents/${props.agent.id}`} class="stacked-form card" novalidate>
        <CsrfField token={props.csrf} />
        <FormProblem message={props.form.problem ?? e.skills} />
        <TextField name="capacity" type="number" min={0} max={100} label={t('operations.skills.capacityField')} hint={t('operations.skills.capacityHint')}
          value={props.form.capacity} error={e.capacity} required />
        <div class="skill-rows">
          {rows.map((s, i) => (
            <div class="skill-row">
              <TextField name={`skills.${i}.skill`} label={t('operations.skillN', { n: i + 1 })} value={s.skill} error={e[`skills.${i}.skill`]} maxlength={40} autocomplete="off" />
              <TextField name={`skills.${i}.level`} type="number" min={1} max={10} label={t('operations.levelN', { n: i + 1 })} value={s.level} error={e[`skills.${i}.level`]} />
            </div>
          ))}
        </div>
        <button type="submit">{t('operations.skills.save')}</button>
      </form>
    </AdminPage>
  );
}

/** Skills in use, by agents and by queues' routing, sorted by name. */
function skillUses(agentSkills: AgentSkill[], queueSkills: string[][]): SkillUse[] {
  const uses = new Map<string, SkillUse>();
  const use = (skill: string) => uses.get(skill) ?? uses.set(skill, { skill, agents: 0, queues: 0 }).get(skill)!;
  for (const s of agentSkills) use(s.skill).agents++;
  for (const skills of queueSkills) for (const s of new Set(skills)) use(s).queues++;
  return [...uses.values()].sort((a, b) => a.skill.localeCompare(b.skill));
}

/**
 * Skills: the skills in use (held by agents, required by queues) and each agent's skills with
 * their levels (1–10), set through the same updateAgent the API uses.
 */
export function skillRoutes(_platform: Platform): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  routes.get('/', async (c) => {
    const ctx = staffTenantContext(c);
    const [agents, routings] = await Promise.all([everyNode((a) => listAgents(ctx, a)), listQueueRoutings(ctx)]);
    const held = agents.length ? await skillsOfAgents(ctx, agents.map((a) => a.id)) : [];
    const skillsOf = new Map<string, AgentSkill[]>();
    for (const s of held) skillsOf.set(s.agentId, [...(skillsOf.get(s.agentId) ?? []), s]);
    const skills = skillUses(held, routings.map((r) => r.skills.map((s) => s.skill)));
    return renderPage(c, c.get('view'), <SkillsPage csrf={c.var.csrfToken} skills={skills} agents={agents} skillsOf={skillsOf} done={doneOf(c)} />);
  });
  const agentPage = (c: AdminContext, agent: Agent, form: AgentSkillsState, status: 200 | 422 = 200) =>
    renderPage(c, c.get('view'), <AgentSkillsPage csrf={c.var.csrfToken} agent={agent} form={form} />, status);
  routes.get('/agents/:agentId', async (c) => {
    const ctx = staffTenantContext(c);
    const agent = await getAgent(ctx, idParam(c, 'agentId'));
    const held = await skillsOfAgents(ctx, [agent.id]);
    return agentPage(c, agent, { values: held.map((s) => ({ skill: s.skill, level: String(s.level) })), capacity: String(agent.capacity), errors: {} });
  });
  routes.post('/agents/:agentId', async (c) => {
    const ctx = staffTenantContext(c);
    const agent = await getAgent(ctx, idParam(c, 'agentId'));
    const body = await readForm(c);
    const rows = rowsOf(body, 'skills', ['skill', 'level'] as const, MAX_ROWS);
    const kept = rows.filter((r) => r.skill.trim() || r.level.trim());
    const capacity = text(body, 'capacity');
    try {
      await updateAgent(ctx, agent.id, { capacity: numberOf(capacity) ?? '', skills: kept.map((r) => ({ skill: r.skill, level: numberOf(r.level) })) });
      return c.redirect(`${adminPath(c, '/skills')}?done=saved`, 303);
    } catch (err) {
      const errors = inputErrors(err, c.get('view').t, RULES, renameRows('skills', kept.map((r) => r.row)));
      if (!errors) throw err;
      return agentPage(c, agent, { values: rows.map(({ skill, level }) => ({ skill, level })), capacity, errors, problem: errors._form }, 422);
    }
  });
  return routes;
}
