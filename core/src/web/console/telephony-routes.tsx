import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { addCallNotes, getCustomerCall, MAX_CALL_NOTES_CHARS, requestDial } from '../../domain/intake/calls.js';
import type { SubscriptionSlots } from '../../graphql/subscriptions/index.js';
import { AppError } from '../../lib/errors.js';
import type { Platform } from '../../platform.js';
import { staffTenantContext } from '../session/index.js';
import { keepWidgetFlash } from '../widget-flash.js';
import type { WidgetPageEnv } from '../widget-slot.js';
import { streamCallPops } from './call-pop.js';
import { showCustomer360 } from './customer-360.js';
import { consoleBase } from './frame.js';
import { TELEPHONY_FLASH } from './telephony.js';

const notesForm = z.object({ notes: z.string().max(MAX_CALL_NOTES_CHARS * 2).default('') });
const dialForm = z.object({ number: z.string().max(200).default('') });
/** A record id in a URL: anything else is a page that does not exist. */
const recordId = z.uuid();

function idParam(c: Context<WidgetPageEnv>, name: string): string {
  const id = recordId.safeParse(c.req.param(name));
  if (!id.success) throw new AppError('NOT_FOUND', 'not found');
  return id.data;
}

/**
 * POST /console/customers/:id/calls/:callId/notes — the agent's notes on the call, saved on the
 * timeline (addCallNotes). Empty or too long: the 360 again with the notes kept and the problem
 * beside the field (422). Another customer's (or tenant's) call is the 404 page.
 */
async function saveCallNotes(c: Context<WidgetPageEnv>, platform: Pick<Platform, 'plugins'>) {
  const { t, format } = c.var.view;
  const ctx = staffTenantContext(c);
  const customerId = idParam(c, 'id');
  const call = await getCustomerCall(ctx, customerId, idParam(c, 'callId'));
  const parsed = notesForm.safeParse(await c.req.parseBody());
  const text = parsed.success ? parsed.data.notes : '';
  const body = text.replace(/\r\n/g, '\n').trim();
  const error = !parsed.success || body.length > MAX_CALL_NOTES_CHARS
    ? t('telephony.notes.tooLong', { max: format.number(MAX_CALL_NOTES_CHARS) })
    : body === '' ? t('telephony.notes.required') : undefined;
  if (error !== undefined) {
    return showCustomer360(c, platform, { call: { interaction: call, text: text.slice(0, MAX_CALL_NOTES_CHARS * 2), error } }, 422);
  }
  await addCallNotes(ctx, { customerId, callInteractionId: call.id, body, subject: t('telephony.notes.subject') });
  keepWidgetFlash(c, { frameId: TELEPHONY_FLASH, message: t('telephony.notes.saved') });
  return c.redirect(`${consoleBase(c.var.webTenant.slug)}/customers/${customerId}?call=${call.id}#timeline-h`, 303);
}

/**
 * POST /console/customers/:id/dial — click-to-dial: `call.dial` for the telephone system, then
 * back to the 360 saying "Dialling …". A number that is not one of the customer's, or a merged
 * customer: the 360 with the problem (422), nothing emitted.
 */
async function dialCustomer(c: Context<WidgetPageEnv>, platform: Pick<Platform, 'plugins'>) {
  const { t } = c.var.view;
  const ctx = staffTenantContext(c);
  const customerId = idParam(c, 'id');
  const parsed = dialForm.safeParse(await c.req.parseBody());
  try {
    const request = await requestDial(ctx, { customerId, number: parsed.success ? parsed.data.number : '' });
    keepWidgetFlash(c, { frameId: TELEPHONY_FLASH, message: t('telephony.dial.dialling', { number: request.number }) });
  } catch (error) {
    if (!(error instanceof AppError && (error.code === 'BAD_USER_INPUT' || error.code === 'CONFLICT'))) throw error;
    return showCustomer360(c, platform, { dialError: t(error.code === 'CONFLICT' ? 'telephony.dial.merged' : 'telephony.dial.badNumber') }, 422);
  }
  return c.redirect(`${consoleBase(c.var.webTenant.slug)}/customers/${customerId}`, 303);
}

/** The console's telephony: the screen-pop stream of every page, call notes and click-to-dial. */
export function telephonyRoutes(platform: Pick<Platform, 'plugins'>, slots: SubscriptionSlots): Hono<WidgetPageEnv> {
  const routes = new Hono<WidgetPageEnv>();
  routes.get('/calls/live', (c) => streamCallPops(c, slots));
  routes.post('/customers/:id/calls/:callId/notes', (c) => saveCallNotes(c, platform));
  routes.post('/customers/:id/dial', (c) => dialCustomer(c, platform));
  return routes;
}
