import type { Context } from 'hono';
import { z } from 'zod';
import { PRESENCES } from '../../db/tenant-schema.js';
import { getAgent } from '../../domain/agents.js';
import { presenceOf, setPresence } from '../../domain/routing/index.js';
import { AppError } from '../../lib/errors.js';
import { FormProblem } from '../form-fields.js';
import { renderPage } from '../render.js';
import { staffTenantContext } from '../session/index.js';
import { useView } from '../view.js';
import type { WidgetPageEnv } from '../widget-slot.js';
import { ConsolePage, consoleBase, type ConsoleUser } from './frame.js';

/**
 * The signed-in user as the console frame shows them, with their routing presence when they
 * have an agent profile (one read by primary key; pages start it beside their own reads).
 */
export async function consoleUserOf(c: Context<WidgetPageEnv>): Promise<ConsoleUser> {
  const { agentId } = staffTenantContext(c);
  const presence = agentId ? presenceOf(await getAgent(staffTenantContext(c), agentId)) : null;
  return { name: c.var.webUser!.name, csrfToken: c.var.csrfToken, presence };
}

const presenceForm = z.object({
  presence: z.enum(PRESENCES),
  next: z.string().max(2000).optional(),
});

/**
 * Where the switch returns: the console page it was posted from, else the work list. A page
 * drawn in answer to a form post (a refused reply, say) has the post's address; the switch
 * returns to the record's page that address belongs to.
 */
function backTo(base: string, next: unknown): string {
  if (typeof next !== 'string' || next.length > 300 || !next.startsWith(base)) return base;
  // Console paths are letters, digits, - and _ between single slashes: no dot segment, escape or other host.
  const page = new RegExp(`^${base}(?:/(?:customers|cases|orders)/[A-Za-z0-9_-]+|/[a-z-]+)?(?=/|$)`).exec(next);
  return page ? page[0] : base;
}

function PresencePage(props: { user: ConsoleUser }) {
  const { t } = useView();
  return (
    <ConsolePage title={t('routing.presence.title')} user={props.user}>
      <h1>{t('routing.presence.title')}</h1>
      <FormProblem message={props.user.presenceError} />
      <p>{t('routing.presence.lead')}</p>
    </ConsolePage>
  );
}

/** GET /console/presence — the switch on a page of its own (where a refused change is shown). */
export async function showPresence(c: Context<WidgetPageEnv>) {
  const user = await consoleUserOf(c);
  if (!user.presence) throw new AppError('NOT_FOUND', 'this user has no agent profile');
  return renderPage(c, c.var.view, <PresencePage user={user} />);
}

/**
 * POST /console/presence — the agent sets their own presence (routing's setPresence: leaving
 * AVAILABLE hands their pending offers back) and returns to the page they were on. An unknown
 * presence re-renders with the message beside the switch (422); a user without an agent
 * profile has no presence (404, like any page that is not theirs).
 */
export async function submitPresence(c: Context<WidgetPageEnv>) {
  const ctx = staffTenantContext(c);
  const base = consoleBase(c.var.webTenant.slug);
  if (!ctx.agentId) throw new AppError('NOT_FOUND', 'this user has no agent profile');
  const body = await c.req.parseBody();
  const parsed = presenceForm.safeParse(body);
  if (!parsed.success) {
    const user = { ...(await consoleUserOf(c)), presenceError: c.var.view.t('routing.presence.invalid') };
    return renderPage(c, c.var.view, <PresencePage user={user} />, 422);
  }
  await setPresence(ctx, { presence: parsed.data.presence });
  return c.redirect(backTo(base, parsed.data.next), 303);
}
