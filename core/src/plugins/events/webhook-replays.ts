import { createHash } from 'node:crypto';
import { lt } from 'drizzle-orm';
import type { TenantDb } from '../../db/tenant-db.js';
import { inboundWebhookReplays } from '../../db/tenant-schema.js';

/**
 * Rows are kept this long past their expiry before pruning, so a process whose clock runs ahead
 * cannot drop a claim that another process, running behind, would still accept.
 */
const PRUNE_GRACE_MS = 60_000;

export interface SignatureClaim {
  installationId: string;
  /** The verified signature, as lowercase hex. */
  signature: string;
  /** When the signature's timestamp leaves the tolerance window: no one could replay it after. */
  expiresAt: Date;
  now: Date;
}

/**
 * Remembers a verified inbound signature in the tenant's database; false when it was already
 * there, i.e. the request is a replay. The claim is one insert against the primary key, so of
 * two concurrent deliveries of the same request, in one process or in two sharing the database,
 * exactly one wins. Expired claims of the tenant are pruned in the same transaction.
 */
export async function claimWebhookSignature(tenantDb: TenantDb, claim: SignatureClaim): Promise<boolean> {
  const signatureDigest = createHash('sha256').update(claim.signature).digest('hex');
  return tenantDb.write(async (tx) => {
    await tx.delete(inboundWebhookReplays).where(lt(inboundWebhookReplays.expiresAt, new Date(claim.now.getTime() - PRUNE_GRACE_MS)));
    const inserted = await tx.insert(inboundWebhookReplays)
      .values({ installationId: claim.installationId, signatureDigest, expiresAt: claim.expiresAt })
      .onConflictDoNothing()
      .returning({ installationId: inboundWebhookReplays.installationId });
    return inserted.length === 1;
  });
}
