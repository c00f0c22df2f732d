import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  authenticateChannel, parseCallEvent, parseChatEnd, parseChatMessage, parseChatStart, parseEmail, parsePortalSubmission, parseSms,
  parseSocial, parseVideoEvent, receiveMessage, type ChannelKind, type InboundMessage,
} from '../domain/intake/index.js';
import { AppError } from '../lib/errors.js';
import { parseGlobalId, toGlobalId } from '../lib/ids.js';
import type { Platform } from '../platform.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../plugins/events/webhook-signature.js';
import { findTenantBySlug } from '../tenancy/tenants.js';
import { databaseFailureResponse, errorResponse, type AppEnv } from './authenticate.js';

/** Inbound channel requests carry one message or event: far below the API's body limit. */
export const MAX_INTAKE_BODY_BYTES = 256 * 1024;

/** HTTP status of each code an intake endpoint answers with. */
export const INTAKE_STATUS: Record<string, number> = {
  NOT_FOUND: 404, UNAUTHENTICATED: 401, BAD_USER_INPUT: 400, BAD_REQUEST: 400, FORBIDDEN: 403, CONFLICT: 409,
};

/** Reply with an AppError's code or a database failure's, or rethrow anything else (the app's 500 handler logs it). */
export function intakeError(c: Context, err: unknown) {
  if (!(err instanceof AppError)) {
    const answer = databaseFailureResponse(c, err);
    if (answer) return answer;
    throw err;
  }
  return errorResponse(c, (INTAKE_STATUS[err.code] ?? 500) as 400, err.code, err.message);
}

type Parse = (body: unknown, params: Record<string, string>) => InboundMessage;

interface Endpoint {
  kind: ChannelKind;
  path: string;
  parse: Parse;
  /** Providers of this kind sign each request; a bare bearer secret is not accepted. */
  signatureOnly?: boolean;
}

const ENDPOINTS: Endpoint[] = [
  { kind: 'EMAIL', path: '/email', parse: (b) => parseEmail(b) },
  { kind: 'CHAT', path: '/chat/sessions', parse: (b) => parseChatStart(b) },
  { kind: 'CHAT', path: '/chat/sessions/:sessionId/messages', parse: (b, p) => parseChatMessage(p.sessionId!, b) },
  { kind: 'CHAT', path: '/chat/sessions/:sessionId/end', parse: (_b, p) => parseChatEnd(p.sessionId!) },
  { kind: 'SMS', path: '/sms', parse: (b) => parseSms(b), signatureOnly: true },
  { kind: 'SOCIAL', path: '/social', parse: (b) => parseSocial(b) },
  { kind: 'PHONE', path: '/cti', parse: (b) => parseCallEvent(b) },
  { kind: 'VIDEO', path: '/video', parse: (b) => parseVideoEvent(b) },
  { kind: 'PORTAL', path: '/portal', parse: (b) => parsePortalSubmission(b) },
];

/** The path a channel's provider posts to under `/channels/<tenant>/<channel id>` (a chat's first one: starting a session). */
export const inboundPathOf = (kind: ChannelKind): string => ENDPOINTS.find((e) => e.kind === kind)!.path;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as JSON or as form fields (`a=1&user[]=x&user[]=y`: a repeated or `[]` field becomes
 * a list), by its content type. An empty body is `{}`; anything unreadable is BAD_REQUEST.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | undefined): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new AppError('BAD_REQUEST', 'the body is not UTF-8');
  }
  if (text.trim() === '') return {};
  if ((contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    const fields: Record<string, string | string[]> = {};
    for (const [rawKey, value] of new URLSearchParams(text)) {
      const list = rawKey.endsWith('[]');
      const key = list ? rawKey.slice(0, -2) : rawKey;
      const had = fields[key];
      fields[key] = had === undefined ? (list ? [value] : value) : [...[had].flat(), value];
    }
    return fields;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('BAD_REQUEST', 'the body is not valid JSON (or send application/x-www-form-urlencoded)');
  }
}

const missing = () => new AppError('NOT_FOUND', 'channel not found');

/**
 * Inbound channel endpoints: `POST /channels/<tenant>/<channel id>/<kind's path>` (email,
 * chat sessions, sms, social, cti, video, portal). The tenant comes from the URL and is proven
 * by the channel's secret: the channel is looked up in that tenant's database only, so another
 * tenant's channel id or secret answers NOT_FOUND or UNAUTHENTICATED and writes nothing. The
 * answer is the ids the message became; a redelivery of the same provider message answers the
 * same ids (and `x-mosaic-duplicate: true`) and writes nothing.
 */
export function mountChannelIntake(app: Hono<AppEnv>, platform: Platform): void {
  const vault = platform.plugins.installer.vault;
  const limit = bodyLimit({
    maxSize: MAX_INTAKE_BODY_BYTES,
    onError: (c) => {
      c.header('connection', 'close');
      return errorResponse(c, 413, 'PAYLOAD_TOO_LARGE', `channel requests are limited to ${MAX_INTAKE_BODY_BYTES} bytes`);
    },
  });
  for (const endpoint of ENDPOINTS) {
    app.post(`/channels/:tenant/:channelId${endpoint.path}`, limit, async (c) => {
      try {
        const tenant = await findTenantBySlug(platform.control.db, c.req.param('tenant'));
        const parsed = parseGlobalId(c.req.param('channelId'));
        if (!tenant || parsed?.type !== 'IntakeChannel') throw missing();
        const data = await platform.tenants.get(tenant.id);
        const body = new Uint8Array(await c.req.arrayBuffer());
        const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
        const channel = await authenticateChannel({ tenantId: tenant.id, data }, vault, {
          channelId: parsed.id, kind: endpoint.kind, body, signatureOnly: endpoint.signatureOnly,
          credentials: { bearer, timestamp: c.req.header(TIMESTAMP_HEADER), signature: c.req.header(SIGNATURE_HEADER) },
        });
        const message = endpoint.parse(decodeBody(body, c.req.header('content-type')), c.req.param() as Record<string, string>);
        const result = await receiveMessage({ tenantId: tenant.id, data }, channel, message);
        if (result.duplicate) c.header('x-mosaic-duplicate', 'true');
        return c.json({
          interactionId: toGlobalId('Interaction', result.interactionId),
          caseId: result.caseId ? toGlobalId('Case', result.caseId) : null,
          customerId: toGlobalId('Customer', result.customerId),
        });
      } catch (err) {
        return intakeError(c, err);
      }
    });
  }
}
