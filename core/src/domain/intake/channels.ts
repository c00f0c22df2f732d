import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { channels, queues, CHANNELS } from '../../db/tenant-schema.js';
import type { TenantDb } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { parseInput } from '../../lib/validate.js';
import { verifyWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../plugins/events/webhook-signature.js';
import type { SecretVault } from '../../plugins/installer/vault.js';
import { assertAdmin, type TenantContext } from '../../tenancy/context.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';

export type Channel = typeof channels.$inferSelect;
export type ChannelKind = Channel['kind'];

/** A channel as admins see it: never its secret. */
export type ChannelView = Omit<Channel, 'secretCiphertext'>;

export const createChannelInput = z.object({
  kind: z.enum(CHANNELS),
  name: z.string().trim().min(1).max(120),
  defaultQueueId: z.string().nullish(),
  region: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'an ISO 3166 two-letter region').nullish(),
});

// The vault binds each ciphertext to its tenant and channel: copied elsewhere it decrypts nowhere.
const secretContext = (tenantId: string, channelId: string) => `channel:${tenantId}/${channelId}`;
const newSecret = () => `chs_${randomBytes(32).toString('base64url')}`;
const view = ({ secretCiphertext: _hidden, ...rest }: Channel): ChannelView => rest;

/** A channel and its secret, which is shown this once and never again. */
export interface ChannelWithSecret {
  channel: ChannelView;
  secret: string;
}

/** Opens an inbound channel with a fresh secret (announced as `channel.created`). Admins only. */
export async function createChannel(ctx: TenantContext, vault: SecretVault, raw: unknown): Promise<ChannelWithSecret> {
  assertAdmin(ctx);
  const input = parseInput(createChannelInput, raw);
  return ctx.data.write(async (tx) => {
    if (input.defaultQueueId) await requireRow(tx, queues, input.defaultQueueId, 'Queue');
    const now = new Date();
    const id = newId();
    const secret = newSecret();
    const row: Channel = {
      id, kind: input.kind, name: input.name, defaultQueueId: input.defaultQueueId ?? null, region: input.region ?? null,
      secretCiphertext: vault.encrypt(secret, secretContext(ctx.tenantId, id)), disabledAt: null, createdAt: now, updatedAt: now,
    };
    await tx.insert(channels).values(row);
    await emitEvent(tx, ctx.actor, 'channel.created', id, { kind: row.kind, name: row.name });
    return { channel: view(row), secret };
  });
}

/** Replaces a channel's secret; the old one stops working at once (`channel.secret_rotated`). */
export async function rotateChannelSecret(ctx: TenantContext, vault: SecretVault, id: string): Promise<ChannelWithSecret> {
  assertAdmin(ctx);
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, channels, id, 'Channel');
    const secret = newSecret();
    const changes = { secretCiphertext: vault.encrypt(secret, secretContext(ctx.tenantId, id)), updatedAt: new Date() };
    await tx.update(channels).set(changes).where(eq(channels.id, id));
    await emitEvent(tx, ctx.actor, 'channel.secret_rotated', id, {});
    return { channel: view({ ...current, ...changes }), secret };
  });
}

/** Stops a channel: its endpoints answer NOT_FOUND from now on (`channel.disabled`). */
export async function disableChannel(ctx: TenantContext, id: string): Promise<ChannelView> {
  assertAdmin(ctx);
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, channels, id, 'Channel');
    if (current.disabledAt) return view(current);
    const now = new Date();
    await tx.update(channels).set({ disabledAt: now, updatedAt: now }).where(eq(channels.id, id));
    await emitEvent(tx, ctx.actor, 'channel.disabled', id, {});
    return view({ ...current, disabledAt: now, updatedAt: now });
  });
}

/** Every channel of the tenant, oldest first (a tenant has a handful, so no paging). */
export async function listChannels(ctx: TenantContext): Promise<ChannelView[]> {
  const rows = await ctx.data.db.select().from(channels).orderBy(asc(channels.createdAt), asc(channels.id));
  return rows.map(view);
}

/** The channel for an id; NOT_FOUND when missing or another tenant's (the id names no row here). */
export async function getChannel(ctx: { data: TenantDb }, id: string): Promise<ChannelView> {
  return view(await requireRow(ctx.data.db, channels, id, 'Channel'));
}

/** How an inbound request proves it comes from the channel's provider. */
export interface ChannelCredentials {
  /** `Authorization: Bearer <secret>`, for providers that can only send a fixed header. */
  bearer?: string;
  /** `x-mosaic-timestamp` and `x-mosaic-signature` (HMAC-SHA256 of `timestamp.` + body). */
  timestamp?: string;
  signature?: string;
}

const REASONS = {
  missing: `send ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} (or the channel's secret as a bearer token)`,
  malformed: `${SIGNATURE_HEADER} must be sha256=<hex> and ${TIMESTAMP_HEADER} Unix seconds`,
  stale: 'the timestamp is too far from now',
  mismatch: 'the signature does not match',
} as const;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * The enabled channel of this tenant the request is for, once its credentials check out: an
 * HMAC signature over the raw body (required when `signatureOnly`, e.g. SMS), or the secret
 * itself as a bearer token, compared in constant time. A missing, disabled or foreign channel
 * and one of another kind all answer the same NOT_FOUND; bad credentials UNAUTHENTICATED.
 */
export async function authenticateChannel(
  tenant: { tenantId: string; data: TenantDb },
  vault: SecretVault,
  request: { channelId: string; kind: ChannelKind; body: Uint8Array; credentials: ChannelCredentials; signatureOnly?: boolean; now?: number },
): Promise<Channel> {
  const [row] = await tenant.data.db.select().from(channels).where(eq(channels.id, request.channelId)).limit(1);
  if (!row || row.disabledAt || row.kind !== request.kind) throw new AppError('NOT_FOUND', 'channel not found');
  const secret = vault.decrypt(row.secretCiphertext, secretContext(tenant.tenantId, row.id));
  const { bearer, timestamp, signature } = request.credentials;
  if (bearer !== undefined && !request.signatureOnly) {
    // Equal-length digests: the comparison time says nothing about the secret.
    if (timingSafeEqual(sha256(bearer), sha256(secret))) return row;
    throw new AppError('UNAUTHENTICATED', 'the channel secret does not match');
  }
  const check = verifyWebhookSignature({ secret, timestamp, signature, body: request.body, now: request.now });
  if (!check.ok) throw new AppError('UNAUTHENTICATED', `channel signature rejected: ${REASONS[check.reason]}`);
  return row;
}
