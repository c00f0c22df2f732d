import type { TenantTx } from '../db/tenant-db.js';
import { outbox } from '../db/tenant-schema.js';
import { newId } from '../lib/ids.js';

/** Transactions that recorded an event (weakly held: a transaction is done with once it ends). */
const announcing = new WeakSet<TenantTx>();

/** Records a domain event in the same transaction as the change it announces. */
export async function emitEvent(
  tx: TenantTx,
  actor: string,
  type: string,
  subjectId: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await tx.insert(outbox).values({ id: newId(), type, subjectId, actor, payload, createdAt: new Date() });
  announcing.add(tx);
}

/** Whether `tx` recorded an event: only then does its commit give the event dispatcher work. */
export const recordedEvents = (tx: TenantTx): boolean => announcing.has(tx);
