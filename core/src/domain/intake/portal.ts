import { and, asc, eq, isNull } from 'drizzle-orm';
import { channels } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import type { Channel } from './channels.js';
import { parsePortalSubmission } from './payloads.js';
import { receiveMessage, type IntakeResult, type IntakeTenant } from './receive.js';

/** The tenant's first enabled PORTAL channel; NOT_FOUND when the admin opened none. */
export async function portalChannel(tenant: IntakeTenant): Promise<Channel> {
  const [row] = await tenant.data.db.select().from(channels)
    .where(and(eq(channels.kind, 'PORTAL'), isNull(channels.disabledAt))).orderBy(asc(channels.createdAt)).limit(1);
  if (!row) throw new AppError('NOT_FOUND', 'this tenant has no portal channel; an admin opens one (createChannel kind PORTAL)');
  return row;
}

/**
 * A form the portal's own pages received (the server calls this; no channel secret is needed
 * since the request never left the process): `{ submissionId, contact, subject, body }`, on the
 * tenant's portal channel. A repeated submission id answers the first result.
 */
export async function receivePortalSubmission(tenant: IntakeTenant, raw: unknown): Promise<IntakeResult> {
  const message = parsePortalSubmission(raw);
  return receiveMessage(tenant, await portalChannel(tenant), message);
}
