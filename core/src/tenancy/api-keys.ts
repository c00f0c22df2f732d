import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { ControlDb } from '../db/control.js';
import { apiKeys, tenants, type Role } from '../db/control-schema.js';
import { newId } from '../lib/ids.js';

/** What a verified key proves: the tenant, the role, and which key (for audit). */
export interface Principal {
  tenantId: string;
  tenantSlug: string;
  role: Role;
  keyId: string;
}

const PREFIX = 'mos';
const KEY_SHAPE = /^mos_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
const compactId = (id: string) => id.replace(/-/g, '');
const expandId = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/**
 * Creates an API key. The key is `mos_<key id>_<secret>`; only a SHA-256 of the 256-bit secret
 * is stored (a slow hash buys nothing for random secrets and would cost every request).
 */
export async function createApiKey(
  db: ControlDb,
  input: { tenantId: string; role: Role; label?: string },
): Promise<{ id: string; apiKey: string }> {
  const id = newId();
  const secret = randomBytes(32).toString('base64url');
  await db.insert(apiKeys).values({
    id,
    tenantId: input.tenantId,
    role: input.role,
    label: input.label ?? null,
    secretHash: hashSecret(secret),
    createdAt: new Date(),
  });
  return { id, apiKey: `${PREFIX}_${compactId(id)}_${secret}` };
}

export async function revokeApiKey(db: ControlDb, tenantId: string, keyId: string): Promise<boolean> {
  const res = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt)));
  return res.rowsAffected > 0;
}

/**
 * Verifies bearer keys against the control plane. Results are cached briefly so a busy API does
 * not read the control plane on every request; a revoked key stops working within `ttlMs`.
 */
export class ApiKeyVerifier {
  readonly #cache: LRUCache<string, Principal | false>;

  constructor(
    private readonly db: ControlDb,
    ttlMs = 10_000,
  ) {
    this.#cache = new LRUCache({ max: 10_000, ttl: ttlMs });
  }

  async verify(apiKey: string): Promise<Principal | null> {
    const cached = this.#cache.get(apiKey);
    if (cached !== undefined) return cached || null;
    const principal = await this.#lookup(apiKey);
    this.#cache.set(apiKey, principal ?? false);
    return principal;
  }

  forget(): void {
    this.#cache.clear();
  }

  async #lookup(apiKey: string): Promise<Principal | null> {
    const match = KEY_SHAPE.exec(apiKey);
    if (!match) return null;
    const [, idHex, secret] = match as unknown as [string, string, string];
    const rows = await this.db
      .select({ key: apiKeys, slug: tenants.slug })
      .from(apiKeys)
      .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
      .where(eq(apiKeys.id, expandId(idHex)))
      .limit(1);
    const row = rows[0];
    if (!row || row.key.revokedAt) return null;
    const expected = Buffer.from(row.key.secretHash, 'hex');
    const actual = Buffer.from(hashSecret(secret), 'hex');
    if (!timingSafeEqual(expected, actual)) return null;
    return { tenantId: row.key.tenantId, tenantSlug: row.slug, role: row.key.role, keyId: row.key.id };
  }
}
