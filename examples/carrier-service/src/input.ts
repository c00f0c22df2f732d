import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The rules every request input meets before the service looks at what it means: sizes and
 * characters of the path, the credential headers and the body, then the shape of JSON bodies.
 * A broken rule is a RequestError: an HTTP status and a stable code for the answer's body.
 */

/** What the service answers: status, JSON body, extra headers. */
export type Answer = [status: number, body: unknown, headers?: Record<string, string>];

export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { field?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export const MAX_URL_LENGTH = 2048;
export const MAX_BODY_BYTES = 16 * 1024;
export const MAX_HEADER_LENGTH = 256;

/** Printable ASCII: what credentials and identifiers here are made of. */
const PRINTABLE = /^[\x20-\x7e]*$/;

export function checkUrl(req: IncomingMessage): string {
  const url = req.url ?? '/';
  if (url.length > MAX_URL_LENGTH) throw new RequestError(400, 'path_too_long', `the request path is longer than ${MAX_URL_LENGTH} characters`);
  return new URL(url, 'http://carrier').pathname;
}

/** A credential header: one value, at most MAX_HEADER_LENGTH printable ASCII characters. */
export function credentialHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value) || value.length > MAX_HEADER_LENGTH || !PRINTABLE.test(value)) {
    throw new RequestError(400, 'invalid_header', `${name} must be one value of at most ${MAX_HEADER_LENGTH} printable ASCII characters`, { field: name });
  }
  return value;
}

/** Compared in constant time, so response times do not tell how much of a credential was right. */
export function matchesCredential(given: string | undefined, accepted: readonly string[]): boolean {
  if (given === undefined) return false;
  const bytes = Buffer.from(given);
  return accepted.some((a) => {
    const expected = Buffer.from(a);
    return expected.length === bytes.length && timingSafeEqual(expected, bytes);
  });
}

/** The body as JSON: `content-type: application/json`, at most MAX_BODY_BYTES, well-formed. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    req.resume();
    throw new RequestError(415, 'unsupported_media_type', 'send the body as JSON with content-type: application/json');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, 'invalid_json', 'the body is not well-formed JSON');
  }
}

const tooLarge = () => new RequestError(413, 'payload_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`);

type Fields = Record<string, unknown>;

/** A JSON object with only the named fields. */
export function objectWith(body: unknown, allowed: readonly string[]): Fields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestError(400, 'invalid_body', 'the body must be a JSON object');
  const unknown = Object.keys(body).find((k) => !allowed.includes(k));
  if (unknown !== undefined) {
    throw new RequestError(400, 'unknown_field', `unknown field '${unknown.slice(0, 40)}'; allowed: ${allowed.join(', ')}`, { field: unknown.slice(0, 40) });
  }
  return body as Fields;
}

const invalid = (field: string, rule: string) => new RequestError(400, 'invalid_field', `${field} ${rule}`, { field });

export function stringField(body: Fields, field: string, rule: { max: number; pattern?: RegExp; describe: string }): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > rule.max || !PRINTABLE.test(value) || (rule.pattern && !rule.pattern.test(value))) {
    throw invalid(field, rule.describe);
  }
  return value;
}

export function numberField(body: Fields, field: string, rule: { min: number; max: number; integer?: boolean }): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < rule.min || value > rule.max || (rule.integer && !Number.isInteger(value))) {
    throw invalid(field, `must be ${rule.integer ? 'an integer' : 'a number'} from ${rule.min} to ${rule.max}`);
  }
  return value;
}

export function oneOf<T extends string | number>(body: Fields, field: string, values: readonly T[]): T | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!values.includes(value as T)) throw invalid(field, `must be one of ${values.join(', ')}`);
  return value as T;
}

export function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new RequestError(400, 'missing_field', `${field} is required`, { field });
  return value;
}
