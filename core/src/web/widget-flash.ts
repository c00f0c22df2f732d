import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import { MAX_ACTION_MESSAGE_CHARS } from '../plugins/widgets/index.js';
import type { WebSession } from '../tenancy/web-sessions.js';
import { clearTenantCookie, readCookie, setTenantCookie } from './session/cookies.js';
import type { WebSessionEnv } from './session/index.js';

/**
 * A widget action's message carried across the 303 of a button posted without JavaScript: a
 * short-lived, HttpOnly cookie of the tenant's path, signed with the session's own secret, so
 * it is readable on the next page of that session only, and shown once. The plugin's text never
 * travels in a URL.
 */
export interface WidgetFlash {
  /** The DOM id of the widget frame the message belongs to. */
  frameId: string;
  message: string;
}

const FLASH_COOKIE = 'mosaic_widget_flash';
/** Long enough for the redirect to be followed, short enough not to greet a later visit. */
const FLASH_TTL_MS = 60_000;
const payloadSchema = z.object({
  frameId: z.string().min(1).max(300),
  message: z.string().min(1).max(MAX_ACTION_MESSAGE_CHARS),
  expiresAt: z.number().int(),
});

type Signer = Pick<WebSession, 'id' | 'csrfSecret'>;
const sign = (session: Signer, payload: string) =>
  createHmac('sha256', session.csrfSecret).update(`widget-flash:${session.id}:${payload}`).digest('base64url');

/** Keeps `flash` for the next page of this session (no session, nothing kept). */
// Generic in the env, as the session helpers are, for routes whose env adds variables.
export function keepWidgetFlash<E extends WebSessionEnv>(context: Context<E>, flash: WidgetFlash): void {
  const c = context as unknown as Context<WebSessionEnv>;
  const session = c.var.webSession;
  if (!session) return;
  const payload = Buffer.from(JSON.stringify({ ...flash, expiresAt: Date.now() + FLASH_TTL_MS }), 'utf8').toString('base64url');
  setTenantCookie(c, FLASH_COOKIE, `${payload}.${sign(session, payload)}`, c.var.webTenant.slug, c.var.webSessionSetup.secure, FLASH_TTL_MS / 1000);
}

/**
 * The message kept for this page, once: the cookie is cleared as it is read. A cookie of another
 * session, forged, altered or expired gives null.
 */
export function takeWidgetFlash<E extends WebSessionEnv>(context: Context<E>): WidgetFlash | null {
  const c = context as unknown as Context<WebSessionEnv>;
  const raw = readCookie(c, FLASH_COOKIE);
  if (raw === undefined) return null;
  clearTenantCookie(c, FLASH_COOKIE, c.var.webTenant.slug, c.var.webSessionSetup.secure);
  const session = c.var.webSession;
  const [payload, signature] = raw.split('.');
  if (!session || !payload || !signature) return null;
  const expected = Buffer.from(sign(session, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const flash = payloadSchema.safeParse(parsed);
  if (!flash.success || flash.data.expiresAt < Date.now()) return null;
  return { frameId: flash.data.frameId, message: flash.data.message };
}
