import { and, eq } from 'drizzle-orm';
import type { ControlDb } from '../../db/control.js';
import { installations } from '../../db/control-schema.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { readSecrets, type Installation, type SecretVault } from '../installer/index.js';
import { ManifestCache } from './subscriptions.js';
import { DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from './webhook-signature.js';

export const DEFAULT_MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

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
  body: string;
}

export interface WebhookResult {
  status: number;
  body?: unknown;
}

/** Runs the plugin's webhook handler in the sandbox (injected). */
export type RunWebhook = (
  tenantId: string,
  installation: Installation,
  name: string,
  request: { method: string; headers: Record<string, string>; query: Record<string, string>; body: string },
) => Promise<WebhookResult>;

export interface InboundWebhookDeps {
  control: ControlDb;
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
 */
export async function handleInboundWebhook(deps: InboundWebhookDeps, request: InboundWebhookRequest): Promise<WebhookResult> {
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BODY_BYTES;
  if (Buffer.byteLength(request.body, 'utf8') > maxBytes) {
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
  const check = verifyWebhookSignature({
    secret,
    timestamp: headers[TIMESTAMP_HEADER],
    signature: headers[SIGNATURE_HEADER],
    body: request.body,
    now: (deps.clock ?? Date.now)(),
    toleranceSeconds: deps.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
  });
  if (!check.ok) throw unauthenticated(REASONS[check.reason]);

  return deps.runWebhook(installation.tenantId, installation, hook.name, {
    method: request.method, headers, query: request.query, body: request.body,
  });
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
