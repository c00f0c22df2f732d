import type { ControlDb } from '../db/control.js';
import { auditLog } from '../db/control-schema.js';
import { newId } from '../lib/ids.js';

export interface AuditEntry {
  tenantId: string | null;
  actor: string;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
}

export async function recordAudit(db: ControlDb, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    id: newId(),
    tenantId: entry.tenantId,
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    detail: entry.detail ?? null,
    at: new Date(),
  });
}
