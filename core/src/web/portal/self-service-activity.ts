import { randomBytes } from 'node:crypto';
import { recordKnowledgeActivity, visitorId } from '../../domain/knowledge/deflection.js';
import type { Logger } from '../../lib/logger.js';
import { readCookie, setTenantCookie } from '../session/cookies.js';
import type { PortalContext } from './context.js';

/** An anonymous visitor's id, so a search and a later case of the same browser can be matched. */
export const VISITOR_COOKIE = 'mosaic_visitor';
const VISITOR_MAX_AGE_S = 90 * 24 * 60 * 60;

/**
 * Who is using self-service: this browser's random visitor id (set on first use, kept across
 * signing in, so a search before it and a case after it are matched), and the signed-in
 * customer, whose cases on any channel count too. Never anything a visitor typed.
 */
function visitorOf(c: PortalContext): { visitor: string; customerId: string | null } {
  const user = c.var.webUser;
  const customerId = user?.role === 'customer' ? user.customerId : null;
  let id = readCookie(c, VISITOR_COOKIE);
  if (!id || !visitorId.safeParse(id).success) {
    id = randomBytes(18).toString('base64url');
    setTenantCookie(c, VISITOR_COOKIE, id, c.var.webTenant.slug, c.var.webSessionSetup.secure, VISITOR_MAX_AGE_S);
  }
  return { visitor: id, customerId };
}

/**
 * Records a portal search, article view or case for deflection (domain/knowledge/deflection.ts),
 * after the page is answered: it never slows the page down, and a failure is only logged.
 */
export function recordSelfService(c: PortalContext, logger: Logger, kind: 'SEARCH' | 'VIEW' | 'CASE', articleId?: string): void {
  const who = visitorOf(c);
  void recordKnowledgeActivity(c.var.webTenant.data, { ...who, kind, articleId: articleId ?? null })
    .catch((err: unknown) => logger.warn({ err, kind }, 'recording self-service activity failed'));
}
