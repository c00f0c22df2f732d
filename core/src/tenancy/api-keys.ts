import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, getTableColumns, isNull } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { ControlDb } from '../db/control.js';
import { apiKeys, tenants, type Role } from '../db/control-schema.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';

/** What a verified key proves: the tenant, the role, and which key (for audit). */
export interface Principal {
  tenantId: string;
  tenantSlug: string;
  role: Role;
  keyId: string;
  /** An agent key's own agent: the only agent whose presence it may change (null: none). */
  agentId: string | null;
}

/** How long another process may still accept a key after it was revoked (its verify cache). */
export const KEY_CACHE_TTL_MS = 10_000;

const PREFIX = 'mos';
const KEY_SHAPE = /^mos_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
const compactId = (id: string) => id.replace(/-/g, '');
const expandId = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** Labels show up in listings and audit lines: short, printable, no control or markup characters. */
const keyLabel = z.string().trim().min(1).max(100)
  .regex(/^[\p{L}\p{N} .,:;@#()/_+-]+$/u, 'a label is 1–100 letters, digits, spaces and . , : ; @ # ( ) / _ + -');

/**
 * Creates an API key. The key is `mos_<key id>_<secret>`; only a SHA-256 of the 256-bit secret
 * is stored (a slow hash buys nothing for random secrets and would cost every request).
 * `agentId` ties an agent key to its agent (the caller checks that agent exists in the tenant).
 */
export async function createApiKey(
  db: ControlDb,
  raw: { tenantId: string; role: Role; label?: string; agentId?: string },
): Promise<{ id: string; apiKey: string }> {
  const { label } = parseInput(z.object({ label: keyLabel.optional() }), { label: raw.label });
  const input = { ...raw, label };
  if (input.agentId && input.role !== 'agent') {
    throw new AppError('BAD_USER_INPUT', `only an agent key can be tied to an agent, not a ${input.role} key`);
  }
  const id = newId();
  const secret = randomBytes(32).toString('base64url');
  await db.insert(apiKeys).values({
    id,
    tenantId: input.tenantId,
    role: input.role,
    label: input.label ?? null,
    agentId: input.agentId ?? null,
    secretHash: hashSecret(secret),
    createdAt: new Date(),
  });
  return { id, apiKey: `${PREFIX}_${compactId(id)}_${secret}` };
}

/** Keys revoked by this process: every verifier here drops them at once, whatever it cached. */
const revokedInThisProcess = new Set<string>();

export async function revokeApiKey(db: ControlDb, tenantId: string, keyId: string): Promise<boolean> {
  const res = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt)));
  if (res.rowsAffected > 0) revokedInThisProcess.add(keyId);
  return res.rowsAffected > 0;
}

/**
 * Verifies bearer keys against the control plane. Results are cached briefly so a busy API does
 * not read the control plane on every request. A key revoked in this process stops working at
 * once; one revoked elsewhere (e.g. by the CLI) within `ttlMs`.
 */
export class ApiKeyVerifier {
  readonly #cache: LRUCache<string, Principal | false>;

  constructor(
    private readonly db: ControlDb,
    ttlMs = KEY_CACHE_TTL_MS,
  ) {
    this.#cache = new LRUCache({ max: 10_000, ttl: ttlMs });
  }

  async verify(apiKey: string): Promise<Principal | null> {
    // Only well-formed keys (80 characters) are looked up or cached, so a flood of made-up
    // bearer strings can neither reach the database nor fill the cache with large entries.
    if (!KEY_SHAPE.test(apiKey)) return null;
    const cached = this.#cache.get(apiKey);
    if (cached !== undefined && !(cached && revokedInThisProcess.has(cached.keyId))) return cached || null;
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
    return { tenantId: row.key.tenantId, tenantSlug: row.slug, role: row.key.role, keyId: row.key.id, agentId: row.key.agentId };
  }
}

/** A key as its tenant's admins see it: never the secret nor its hash. */
export type ApiKeyListing = Omit<typeof apiKeys.$inferSelect, 'secretHash'>;

/** The tenant's keys, newest first, revoked ones included (at most 500). */
export async function listApiKeys(db: ControlDb, tenantId: string): Promise<ApiKeyListing[]> {
  const { secretHash: _hidden, ...columns } = getTableColumns(apiKeys);
  return db.select(columns).from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(desc(apiKeys.createdAt)).limit(500);
}
