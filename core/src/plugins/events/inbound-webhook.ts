import { and, eq } from 'drizzle-orm';
import type { ControlDb } from '../../db/control.js';
import type { TenantDatabases } from '../../db/tenant-db.js';
import { installations } from '../../db/control-schema.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { readSecrets, type Installation, type SecretVault } from '../installer/index.js';
import { ManifestCache } from './subscriptions.js';
import { claimWebhookSignature } from './webhook-replays.js';
import { DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from './webhook-signature.js';

export const DEFAULT_MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

const utf8 = new TextDecoder();

export interface InboundWebhookRequest {
  /** Set when the URL names a tenant: an installation of another tenant then answers NOT_FOUND. */
  tenantId?: string;
  installationId: string;
  /** The webhook's name as declared in the plugin's manifest. */
  name: string;
  method: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The raw body, exactly as received: the signature covers these bytes. */
  body: Uint8Array;
}

export interface WebhookResult {
  status: number;
  body?: unknown;
}

/** Runs the plugin's webhook handler in the sandbox (injected); it gets the body as UTF-8 text. */
export type RunWebhook = (
  tenantId: string,
  installation: Installation,
  name: string,
  request: { method: string; headers: Record<string, string>; query: Record<string, string>; body: string },
) => Promise<WebhookResult>;

export interface InboundWebhookDeps {
  control: ControlDb;
  /** Where accepted signatures are remembered, so every process sharing the database refuses a replay. */
  tenants: TenantDatabases;
  vault: SecretVault;
  runWebhook: RunWebhook;
  /** Share the dispatcher's (`dispatcher.manifests`) so verified manifests are reused. */
  manifests?: ManifestCache;
  logger?: Logger;
  maxBodyBytes?: number;
  toleranceSeconds?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
}

// One answer for every way a webhook can be missing, so probing reveals nothing.
const missing = () => new AppError('NOT_FOUND', 'webhook not found');
const unauthenticated = (why: string) => new AppError('UNAUTHENTICATED', `webhook signature rejected: ${why}`);

const REASONS = {
  missing: `send ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER}`,
  malformed: `${SIGNATURE_HEADER} must be sha256=<hex> and ${TIMESTAMP_HEADER} Unix seconds`,
  stale: 'the timestamp is too far from now',
  mismatch: 'the signature does not match',
} as const;

/**
 * Receives a call to a plugin's declared webhook: finds the active installation and the webhook
 * in its manifest, checks the request's signature with the secret the tenant admin set, and only
 * then lets the plugin's handler run. Unknown, uninstalled and other tenants' installations and
 * undeclared webhook names all answer NOT_FOUND alike; a bad signature answers UNAUTHENTICATED.
 *
 * The scheme a sender follows:
 * - headers `x-mosaic-timestamp: <Unix seconds>` and `x-mosaic-signature: sha256=<hex>`;
 * - the signature is HMAC-SHA256, keyed with the webhook's secret, of the timestamp, a `.`, and
 *   the raw body bytes (see {@link signWebhook});
 * - the timestamp must be within `toleranceSeconds` (default 300) of the receiver's clock;
 * - each signature is accepted once: a second delivery of the same signed request within the
 *   tolerance answers WEBHOOK_REPLAYED (HTTP 409) without running the handler, so a retry must
 *   be signed again with a fresh timestamp.
 */
export async function handleInboundWebhook(deps: InboundWebhookDeps, request: InboundWebhookRequest): Promise<WebhookResult> {
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BODY_BYTES;
  if (request.body.byteLength > maxBytes) {
    throw new AppError('BAD_REQUEST', `webhook bodies are limited to ${maxBytes} bytes`);
  }
  const scope = request.tenantId
    ? and(eq(installations.id, request.installationId), eq(installations.tenantId, request.tenantId))
    : eq(installations.id, request.installationId);
  const [installation] = await deps.control.select().from(installations).where(scope).limit(1);
  if (!installation || installation.status !== 'active') throw missing();

  const manifests = deps.manifests ?? new ManifestCache(deps.control);
  const manifest = await manifests.get(installation.pluginId, installation.version).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'PLUGIN_TAMPERED') {
      deps.logger?.error({ installationId: installation.id, pluginId: installation.pluginId }, 'webhook for a tampered plugin version refused');
      throw missing();
    }
    throw err;
  });
  const hook = manifest.webhooks.find((w) => w.name === request.name);
  if (!hook) throw missing();

  const secret = (await readSecrets(deps.control, deps.vault, installation.id))[hook.secret];
  if (!secret) {
    deps.logger?.warn({ tenantId: installation.tenantId, pluginId: installation.pluginId, webhook: hook.name, secret: hook.secret }, 'webhook secret not set; refusing every call');
    throw unauthenticated('the webhook has no secret configured');
  }
  const headers = lowerCaseKeys(request.headers);
  const now = (deps.clock ?? Date.now)();
  const tolerance = deps.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const check = verifyWebhookSignature({
    secret,
    timestamp: headers[TIMESTAMP_HEADER],
    signature: headers[SIGNATURE_HEADER],
    body: request.body,
    now,
    toleranceSeconds: tolerance,
  });
  if (!check.ok) throw unauthenticated(REASONS[check.reason]);

  // Claimed before the handler runs: of two copies of one request, only the first gets past here.
  const fresh = await claimWebhookSignature(await deps.tenants.get(installation.tenantId), {
    installationId: installation.id,
    signature: check.signature,
    expiresAt: new Date((Number(headers[TIMESTAMP_HEADER]) + tolerance) * 1000),
    now: new Date(now),
  });
  if (!fresh) {
    throw new AppError('WEBHOOK_REPLAYED', 'this signed request was already received; sign each delivery (a retry too) with a fresh timestamp');
  }

  return deps.runWebhook(installation.tenantId, installation, hook.name, {
    method: request.method, headers, query: request.query, body: utf8.decode(request.body),
  });
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
